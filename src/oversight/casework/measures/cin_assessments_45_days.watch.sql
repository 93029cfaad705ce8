-- Early warning for assessments within 45 working days: assessments started by $as_at and not authorised by
-- then that have reached working day 35 and not passed 45 (working days after the start day up to and including
-- $as_at, as the measure counts them). Each crosses the line on the 46th working day after its start: an
-- assessment authorised that day or later is over 45. An authorisation after $as_at had not happened yet.
-- One record per assessment.
WITH open_on AS (
    SELECT la, child, start_date, working_days_between(start_date, CAST($as_at AS DATE)) AS so_far
    FROM cin_assessments
    WHERE start_date <= CAST($as_at AS DATE)
        AND (authorisation_date IS NULL OR authorisation_date > CAST($as_at AS DATE))
)

SELECT
    la,
    child,
    add_working_days(start_date, 46) AS crosses_on,
    concat(
        'Assessment started ', uk_date(start_date), ', not authorised by ', uk_date(CAST($as_at AS DATE)),
        ': working day ', so_far, ' of 45; working day 45 is ', uk_date(add_working_days(start_date, 45)),
        ', and from ', uk_date(add_working_days(start_date, 46)), ' it is over 45'
    ) AS evidence
FROM open_on
WHERE so_far BETWEEN 35 AND 45
