-- Initial child protection conferences within 15 working days of the start of the section 47 enquiry: of
-- the conferences held in the period that followed an enquiry in this council, those held within 15 working
-- days of its start (working days after the start day up to and including the conference day). One record
-- per conference.
WITH conferences AS (
    SELECT la, child, start_date, icpc_date, working_days_between(start_date, icpc_date) AS took
    FROM cin_s47
    WHERE icpc_date BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
        AND icpc_date >= start_date
)

SELECT
    la,
    child,
    took <= 15 AS in_numerator,
    true AS in_denominator,
    concat(
        'Section 47 enquiry started ', uk_date(start_date), ', initial conference ', uk_date(icpc_date), ': ',
        took, CASE WHEN took = 1 THEN ' working day' ELSE ' working days' END,
        CASE WHEN took <= 15 THEN ', within 15' ELSE ', over 15' END
    ) AS evidence
FROM conferences
