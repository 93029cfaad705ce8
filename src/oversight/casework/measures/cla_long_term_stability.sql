-- NI 63: of the children looked after at the end of the period who are under 16 then and have been looked
-- after continuously for at least two and a half years, those who have lived with the same carer for at
-- least two years, or who are placed for adoption and whose adoptive placement and the placement before it
-- together have lasted at least two years.
WITH current_episode AS (
    SELECT * FROM looked_after_on(CAST($period_end AS DATE))
),

carer_spells AS (
    SELECT
        la,
        child,
        period_of_care,
        carer,
        min(decom) AS carer_start,
        lag(min(decom)) OVER (PARTITION BY la, child, period_of_care ORDER BY carer) AS previous_carer_start
    FROM episode_spells
    GROUP BY la, child, period_of_care, carer
),

cohort AS (
    SELECT
        e.la,
        e.child,
        e.place,
        s.carer_start,
        s.previous_carer_start
    FROM current_episode AS e
    JOIN children AS c ON c.la = e.la AND c.child = e.child
    JOIN carer_spells AS s
        ON s.la = e.la AND s.child = e.child AND s.period_of_care = e.period_of_care AND s.carer = e.carer
    WHERE age_on(c.dob, CAST($period_end AS DATE)) < 16
        AND e.period_of_care_start <= add_months(CAST($period_end AS DATE), -30)
),

judged AS (
    SELECT
        la,
        child,
        carer_start <= add_months(CAST($period_end AS DATE), -24)
        OR (
            place IN ('A3', 'A4', 'A5', 'A6')
            AND previous_carer_start <= add_months(CAST($period_end AS DATE), -24)
        ) AS is_stable
    FROM cohort
)

SELECT
    councils.la,
    count(*) FILTER (WHERE judged.is_stable) AS numerator,
    count(judged.child) AS denominator
FROM councils(CAST($la AS VARCHAR)) AS councils
LEFT JOIN judged ON judged.la = councils.la
GROUP BY councils.la
ORDER BY councils.la
