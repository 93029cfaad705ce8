-- Assessments completed within 45 working days: of the assessments authorised in the period, those
-- authorised within 45 working days of their start (working days after the start day up to and including
-- the authorisation day). An assessment authorised before it started is a data-quality issue and is left
-- out. One record per assessment.
WITH completed AS (
    SELECT la, child, start_date, authorisation_date, working_days_between(start_date, authorisation_date) AS took
    FROM cin_assessments
    WHERE authorisation_date BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
        AND authorisation_date >= start_date
)

SELECT
    la,
    child,
    took <= 45 AS in_numerator,
    true AS in_denominator,
    concat(
        'Assessment started ', uk_date(start_date), ', authorised ', uk_date(authorisation_date), ': ',
        took, CASE WHEN took = 1 THEN ' working day' ELSE ' working days' END,
        CASE WHEN took <= 45 THEN ', within 45' ELSE ', over 45' END
    ) AS evidence
FROM completed
