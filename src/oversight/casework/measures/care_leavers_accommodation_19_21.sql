-- Care leavers aged 19 to 21 on their birthday in the year (their age on 31 March) whose accommodation
-- was considered suitable (OC3 ACCOM ending in 1). Those who died, went home to their parents for six months
-- or more, went abroad, were deported or whose residence is not known (ACCOM G, H, R) are left out; those
-- whose accommodation is not known because the council was not in touch stay in. One record per care leaver.
WITH cohort AS (
    SELECT la, child, age, in_touch, accom
    FROM care_leavers(CAST($period_end AS DATE), 19, 21)
    WHERE coalesce(left(accom, 1), '') NOT IN ('G', 'H', 'R')
),

judged AS (
    SELECT *, coalesce(length(accom) = 2 AND right(accom, 1) = '1', false) AS is_suitable
    FROM cohort
)

SELECT
    la,
    child,
    is_suitable AS in_numerator,
    true AS in_denominator,
    concat(
        'Aged ', age, ' on ', uk_date(CAST($period_end AS DATE)),
        '; in touch: ', coalesce(in_touch, 'not recorded'),
        '; accommodation ', coalesce(accom, 'not recorded'),
        CASE WHEN is_suitable THEN ': suitable' ELSE ': not suitable or not known' END
    ) AS evidence
FROM judged
