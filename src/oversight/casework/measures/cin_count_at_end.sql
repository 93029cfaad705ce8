-- Children in need on the last day of the period: an episode of need referred on or before it and not
-- closed by it, leaving out referrals that ended in no further action. One record per child.
SELECT
    la,
    child,
    true AS in_numerator,
    CAST(NULL AS BOOLEAN) AS in_denominator,
    concat(
        'Referred ', uk_date(referral_date), ', ',
        CASE WHEN closure_date IS NULL THEN 'open' ELSE 'closed ' || uk_date(closure_date) END,
        '; a child in need on ', uk_date(CAST($period_end AS DATE))
    ) AS evidence
FROM children_in_need_on(CAST($period_end AS DATE))
