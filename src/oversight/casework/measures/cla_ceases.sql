-- Children who ceased to be looked after in the period: a period of care ending in it (its last episode's
-- end date), outside short breaks. One record per child: a child who ceased more than once is counted once
-- (DfE counts the last time each child ceased in the year).
WITH ceases AS (
    SELECT la, child, dec, rec
    FROM episode_spells
    WHERE dec = period_of_care_end
        AND NOT is_short_break
        AND dec BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
)

SELECT
    la,
    child,
    true AS in_numerator,
    CAST(NULL AS BOOLEAN) AS in_denominator,
    'Ceased to be looked after '
    || string_agg(concat(uk_date(dec), ' (reason ', coalesce(rec, 'not recorded'), ')'), ' and ' ORDER BY dec)
        AS evidence
FROM ceases
GROUP BY la, child
