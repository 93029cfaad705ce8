-- Child protection reviews on time: of the children subject of a plan on the last day of the period who had
-- been on it for at least 3 months, those whose reviews were all held on time. The first review is due
-- within 3 months of the plan's start (the initial conference), each later one within 6 months of the one
-- before; one more falls due after the last review held, and is late if it fell due by the end of the
-- period and was not held. One record per child.
WITH cohort AS (
    SELECT la, child, start_date
    FROM cp_plans_on(CAST($period_end AS DATE))
    WHERE start_date <= add_months(CAST($period_end AS DATE), -3)
),

plan_reviews AS (
    SELECT
        c.la,
        c.child,
        r.review_date,
        row_number() OVER (PARTITION BY c.child ORDER BY r.review_date) AS review_number
    FROM cohort AS c
    JOIN cp_reviews AS r
        ON r.child = c.child AND r.plan_start_date = c.start_date
    WHERE r.review_date <= CAST($period_end AS DATE)
),

events AS (
    SELECT la, child, review_number, review_date AS held FROM plan_reviews
    UNION ALL
    SELECT c.la, c.child, coalesce(max(r.review_number), 0) + 1, CAST(NULL AS DATE)
    FROM cohort AS c
    LEFT JOIN plan_reviews AS r ON r.child = c.child
    GROUP BY c.la, c.child
),

due AS (
    SELECT
        e.la,
        e.child,
        e.review_number,
        e.held,
        CASE
            WHEN e.review_number = 1 THEN add_months(c.start_date, 3)
            ELSE add_months(lag(e.held) OVER w, 6)
        END AS due_by
    FROM events AS e
    JOIN cohort AS c ON c.child = e.child
    WINDOW w AS (PARTITION BY e.child ORDER BY e.review_number)
),

judged AS (
    SELECT
        *,
        held IS NOT NULL AND held <= due_by AS on_time,
        concat(
            'Review ', review_number, ' due ', uk_date(due_by), ', ',
            CASE
                WHEN held IS NULL THEN 'not held by ' || uk_date(CAST($period_end AS DATE))
                ELSE 'held ' || uk_date(held)
            END,
            CASE WHEN held IS NOT NULL AND held <= due_by THEN ': on time' ELSE ': late' END
        ) AS sentence
    FROM due
    WHERE held IS NOT NULL OR due_by <= CAST($period_end AS DATE)
)

SELECT
    c.la,
    c.child,
    coalesce(bool_and(j.on_time), true) AS in_numerator,
    true AS in_denominator,
    concat(
        'Plan from ', uk_date(c.start_date), ': ',
        coalesce(string_agg(j.sentence, '; ' ORDER BY j.review_number), 'no review due yet')
    ) AS evidence
FROM cohort AS c
LEFT JOIN judged AS j ON j.child = c.child
GROUP BY c.la, c.child, c.start_date
