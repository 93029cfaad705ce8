-- Children who ceased to be looked after in the period: a period of care ending in it (its last episode's
-- end date), outside short breaks. One record per child: a child who ceased more than once is counted once
-- (DfE counts the last time each child ceased in the year; looked_after_cease_records in shared_tables.sql).
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM looked_after_cease_records(CAST($period_start AS DATE), CAST($period_end AS DATE))
