-- Early warning for NI 62: children looked after on $as_at with two placements counted so far in the financial
-- year ($period_start to $period_end), as the measure counts them, so that one more move before the year ends
-- puts them in its three-or-more figure if they are still looked after on its last day. When the next move will
-- come is not known: the date given is the year's last day, the last day a move counts in this year's figure.
-- Only what was known on $as_at counts: a placement starting after it has not started, and one ending after
-- it was still open. One record per child.
WITH cohort AS (
    SELECT la, child FROM looked_after_on(CAST($as_at AS DATE))
),

placements AS (
    SELECT DISTINCT la, child, placement, placement_start, placement_end
    FROM episode_spells
    WHERE NOT placement_is_short_break
),

so_far AS (
    SELECT
        la,
        child,
        placement_start,
        CASE WHEN placement_end <= CAST($as_at AS DATE) THEN placement_end END AS placement_end
    FROM placements
    WHERE placement_start <= CAST($as_at AS DATE)
        AND (placement_end IS NULL OR placement_end > CAST($period_start AS DATE))
        -- placements lasting less than 24 hours are not counted
        AND (placement_end IS NULL OR placement_end > placement_start)
),

counted AS (
    SELECT
        la,
        child,
        count(*) AS placements_so_far,
        string_agg(
            concat(uk_date(placement_start), ' to ', coalesce(uk_date(placement_end), 'now')), ', '
            ORDER BY placement_start
        ) AS dates
    FROM so_far
    GROUP BY la, child
)

SELECT
    cohort.la,
    cohort.child,
    CAST($period_end AS DATE) AS crosses_on,
    concat(
        '2 placements this year by ', uk_date(CAST($as_at AS DATE)), ': ', counted.dates,
        '; a move by ', uk_date(CAST($period_end AS DATE)), ' would be a third (the date of a next move is not known)'
    ) AS evidence
FROM cohort
JOIN counted ON counted.child = cohort.child
WHERE counted.placements_so_far = 2
