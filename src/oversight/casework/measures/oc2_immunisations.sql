-- Of the children looked after at 31 March who had been looked after continuously for at least 12 months,
-- those whose OC2 record for that year says immunisations = 1. A child in the cohort without an OC2 record for
-- the year counts in the denominator only.
WITH cohort AS (
    SELECT la, child
    FROM looked_after_on(CAST($period_end AS DATE))
    WHERE period_of_care_start <= add_months(CAST($period_end AS DATE), -12)
),

judged AS (
    SELECT cohort.la, cohort.child, coalesce(oc2.immunisations, false) AS is_done
    FROM cohort
    LEFT JOIN oc2
        ON oc2.la = cohort.la AND oc2.child = cohort.child AND oc2.year_ending = year(CAST($period_end AS DATE))
)

SELECT
    councils.la,
    count(*) FILTER (WHERE judged.is_done) AS numerator,
    count(judged.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN judged ON judged.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
