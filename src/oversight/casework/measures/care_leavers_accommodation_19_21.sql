-- Care leavers aged 19 to 21 on their birthday in the year (their age on 31 March) whose accommodation
-- was considered suitable (OC3 ACCOM ending in 1). Those who died, went home to their parents for six months
-- or more, went abroad, were deported or whose residence is not known (ACCOM G, H, R) are left out; those
-- whose accommodation is not known because the council was not in touch stay in.
WITH cohort AS (
    SELECT la, child, accom
    FROM care_leavers(CAST($period_end AS DATE), 19, 21)
    WHERE coalesce(left(accom, 1), '') NOT IN ('G', 'H', 'R')
)

SELECT
    councils.la,
    count(*) FILTER (WHERE length(cohort.accom) = 2 AND right(cohort.accom, 1) = '1') AS numerator,
    count(cohort.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN cohort ON cohort.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
