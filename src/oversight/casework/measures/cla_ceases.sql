-- Children who ceased to be looked after in the period: a period of care ending in it (its last episode's
-- end date), outside short breaks. A child who ceased more than once is counted once (DfE counts the last
-- time each child ceased in the year).
WITH ceases AS (
    SELECT DISTINCT la, child
    FROM episode_spells
    WHERE dec = period_of_care_end
        AND NOT is_short_break
        AND dec BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
)

SELECT
    councils.la,
    count(ceases.child) AS numerator,
    CAST(NULL AS BIGINT) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN ceases ON ceases.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
