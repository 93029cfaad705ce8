-- Children who started to be looked after in the period: a period of care beginning in it, outside short
-- breaks. One record per child: a child who started more than once in the period is counted once
-- (looked_after_start_records in shared_tables.sql).
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM looked_after_start_records(CAST($period_start AS DATE), CAST($period_end AS DATE))
