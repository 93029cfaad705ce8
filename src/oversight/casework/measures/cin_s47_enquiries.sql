-- Section 47 enquiries started in the period. Every enquiry counts: a child with two enquiries in the period
-- counts twice. One record per enquiry.
SELECT
    la,
    child,
    true AS in_numerator,
    CAST(NULL AS BOOLEAN) AS in_denominator,
    concat(
        'Section 47 enquiry started ', uk_date(start_date),
        CASE
            WHEN icpc_date IS NOT NULL THEN '; initial conference ' || uk_date(icpc_date)
            WHEN icpc_not_required THEN '; no conference needed'
            ELSE ''
        END
    ) AS evidence
FROM cin_s47
WHERE start_date BETWEEN CAST($period_start AS DATE) AND CAST($period_end AS DATE)
