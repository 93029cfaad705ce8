-- Adoption scorecard A2: for the children adopted from care in the three years to the end of the period,
-- the days between the council receiving court authority to place (the first episode of the period of care
-- under a placement order, LS E1, or freeing order, D1) and the match with the adopters (AD1 DATE_MATCH),
-- averaged over all of them. A child matched before the authority counts 0 days. Children without a
-- placement or freeing order, or without a match date, are left out. One record per child, with its days.
WITH adopted AS (
    SELECT la, child, period_of_care, adopted_on
    FROM adoptions(CAST($period_start AS DATE), CAST($period_end AS DATE))
),

authority AS (
    SELECT a.la, a.child, min(e.decom) AS authority_on, arg_min(e.ls, e.decom) AS order_status
    FROM adopted AS a
    JOIN episode_spells AS e ON e.child = a.child AND e.period_of_care = a.period_of_care
    WHERE e.ls IN ('E1', 'D1')
    GROUP BY a.la, a.child
),

matched AS (
    SELECT a.la, a.child, a.adopted_on, o.authority_on, o.order_status, ad1.date_match
    FROM adopted AS a
    JOIN authority AS o ON o.child = a.child
    JOIN ad1 ON ad1.child = a.child
    WHERE ad1.date_match IS NOT NULL
),

timed AS (
    SELECT *, greatest(date_diff('day', authority_on, date_match), 0) AS days
    FROM matched
)

SELECT
    la,
    child,
    true AS in_numerator,
    true AS in_denominator,
    concat(
        CASE WHEN order_status = 'E1' THEN 'Placement order' ELSE 'Freeing order' END,
        ' from ', uk_date(authority_on),
        '; matched with the adopters ', uk_date(date_match),
        CASE WHEN date_match < authority_on THEN ', before the order' END,
        '; adopted ', uk_date(adopted_on),
        ': ', days, ' days'
    ) AS evidence,
    days
FROM timed
