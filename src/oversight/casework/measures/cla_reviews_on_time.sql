-- NI 66: of the children looked after at the end of the period who had a review fall due in it, those whose
-- reviews were all held on time. Reviews count from the start of the current period of care. The first is
-- due within 20 working days of it, the second within 3 months of the first, each later one within 6 months
-- of the one before; one more falls due after the last review held. A review is in scope when it fell due
-- in the period, or was held in it, or fell due before it and had still not been held.
-- One record per child with a review in scope.
WITH cohort AS (
    SELECT la, child, period_of_care_start, period_of_care_end, add_working_days(period_of_care_start, 20) AS first_due
    FROM looked_after_on(CAST($period_end AS DATE))
),

-- The reviews held in the current period of care, numbered, each with the one held before it.
care_reviews AS (
    SELECT
        c.la,
        c.child,
        c.first_due,
        r.review AS held,
        row_number() OVER w AS review_number,
        lag(r.review) OVER w AS previous_held
    FROM cohort AS c
    JOIN reviews AS r ON r.child = c.child
    WHERE r.review >= c.period_of_care_start
        AND (c.period_of_care_end IS NULL OR r.review <= c.period_of_care_end)
    WINDOW w AS (PARTITION BY c.child ORDER BY r.review)
),

-- Those, and the next review due after the last one held (the first, if none has been).
events AS (
    SELECT la, child, first_due, review_number, held, previous_held FROM care_reviews
    UNION ALL
    SELECT
        c.la,
        c.child,
        c.first_due,
        coalesce(max(r.review_number), 0) + 1 AS review_number,
        CAST(NULL AS DATE) AS held,
        max(r.held) AS previous_held
    FROM cohort AS c
    LEFT JOIN care_reviews AS r ON r.child = c.child
    GROUP BY c.la, c.child, c.first_due
),

due AS (
    SELECT
        la,
        child,
        review_number,
        held,
        CASE
            WHEN review_number = 1 THEN first_due
            WHEN review_number = 2 THEN add_months(previous_held, 3)
            ELSE add_months(previous_held, 6)
        END AS due_by
    FROM events
),

in_scope AS (
    SELECT *, held IS NOT NULL AND held <= due_by AS on_time
    FROM due
    WHERE due_by <= CAST($period_end AS DATE)
        AND (due_by >= CAST($period_start AS DATE) OR held IS NULL OR held >= CAST($period_start AS DATE))
),

described AS (
    SELECT
        *,
        concat(
            'Review ', review_number, ' due ', uk_date(due_by), ', ',
            CASE WHEN held IS NULL THEN 'not held by ' || uk_date(CAST($period_end AS DATE)) ELSE 'held ' || uk_date(held) END,
            CASE WHEN on_time THEN ': on time' ELSE ': late' END
        ) AS sentence
    FROM in_scope
)

SELECT
    la,
    child,
    bool_and(on_time) AS in_numerator,
    true AS in_denominator,
    string_agg(sentence, '; ' ORDER BY review_number) AS evidence
FROM described
GROUP BY la, child
