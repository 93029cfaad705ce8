-- Of the children looked after at any time in the period (outside short breaks), those with at least one
-- missing incident (MISSING = M) in it: starting in the period, or carried over, open on its first day.
WITH cohort AS (
    SELECT la, child FROM looked_after_during(CAST($period_start AS DATE), CAST($period_end AS DATE))
),

went_missing AS (
    SELECT DISTINCT la, child
    FROM missing
    WHERE missing = 'M'
        AND mis_start <= CAST($period_end AS DATE)
        AND (mis_start >= CAST($period_start AS DATE) OR mis_end IS NULL OR mis_end >= CAST($period_start AS DATE))
),

judged AS (
    SELECT cohort.la, cohort.child, went_missing.child IS NOT NULL AS has_missing
    FROM cohort
    LEFT JOIN went_missing ON went_missing.la = cohort.la AND went_missing.child = cohort.child
)

SELECT
    councils.la,
    count(*) FILTER (WHERE judged.has_missing) AS numerator,
    count(judged.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN judged ON judged.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
