-- Children who were the subject of a child protection plan on the last day of the period: a plan started
-- on or before it and not ended by it. One record per child (cp_plans_records in cin_views.sql).
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM cp_plans_records(CAST($period_end AS DATE))
