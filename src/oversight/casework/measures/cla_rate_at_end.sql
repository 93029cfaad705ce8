-- Children looked after at the end of the period, per 10,000 children: the records of cla_count_at_end
-- (looked_after_records in shared_tables.sql). The engine divides by the council's ONS child population.
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM looked_after_records(CAST($period_end AS DATE))
