-- Child protection plans open on the last day of the period that had lasted 2 years or more by then:
-- that day less the start day, plus one, is 730 or more. One record per child on a plan that day.
WITH open_plans AS (
    SELECT la, child, start_date, CAST($period_end AS DATE) - start_date + 1 AS days
    FROM cp_plans_on(CAST($period_end AS DATE))
)

SELECT
    la,
    child,
    days >= 730 AS in_numerator,
    true AS in_denominator,
    concat(
        'Plan from ', uk_date(start_date), ', open on ', uk_date(CAST($period_end AS DATE)), ': ', days,
        ' days', CASE WHEN days >= 730 THEN ', 2 years or more' ELSE ', under 2 years' END
    ) AS evidence
FROM open_plans
