-- Children looked after at the end of the period: a snapshot, outside agreed series of short breaks.
-- One record per child looked after on the last day (looked_after_records in shared_tables.sql).
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM looked_after_records(CAST($period_end AS DATE))
