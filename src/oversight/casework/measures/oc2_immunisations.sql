-- Of the children looked after at 31 March who had been looked after continuously for at least 12 months,
-- those whose OC2 record for that year says immunisations = 1. A child in the cohort without an OC2 record for
-- the year counts in the denominator only.
WITH judged AS (
    SELECT la, child, coalesce(immunisations, false) AS is_done
    FROM oc2_cohort(CAST($period_end AS DATE))
)

SELECT
    councils.la,
    count(*) FILTER (WHERE judged.is_done) AS numerator,
    count(judged.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN judged ON judged.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
