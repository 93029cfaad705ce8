-- Care leavers aged 19 to 21 on their birthday in the year (their age on 31 March) whose accommodation
-- was considered suitable (OC3 ACCOM ending in 1). Those who died, went home to their parents for six months
-- or more, went abroad, were deported or whose residence is not known (ACCOM G, H, R) are left out; those
-- whose accommodation is not known because the council was not in touch stay in.
WITH cohort AS (
    SELECT o.la, o.child, o.accom
    FROM oc3 AS o
    JOIN children AS c ON c.la = o.la AND c.child = o.child
    WHERE o.year_ending = year(CAST($period_end AS DATE))
        AND age_on(c.dob, CAST($period_end AS DATE)) BETWEEN 19 AND 21
        AND coalesce(o.in_touch, '') NOT IN ('DIED', 'RHOM')
        AND coalesce(left(o.accom, 1), '') NOT IN ('G', 'H', 'R')
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
    count(*) FILTER (WHERE length(cohort.accom) = 2 AND right(cohort.accom, 1) = '1') AS numerator,
    count(cohort.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN cohort ON cohort.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
