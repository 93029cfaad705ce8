-- Children subject of a child protection plan on the last day of the period, per 10,000 children: the
-- records of cp_count_at_end (cp_plans_records in cin_views.sql). The engine divides by the council's ONS
-- child population.
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM cp_plans_records(CAST($period_end AS DATE))
