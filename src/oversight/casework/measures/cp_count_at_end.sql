-- Children who were the subject of a child protection plan on the last day of the period: a plan started
-- on or before it and not ended by it. One record per child.
SELECT
    la,
    child,
    true AS in_numerator,
    CAST(NULL AS BOOLEAN) AS in_denominator,
    concat(
        'Child protection plan from ', uk_date(start_date),
        CASE WHEN end_date IS NULL THEN ', open' ELSE ' to ' || uk_date(end_date) END,
        CASE WHEN latest_category IS NOT NULL THEN ' (' || latest_category || ')' ELSE '' END
    ) AS evidence
FROM cp_plans_on(CAST($period_end AS DATE))
