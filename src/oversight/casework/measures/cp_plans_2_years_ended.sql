-- Child protection plans ending in the period that had lasted 2 years or more: more than 729 calendar days
-- counting the day the plan ended, i.e. end - start + 1 >= 730. One record per plan (a child whose plans
-- ended twice counts twice).
WITH ended AS (
    SELECT la, child, start_date, end_date, end_date - start_date + 1 AS days
    FROM cp_plans
    WHERE end_date BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
        AND end_date >= start_date
)

SELECT
    la,
    child,
    days >= 730 AS in_numerator,
    true AS in_denominator,
    concat(
        'Plan ', uk_date(start_date), ' to ', uk_date(end_date), ': ', days, ' days counting the day it ended',
        CASE WHEN days >= 730 THEN ', 2 years or more' ELSE ', under 2 years' END
    ) AS evidence
FROM ended
