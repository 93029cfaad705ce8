-- Care leavers aged 19 to 21 on their birthday in the year (their age on 31 March) who were in education,
-- employment or training, as the year's OC3 table records it. Those who died or went home to their parents
-- for six months or more are left out; those the council was not in touch with stay in, as not known.
WITH cohort AS (
    SELECT la, child, activ
    FROM care_leavers(CAST($period_end AS DATE), 19, 21)
)

SELECT
    councils.la,
    count(*) FILTER (WHERE cohort.activ IN ('F1', 'P1', 'F2', 'P2', 'F3', 'P3', 'F4', 'P4', 'F5', 'P5')) AS numerator,
    count(cohort.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN cohort ON cohort.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
