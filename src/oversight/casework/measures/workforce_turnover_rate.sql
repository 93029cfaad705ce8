-- Turnover rate: the FTE of employed social workers who left in the twelve months to the census date, as a
-- share of the FTE of those in post on it. Leavers are records in the numerator with the FTE they left with,
-- and in the denominator with nothing (they are not in post); those in post are in the denominator with theirs.
SELECT
    la,
    child,
    left_in_year AS in_numerator,
    true AS in_denominator,
    evidence,
    CAST(CASE WHEN left_in_year THEN fte_leaving ELSE 0 END AS DECIMAL(18, 6)) AS numerator_amount,
    CAST(CASE WHEN in_post THEN fte_in_post ELSE 0 END AS DECIMAL(18, 6)) AS denominator_amount
FROM workforce_workers(CAST($period_start AS DATE), CAST($period_end AS DATE))
WHERE NOT agency_worker AND (in_post OR left_in_year)
