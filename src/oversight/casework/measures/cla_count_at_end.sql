-- Children looked after at the end of the period: a snapshot, outside agreed series of short breaks.
-- One record per child looked after on the last day.
WITH looked_after AS (
    SELECT la, child, period_of_care_start, decom
    FROM looked_after_on(CAST($period_end AS DATE))
)

SELECT
    la,
    child,
    true AS in_numerator,
    CAST(NULL AS BOOLEAN) AS in_denominator,
    concat(
        'Looked after on ', uk_date(CAST($period_end AS DATE)),
        ': in care since ', uk_date(period_of_care_start),
        ', current episode from ', uk_date(decom)
    ) AS evidence
FROM looked_after
