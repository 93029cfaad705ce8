-- Adoption scorecard A10: as A1, but for a child adopted by their foster carers (AD1 FOSTER_CARE = 1) the
-- wait ends on the day they began living with those carers. One record per child adopted, with its days.
WITH adopted AS (
    SELECT a.la, a.child, a.period_of_care_start, a.placed_on, a.carer_start, a.adopted_on, ad1.foster_care
    FROM adoptions(CAST($period_start AS DATE), CAST($period_end AS DATE)) AS a
    LEFT JOIN ad1 ON ad1.child = a.child
),

ended AS (
    SELECT *, CASE WHEN foster_care THEN carer_start ELSE placed_on END AS wait_ended
    FROM adopted
),

timed AS (
    SELECT *, date_diff('day', period_of_care_start, wait_ended) AS days
    FROM ended
)

SELECT
    la,
    child,
    true AS in_numerator,
    true AS in_denominator,
    concat(
        'In care from ', uk_date(period_of_care_start),
        CASE
            WHEN foster_care THEN '; adopted by the foster carers they lived with from ' || uk_date(carer_start)
            WHEN foster_care IS NULL THEN '; no AD1 record (not adopted by foster carers); moved in with the adopters '
                || uk_date(placed_on)
            ELSE '; moved in with the adopters ' || uk_date(placed_on)
        END,
        '; adopted ', uk_date(adopted_on),
        ': ', days, ' days'
    ) AS evidence,
    days
FROM timed
