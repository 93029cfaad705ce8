-- Of the children looked after at any time in the period (outside short breaks), those with at least one
-- missing incident (MISSING = M) in it: starting in the period, or carried over, open on its first day.
-- One record per child looked after in the period.
WITH cohort AS (
    SELECT la, child FROM looked_after_during(CAST($period_start AS DATE), CAST($period_end AS DATE))
),

incidents AS (
    SELECT la, child, mis_start, mis_end
    FROM missing
    WHERE missing = 'M'
        AND mis_start <= CAST($period_end AS DATE)
        AND (mis_start >= CAST($period_start AS DATE) OR mis_end IS NULL OR mis_end >= CAST($period_start AS DATE))
),

went_missing AS (
    SELECT
        la,
        child,
        string_agg(
            concat(
                uk_date(mis_start), CASE WHEN mis_end IS NULL THEN ' (no end recorded)' ELSE ' to ' || uk_date(mis_end) END
            ),
            ', ' ORDER BY mis_start
        ) AS dates
    FROM incidents
    GROUP BY la, child
)

SELECT
    cohort.la,
    cohort.child,
    went_missing.child IS NOT NULL AS in_numerator,
    true AS in_denominator,
    CASE
        WHEN went_missing.child IS NULL THEN 'Looked after in the period; no missing incident in it'
        ELSE 'Looked after in the period; missing ' || went_missing.dates
    END AS evidence
FROM cohort
LEFT JOIN went_missing ON went_missing.child = cohort.child
