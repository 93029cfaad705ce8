-- Children in need on the last day of the period, per 10,000 children: the records of cin_count_at_end
-- (children_in_need_records in cin_views.sql). The engine divides by the council's ONS child population.
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM children_in_need_records(CAST($period_end AS DATE))
