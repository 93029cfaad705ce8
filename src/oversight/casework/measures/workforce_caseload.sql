-- Average caseload: the cases held on the census date by case-holding employed social workers in post, per
-- FTE of those workers. A case holder is a worker in post with at least one case (Cases30 above 0).
SELECT
    la,
    child,
    true AS in_numerator,
    true AS in_denominator,
    evidence || ', ' || CAST(cases30 AS VARCHAR) || ' cases' AS evidence,
    CAST(cases30 AS DECIMAL(18, 6)) AS numerator_amount,
    CAST(fte_in_post AS DECIMAL(18, 6)) AS denominator_amount
FROM workforce_workers(CAST($period_start AS DATE), CAST($period_end AS DATE))
WHERE in_post AND NOT agency_worker AND cases30 > 0
