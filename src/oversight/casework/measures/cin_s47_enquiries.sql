-- Section 47 enquiries started in the period: the records of s47_records in cin_views.sql. Every enquiry
-- counts: a child with two enquiries in the period counts twice. One record per enquiry.
SELECT la, child, true AS in_numerator, CAST(NULL AS BOOLEAN) AS in_denominator, evidence
FROM s47_records(CAST($period_start AS DATE), CAST($period_end AS DATE))
