-- Missing incidents (MISSING = M) of children looked after: those starting in the period, and those carried
-- over, open on its first day. Away-from-placement incidents (A) are not counted.
WITH incidents AS (
    SELECT la, child, mis_start
    FROM missing
    WHERE missing = 'M'
        AND mis_start <= CAST($period_end AS DATE)
        AND (mis_start >= CAST($period_start AS DATE) OR mis_end IS NULL OR mis_end >= CAST($period_start AS DATE))
)

SELECT
    councils.la,
    count(incidents.child) AS numerator,
    CAST(NULL AS BIGINT) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN incidents ON incidents.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
