-- Children in need on the last day of the period: an episode of need referred on or before it and not
-- closed by it, leaving out referrals that ended in no further action. One record per child
-- (children_in_need_records in cin_views.sql).
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM children_in_need_records(CAST($period_end AS DATE))
