-- Child protection plans starting in the period that were a child's second or subsequent plan: the census
-- says the child had earlier plans (NumberOfPreviousCPP above 0), or an earlier plan of the child's is
-- loaded. One record per plan started (a child starting two plans counts twice).
WITH started AS (
    SELECT la, child, start_date, previous_plans
    FROM cp_plans
    WHERE start_date BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
),

judged AS (
    SELECT
        s.la,
        s.child,
        s.start_date,
        s.previous_plans,
        max(p.start_date) AS earlier_plan
    FROM started AS s
    LEFT JOIN cp_plans AS p ON p.child = s.child AND p.start_date < s.start_date
    GROUP BY s.la, s.child, s.start_date, s.previous_plans
)

SELECT
    la,
    child,
    coalesce(previous_plans, 0) > 0 OR earlier_plan IS NOT NULL AS in_numerator,
    true AS in_denominator,
    concat(
        'Plan started ', uk_date(start_date), '; ',
        CASE
            WHEN earlier_plan IS NOT NULL THEN 'an earlier plan started ' || uk_date(earlier_plan)
            WHEN coalesce(previous_plans, 0) > 0 THEN previous_plans || ' previous plan(s) recorded'
            ELSE 'no previous plan'
        END
    ) AS evidence
FROM judged
