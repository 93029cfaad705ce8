-- Agency worker rate: agency workers' FTE as a share of all social workers' FTE (agency and employed) in post
-- on the census date (workforce_workers in workforce_views.sql). Each worker in post is a record in the
-- denominator with its FTE; agency workers are in the numerator too.
SELECT
    la,
    child,
    agency_worker AS in_numerator,
    true AS in_denominator,
    evidence,
    CAST(fte_in_post AS DECIMAL(18, 6)) AS numerator_amount,
    CAST(fte_in_post AS DECIMAL(18, 6)) AS denominator_amount
FROM workforce_workers(CAST($period_start AS DATE), CAST($period_end AS DATE))
WHERE in_post
