-- Children who started to be looked after in the period: a period of care beginning in it, outside short
-- breaks. One record per child: a child who started more than once in the period is counted once.
WITH starts AS (
    SELECT la, child, decom
    FROM episode_spells
    WHERE starts_period_of_care
        AND NOT is_short_break
        AND decom BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
)

SELECT
    la,
    child,
    true AS in_numerator,
    CAST(NULL AS BOOLEAN) AS in_denominator,
    'Started to be looked after ' || string_agg(uk_date(decom), ' and ' ORDER BY decom) AS evidence
FROM starts
GROUP BY la, child
