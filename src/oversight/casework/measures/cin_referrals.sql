-- Referrals to children's social care in the period (CIN census): the records of referral_records in
-- cin_views.sql. Every referral counts: a child referred twice in the period counts twice, and referrals that
-- ended in no further action count too. One record per referral.
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM referral_records(CAST($period_start AS DATE), CAST($period_end AS DATE))
