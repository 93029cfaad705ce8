-- Of the children looked after at 31 March who had been looked after continuously for at least 12 months,
-- those whose OC2 record for that year says immunisations = 1. A child in the cohort without an OC2 record for
-- the year counts in the denominator only. One record per child in the cohort.
WITH cohort AS (
    SELECT la, child, period_of_care_start, has_oc2, coalesce(immunisations, false) AS is_done
    FROM oc2_cohort(CAST($period_end AS DATE))
)

SELECT
    la,
    child,
    is_done AS in_numerator,
    true AS in_denominator,
    concat(
        'In care since ', uk_date(period_of_care_start), '; ',
        CASE
            WHEN NOT has_oc2 THEN 'no OC2 record for the year'
            WHEN is_done THEN 'immunisations up to date in the OC2 record'
            ELSE 'immunisations not up to date in the OC2 record'
        END
    ) AS evidence
FROM cohort
