-- Re-referrals within 12 months: of the referrals in the period, those of a child who had been referred to
-- the same council within the 12 months before, from the same day a year earlier up to the day before.
-- The earlier referral may be in an earlier census. One record per referral in the period.
WITH referrals AS (
    SELECT la, child, referral_date FROM cin_episodes
),

in_period AS (
    SELECT *
    FROM referrals
    WHERE referral_date BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
),

judged AS (
    SELECT
        r.la,
        r.child,
        r.referral_date,
        max(p.referral_date) AS previous_referral
    FROM in_period AS r
    LEFT JOIN referrals AS p
        ON p.child = r.child
        AND p.referral_date < r.referral_date
        AND p.referral_date >= add_months(r.referral_date, -12)
    GROUP BY r.la, r.child, r.referral_date
)

SELECT
    la,
    child,
    previous_referral IS NOT NULL AS in_numerator,
    true AS in_denominator,
    concat(
        'Referred ', uk_date(referral_date), '; ',
        CASE
            WHEN previous_referral IS NULL THEN 'no referral in the 12 months before (from '
                || uk_date(add_months(referral_date, -12)) || ')'
            ELSE 'previous referral ' || uk_date(previous_referral) || ', within 12 months: a re-referral'
        END
    ) AS evidence
FROM judged
