-- Children who started to be looked after in the period: a period of care beginning in it, outside short
-- breaks. A child who started more than once in the period is counted once.
WITH starts AS (
    SELECT DISTINCT la, child
    FROM episode_spells
    WHERE starts_period_of_care
        AND NOT is_short_break
        AND decom BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
)

SELECT
    councils.la,
    count(starts.child) AS numerator,
    CAST(NULL AS BIGINT) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN starts ON starts.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
