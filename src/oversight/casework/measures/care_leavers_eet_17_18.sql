-- Care leavers aged 17 to 18 on their birthday in the year (their age on 31 March) who were in education,
-- employment or training, as the year's OC3 table records it. Those who died or went home to their parents
-- for six months or more are left out; those the council was not in touch with stay in, as not known.
WITH cohort AS (
    SELECT o.la, o.child, o.activ
    FROM oc3 AS o
    JOIN children AS c ON c.la = o.la AND c.child = o.child
    WHERE o.year_ending = year(CAST($period_end AS DATE))
        AND age_on(c.dob, CAST($period_end AS DATE)) BETWEEN 17 AND 18
        AND coalesce(o.in_touch, '') NOT IN ('DIED', 'RHOM')
        -- children looked after only under an agreed series of short breaks are not care leavers
        AND NOT (
            EXISTS (SELECT 1 FROM episodes e WHERE e.la = o.la AND e.child = o.child)
            AND NOT EXISTS (
                SELECT 1 FROM episodes e
                WHERE e.la = o.la AND e.child = o.child AND coalesce(e.ls NOT IN ('V3', 'V4'), true)
            )
        )
)

SELECT
    councils.la,
    count(*) FILTER (WHERE cohort.activ IN ('F1', 'P1', 'F2', 'P2', 'F3', 'P3', 'F4', 'P4', 'F5', 'P5')) AS numerator,
    count(cohort.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN cohort ON cohort.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
