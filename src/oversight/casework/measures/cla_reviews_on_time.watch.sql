-- Early warning for reviews on time: children looked after on $as_at whose next review falls due from that day
-- to 10 working days after it, not held by $as_at. Unless it is held by its due date, the review is late and
-- the child leaves the numerator. The due dates are the measure's: the first within 20 working days of the
-- start of the period of care, the second within 3 months of the first, each later one within 6 months of the
-- one before. A review held after $as_at had not been held yet. One record per child.
WITH cohort AS (
    SELECT la, child, period_of_care_start, add_working_days(period_of_care_start, 20) AS first_due
    FROM looked_after_on(CAST($as_at AS DATE))
),

held AS (
    SELECT
        c.la,
        c.child,
        c.first_due,
        count(r.review) AS reviews_held,
        max(r.review) AS last_held
    FROM cohort AS c
    LEFT JOIN reviews AS r
        ON r.child = c.child AND r.review >= c.period_of_care_start AND r.review <= CAST($as_at AS DATE)
    GROUP BY c.la, c.child, c.first_due
),

next_due AS (
    SELECT
        la,
        child,
        reviews_held + 1 AS review_number,
        last_held,
        CASE
            WHEN reviews_held = 0 THEN first_due
            WHEN reviews_held = 1 THEN add_months(last_held, 3)
            ELSE add_months(last_held, 6)
        END AS due_by
    FROM held
)

SELECT
    la,
    child,
    due_by AS crosses_on,
    concat(
        'Review ', review_number, ' due ', uk_date(due_by),
        CASE WHEN last_held IS NULL THEN '' ELSE ' (the last held ' || uk_date(last_held) || ')' END,
        ', not held by ', uk_date(CAST($as_at AS DATE))
    ) AS evidence
FROM next_due
WHERE due_by BETWEEN CAST($as_at AS DATE) AND add_working_days(CAST($as_at AS DATE), 10)
