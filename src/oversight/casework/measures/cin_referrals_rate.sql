-- Referrals in the period per 10,000 children: the records of cin_referrals (referral_records in
-- cin_views.sql). The engine divides by the council's ONS child population.
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM referral_records(CAST($period_start AS DATE), CAST($period_end AS DATE))
