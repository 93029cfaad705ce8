-- Children looked after at the end of the period: a snapshot, outside agreed series of short breaks.
-- Parameters: $period_start, $period_end (DATE), $la (VARCHAR or NULL for every council loaded).
WITH looked_after AS (
    SELECT la, child FROM looked_after_on(CAST($period_end AS DATE))
)

SELECT
    councils.la,
    count(looked_after.child) AS numerator,
    CAST(NULL AS BIGINT) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN looked_after ON looked_after.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
