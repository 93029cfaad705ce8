-- Early warning for plans open 2 years or more: children on a child protection plan on $as_at that had lasted
-- 21 months or more by then but not yet 2 years. Each crosses the line on the day its plan has lasted 730 days
-- counting that day (start + 729 days), as the measure counts them: from then, open on the last day of a period,
-- it is in the numerator. One record per child on a plan that day.
WITH open_plans AS (
    SELECT la, child, start_date, CAST($as_at AS DATE) - start_date + 1 AS days
    FROM cp_plans_on(CAST($as_at AS DATE))
    WHERE add_months(start_date, 21) <= CAST($as_at AS DATE)
)

SELECT
    la,
    child,
    start_date + 729 AS crosses_on,
    concat(
        'Plan from ', uk_date(start_date), ', open on ', uk_date(CAST($as_at AS DATE)), ': ', days,
        ' days; it reaches 2 years (730 days counting the day) on ', uk_date(start_date + 729)
    ) AS evidence
FROM open_plans
WHERE days < 730
