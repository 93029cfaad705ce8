-- Shared building blocks for the measures: created as TEMP macros and views on every connection, so the
-- store file holds only data and a change here never needs a migration. The working_days table is built
-- beside them from oversight.casework.workdays (England and Wales bank holidays).
--
-- Rules tagged [R] are unverified recollections (see the measure cards' rules_unverified).

-- Completed years of age on a day. Someone born on 29 February turns a year older on 1 March in other
-- years [R].
CREATE OR REPLACE TEMP MACRO age_on(birth_date, on_day) AS
    year(on_day) - year(birth_date)
    - CASE WHEN strftime(on_day, '%m%d') < strftime(birth_date, '%m%d') THEN 1 ELSE 0 END;

-- A day as a measure's evidence writes it: 14/09/2011.
CREATE OR REPLACE TEMP MACRO uk_date(day) AS strftime(day, '%d/%m/%Y');

-- Calendar months, clamped to the month's end: 31 August less 6 months is 28 or 29 February.
CREATE OR REPLACE TEMP MACRO add_months(from_day, months) AS CAST(from_day + to_months(months) AS DATE);

-- Working days after ``from_day`` up to and including ``to_day`` (DfE's convention: the start day is not
-- counted). working_rank is the number of working days up to and including the calendar day.
CREATE OR REPLACE TEMP MACRO working_days_between(from_day, to_day) AS
    (SELECT working_rank FROM working_days WHERE calendar_day = to_day)
    - (SELECT working_rank FROM working_days WHERE calendar_day = from_day);

-- The n-th working day after ``from_day`` (n >= 1): a due date such as "within 20 working days".
-- Written as one join rather than a subquery inside a subquery, which DuckDB plans as every start day against
-- every working day.
CREATE OR REPLACE TEMP MACRO add_working_days(from_day, n) AS
    (SELECT min(w.calendar_day) FROM working_days AS s
     JOIN working_days AS w ON w.working_rank = s.working_rank + n
     WHERE s.calendar_day = from_day AND w.is_working);

-- One row per episode, with the period of care and the placement and carer spells it belongs to.
--   period of care: episodes chained end to start; a gap of a day or more starts a new one [R]
--   placement spell (NI 62): starts with a period of care, and at each change of placement (RNE P, B, T, U),
--     except placement for adoption with the current foster carer (RNE T/U into A3/A5), a temporary
--     placement (T0-T4) and the return from one to the placement before it [R]
--   carer spell (NI 63, "the same carer"): as a placement spell, but a change of placement with the same
--     carer (RNE T, U) does not start one
CREATE OR REPLACE TEMP VIEW episode_spells_rule AS
WITH keyed AS (
    SELECT
        e.*,
        coalesce(e.place IN ('T0', 'T1', 'T2', 'T3', 'T4'), false) AS is_temporary,
        coalesce(e.ls IN ('V3', 'V4'), false) AS is_short_break,
        concat_ws('|', coalesce(e.place, ''), coalesce(e.place_provider, ''), coalesce(e.urn, '')) AS placement_key
    FROM episodes e
),

-- Everything that looks at the episode before, in one pass over each child's episodes in order.
ordered AS (
    SELECT
        * EXCLUDE (is_temporary, is_short_break, placement_key),
        row_number() OVER w AS episode_number,
        lag(dec) OVER w AS previous_dec,
        is_temporary,
        is_short_break,
        placement_key,
        coalesce(lag(is_temporary) OVER w, false) AS follows_temporary,
        last_value(CASE WHEN NOT is_temporary THEN placement_key END IGNORE NULLS)
            OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS placement_before_temporary
    FROM keyed
    WINDOW w AS (PARTITION BY la, child ORDER BY decom)
),

marked AS (
    SELECT
        * EXCLUDE (follows_temporary, placement_before_temporary),
        episode_number = 1 OR previous_dec < decom AS starts_period_of_care,
        follows_temporary,
        placement_before_temporary
    FROM ordered
),

flagged AS (
    SELECT
        *,
        follows_temporary AND placement_key = coalesce(placement_before_temporary, '') AS returns_from_temporary
    FROM marked
),

started AS (
    SELECT
        *,
        starts_period_of_care OR (
            coalesce(rne IN ('P', 'B', 'T', 'U'), false)
            AND NOT is_temporary
            AND NOT returns_from_temporary
            AND NOT (rne IN ('T', 'U') AND coalesce(place IN ('A3', 'A5'), false))
        ) AS starts_placement,
        starts_period_of_care OR (
            coalesce(rne IN ('P', 'B'), false) AND NOT is_temporary AND NOT returns_from_temporary
        ) AS starts_carer
    FROM flagged
),

numbered AS (
    SELECT
        *,
        sum(CAST(starts_period_of_care AS INTEGER)) OVER w AS period_of_care,
        sum(CAST(starts_placement AS INTEGER)) OVER w AS placement,
        sum(CAST(starts_carer AS INTEGER)) OVER w AS carer
    FROM started
    WINDOW w AS (PARTITION BY la, child ORDER BY decom ROWS UNBOUNDED PRECEDING)
),

-- Each spell's first and last days, from its episodes: grouped, not a window per spell, which is the same
-- and quicker. Episodes are unique by council, child and start (the loader keeps them so), so a spell has
-- one latest-starting episode, and its end is the spell's end.
periods_of_care AS (
    SELECT la, child, period_of_care, min(decom) AS period_of_care_start, arg_max_null(dec, decom) AS period_of_care_end
    FROM numbered
    GROUP BY la, child, period_of_care
),

placements AS (
    SELECT
        la,
        child,
        placement,
        min(decom) AS placement_start,
        arg_max_null(dec, decom) AS placement_end,
        bool_and(is_short_break) AS placement_is_short_break
    FROM numbered
    GROUP BY la, child, placement
),

carers AS (
    SELECT la, child, carer, min(decom) AS carer_start
    FROM numbered
    GROUP BY la, child, carer
)

SELECT
    n.*,
    p.period_of_care_start,
    p.period_of_care_end,
    s.placement_start,
    s.placement_end,
    s.placement_is_short_break,
    c.carer_start
FROM numbered AS n
JOIN periods_of_care AS p
    ON p.la = n.la AND p.child = n.child AND p.period_of_care IS NOT DISTINCT FROM n.period_of_care
JOIN placements AS s ON s.la = n.la AND s.child = n.child AND s.placement IS NOT DISTINCT FROM n.placement
JOIN carers AS c ON c.la = n.la AND c.child = n.child AND c.carer IS NOT DISTINCT FROM n.carer;

-- What the measures read. While the engine computes, it points this view at a TEMP table built once from
-- episode_spells_rule for the store as it stands (CaseworkStore.shared_tables), so the windows above run once a
-- run rather than once a measure; everywhere else it is the rule itself.
CREATE OR REPLACE TEMP VIEW episode_spells AS SELECT * FROM episode_spells_rule;

-- Children looked after on a day: the episode open that day (started on or before it, not ended on or
-- before it), leaving out agreed series of short breaks (legal status V3, V4). An episode that ends on the
-- day does not count: the child ceased to be looked after that day [R]. One row per child: where episodes
-- overlap (a data-quality issue) the latest-starting one.
CREATE OR REPLACE TEMP MACRO looked_after_on(on_day) AS TABLE
    SELECT *
    FROM episode_spells
    WHERE decom <= on_day AND (dec IS NULL OR dec > on_day) AND NOT is_short_break
    QUALIFY row_number() OVER (PARTITION BY la, child ORDER BY decom DESC) = 1;

-- The records of the children looked after on a day, as the count and the rate per 10,000 at the end of the
-- period both count them: la, child and the evidence.
CREATE OR REPLACE TEMP MACRO looked_after_records(on_day) AS TABLE
    SELECT
        la,
        child,
        concat(
            'Looked after on ', uk_date(on_day),
            ': in care since ', uk_date(period_of_care_start),
            ', current episode from ', uk_date(decom)
        ) AS evidence
    FROM looked_after_on(on_day);

-- Children looked after at any time from ``from_day`` to ``to_day``, outside short breaks: one row per child.
CREATE OR REPLACE TEMP MACRO looked_after_during(from_day, to_day) AS TABLE
    SELECT DISTINCT la, child
    FROM episode_spells
    WHERE decom <= to_day AND (dec IS NULL OR dec > from_day) AND NOT is_short_break;

-- The OC2 cohort on a day (31 March): children looked after that day who had been looked after continuously
-- for at least 12 months, with their OC2 record for the year if there is one (has_oc2 false and all flags
-- NULL if not).
CREATE OR REPLACE TEMP MACRO oc2_cohort(on_day) AS TABLE
    SELECT
        cohort.la,
        cohort.child,
        cohort.period_of_care_start,
        oc2.child IS NOT NULL AS has_oc2,
        oc2.health_check,
        oc2.immunisations,
        oc2.teeth_check
    FROM looked_after_on(on_day) AS cohort
    LEFT JOIN oc2
        ON oc2.la = cohort.la AND oc2.child = cohort.child AND oc2.year_ending = year(on_day)
    WHERE cohort.period_of_care_start <= add_months(on_day, -12);

-- Care leavers in the OC3 table for the year ending on ``on_day`` whose age that day (``age``) is from ``min_age`` to
-- ``max_age``. Those who died or went home to their parents for six months or more are left out, and so are
-- children looked after only under an agreed series of short breaks, who are not care leavers.
CREATE OR REPLACE TEMP MACRO care_leavers(on_day, min_age, max_age) AS TABLE
    SELECT o.la, o.child, age_on(c.dob, on_day) AS age, o.in_touch, o.activ, o.accom
    FROM oc3 AS o
    JOIN children AS c ON c.la = o.la AND c.child = o.child
    WHERE o.year_ending = year(on_day)
        AND age_on(c.dob, on_day) BETWEEN min_age AND max_age
        AND coalesce(o.in_touch, '') NOT IN ('DIED', 'RHOM')
        AND NOT (
            EXISTS (SELECT 1 FROM episodes e WHERE e.la = o.la AND e.child = o.child)
            AND NOT EXISTS (
                SELECT 1 FROM episodes e
                WHERE e.la = o.la AND e.child = o.child AND coalesce(e.ls NOT IN ('V3', 'V4'), true)
            )
        );

-- Children adopted from care from ``from_day`` to ``to_day``: a period of care ending in adoption (REC E11,
-- E12), with the day they entered care, the day they moved in with the adopters (the first episode of the
-- unbroken run of adoptive placements, PLACE A3 to A6, that ended in the adoption) and the day they began
-- living with the carer of that placement (carer_start: a foster carer who adopts is the same carer [R]).
-- Children adopted from a placement that was not an adoptive one are left out: they were never placed for
-- adoption before the order.
CREATE OR REPLACE TEMP MACRO adoptions(from_day, to_day) AS TABLE
    WITH adopted AS (
        SELECT la, child, period_of_care, period_of_care_start, dec AS adopted_on
        FROM episode_spells
        WHERE dec = period_of_care_end AND rec IN ('E11', 'E12') AND dec BETWEEN from_day AND to_day
    ),

    care_episodes AS (
        SELECT e.la, e.child, e.decom, e.carer_start, coalesce(e.place IN ('A3', 'A4', 'A5', 'A6'), false) AS is_adoptive
        FROM episode_spells AS e
        JOIN adopted AS a ON a.la = e.la AND a.child = e.child AND a.period_of_care = e.period_of_care
    ),

    last_other AS (
        SELECT la, child, max(decom) FILTER (WHERE NOT is_adoptive) AS last_not_adoptive
        FROM care_episodes
        GROUP BY la, child
    ),

    placed AS (
        SELECT e.la, e.child, min(e.decom) AS placed_on, arg_min(e.carer_start, e.decom) AS carer_start
        FROM care_episodes AS e
        JOIN last_other AS o ON o.la = e.la AND o.child = e.child
        WHERE e.is_adoptive AND (o.last_not_adoptive IS NULL OR e.decom > o.last_not_adoptive)
        GROUP BY e.la, e.child
    )

    SELECT a.la, a.child, a.period_of_care, a.period_of_care_start, p.placed_on, p.carer_start, a.adopted_on
    FROM adopted AS a
    JOIN placed AS p ON p.la = a.la AND p.child = a.child;
