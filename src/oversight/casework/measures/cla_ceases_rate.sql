-- Children who ceased to be looked after in the period, per 10,000 children: the records of cla_ceases
-- (looked_after_cease_records in shared_tables.sql). The engine divides by the council's ONS child population.
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM looked_after_cease_records(CAST($period_start AS DATE), CAST($period_end AS DATE))
