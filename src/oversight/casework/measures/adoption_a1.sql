-- Adoption scorecard A1: for the children adopted from care in the three years to the end of the period,
-- the days between entering care and moving in with the adoptive family, averaged over all of them (a
-- pooled mean, not the mean of three yearly means). One record per child adopted, with its days.
WITH adopted AS (
    SELECT la, child, period_of_care_start, placed_on, adopted_on
    FROM adoptions(CAST($period_start AS DATE), CAST($period_end AS DATE))
),

timed AS (
    SELECT *, date_diff('day', period_of_care_start, placed_on) AS days
    FROM adopted
)

SELECT
    la,
    child,
    true AS in_numerator,
    true AS in_denominator,
    concat(
        'In care from ', uk_date(period_of_care_start),
        '; moved in with the adopters ', uk_date(placed_on),
        '; adopted ', uk_date(adopted_on),
        ': ', days, ' days'
    ) AS evidence,
    days
FROM timed
