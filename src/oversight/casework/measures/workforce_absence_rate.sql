-- Absence rate: working days lost to sickness in the year by employed social workers in post on the census
-- date, as a share of the working days their FTE makes available in a year (FTE x 253, as DfE counts them).
SELECT
    la,
    child,
    true AS in_numerator,
    true AS in_denominator,
    evidence || ', ' || CAST(coalesce(working_days_lost, 0) AS VARCHAR) || ' working days lost' AS evidence,
    CAST(coalesce(working_days_lost, 0) AS DECIMAL(18, 6)) AS numerator_amount,
    CAST(fte_in_post * 253 AS DECIMAL(18, 6)) AS denominator_amount
FROM workforce_workers(CAST($period_start AS DATE), CAST($period_end AS DATE))
WHERE in_post AND NOT agency_worker
