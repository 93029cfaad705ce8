-- NI 62: of the children looked after at the end of the period, those with three or more placements
-- during it. Placements are the placement spells of the episode_spells view; one counts when it was open
-- on some day of the period and lasted at least a day. Short-break spells are not placements.
-- One record per child looked after at the end of the period.
WITH cohort AS (
    SELECT la, child FROM looked_after_on(CAST($period_end AS DATE))
),

placements AS (
    SELECT DISTINCT la, child, placement, placement_start, placement_end
    FROM episode_spells
    WHERE NOT placement_is_short_break
),

in_period AS (
    SELECT la, child, placement_start, placement_end
    FROM placements
    WHERE placement_start <= CAST($period_end AS DATE)
        AND (placement_end IS NULL OR placement_end > CAST($period_start AS DATE))
        -- placements lasting less than 24 hours are not counted
        AND (placement_end IS NULL OR placement_end > placement_start)
),

counted AS (
    SELECT
        la,
        child,
        count(*) AS placements_in_period,
        string_agg(
            concat(uk_date(placement_start), ' to ', coalesce(uk_date(placement_end), 'now')), ', '
            ORDER BY placement_start
        ) AS dates
    FROM in_period
    GROUP BY la, child
)

SELECT
    cohort.la,
    cohort.child,
    coalesce(counted.placements_in_period, 0) >= 3 AS in_numerator,
    true AS in_denominator,
    concat(
        coalesce(counted.placements_in_period, 0),
        CASE WHEN counted.placements_in_period = 1 THEN ' placement' ELSE ' placements' END,
        ' in the period',
        ': ' || counted.dates
    ) AS evidence
FROM cohort
LEFT JOIN counted ON counted.child = cohort.child
