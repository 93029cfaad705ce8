-- Referrals in the period that went on to an assessment: an assessment recorded in the same episode of need
-- (the same CINdetails), whenever it started. One record per referral in the period.
WITH in_period AS (
    SELECT la, child, referral_date, referral_nfa
    FROM cin_episodes
    WHERE referral_date BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
),

first_assessment AS (
    SELECT la, child, referral_date, min(start_date) AS assessment_start
    FROM cin_assessments
    GROUP BY la, child, referral_date
)

SELECT
    r.la,
    r.child,
    a.assessment_start IS NOT NULL AS in_numerator,
    true AS in_denominator,
    concat(
        'Referred ', uk_date(r.referral_date), '; ',
        CASE
            WHEN a.assessment_start IS NOT NULL THEN 'assessment started ' || uk_date(a.assessment_start)
            WHEN r.referral_nfa THEN 'no further action, no assessment'
            ELSE 'no assessment recorded'
        END
    ) AS evidence
FROM in_period AS r
LEFT JOIN first_assessment AS a
    ON a.child = r.child AND a.referral_date = r.referral_date
