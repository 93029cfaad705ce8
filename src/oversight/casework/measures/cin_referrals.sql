-- Referrals to children's social care in the period (CIN census). Every referral counts: a child referred
-- twice in the period counts twice, and referrals that ended in no further action count too.
-- One record per referral.
SELECT
    la,
    child,
    true AS in_numerator,
    CAST(NULL AS BOOLEAN) AS in_denominator,
    concat(
        'Referred ', uk_date(referral_date),
        CASE WHEN referral_nfa THEN ', no further action' ELSE '' END
    ) AS evidence
FROM cin_episodes
WHERE referral_date BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
