-- Missing incidents (MISSING = M) of children looked after: those starting in the period, and those carried
-- over, open on its first day. Away-from-placement incidents (A) are not counted. One record per incident.
WITH incidents AS (
    SELECT la, child, mis_start, mis_end
    FROM missing
    WHERE missing = 'M'
        AND mis_start <= CAST($period_end AS DATE)
        AND (mis_start >= CAST($period_start AS DATE) OR mis_end IS NULL OR mis_end >= CAST($period_start AS DATE))
)

SELECT
    la,
    child,
    true AS in_numerator,
    CAST(NULL AS BOOLEAN) AS in_denominator,
    concat(
        'Missing from ', uk_date(mis_start),
        CASE WHEN mis_end IS NULL THEN ', no end recorded' ELSE ' to ' || uk_date(mis_end) END,
        CASE WHEN mis_start < CAST($period_start AS DATE) THEN ': open on the first day of the period' END
    ) AS evidence
FROM incidents
