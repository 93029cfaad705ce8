-- NI 62: of the children looked after at the end of the period, those with three or more placements
-- during it. Placements are the placement spells of the episode_spells view; one counts when it was open
-- on some day of the period and lasted at least a day. Short-break spells are not placements.
WITH cohort AS (
    SELECT la, child FROM looked_after_on(CAST($period_end AS DATE))
),

placements AS (
    SELECT DISTINCT la, child, placement, placement_start, placement_end
    FROM episode_spells
    WHERE NOT placement_is_short_break
),

counted AS (
    SELECT la, child, count(*) AS placements_in_period
    FROM placements
    WHERE placement_start <= CAST($period_end AS DATE)
        AND (placement_end IS NULL OR placement_end > CAST($period_start AS DATE))
        -- placements lasting less than 24 hours are not counted
        AND (placement_end IS NULL OR placement_end > placement_start)
    GROUP BY la, child
),

children AS (
    SELECT cohort.la, cohort.child, coalesce(counted.placements_in_period, 0) >= 3 AS has_three_or_more
    FROM cohort
    LEFT JOIN counted ON counted.la = cohort.la AND counted.child = cohort.child
)

SELECT
    councils.la,
    count(*) FILTER (WHERE children.has_three_or_more) AS numerator,
    count(children.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN children ON children.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
