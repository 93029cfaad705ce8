-- Care leavers aged 17 to 18 on their birthday in the year (their age on 31 March) who were in education,
-- employment or training, as the year's OC3 table records it. Those who died or went home to their parents
-- for six months or more are left out; those the council was not in touch with stay in, as not known.
-- One record per care leaver.
WITH cohort AS (
    SELECT la, child, age, in_touch, activ
    FROM care_leavers(CAST($period_end AS DATE), 17, 18)
),

judged AS (
    SELECT *, coalesce(activ IN ('F1', 'P1', 'F2', 'P2', 'F3', 'P3', 'F4', 'P4', 'F5', 'P5'), false) AS is_eet
    FROM cohort
)

SELECT
    la,
    child,
    is_eet AS in_numerator,
    true AS in_denominator,
    concat(
        'Aged ', age, ' on ', uk_date(CAST($period_end AS DATE)),
        '; in touch: ', coalesce(in_touch, 'not recorded'),
        '; activity ', coalesce(activ, 'not recorded'),
        CASE WHEN is_eet THEN ': in education, employment or training' ELSE ': not, or not known' END
    ) AS evidence
FROM judged
