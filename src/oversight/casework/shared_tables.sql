-- Shared building blocks for the measures, written as TEMP macros and views. CaseworkStore.open keeps them in
-- the store file (without TEMP), stamped with a digest of their definitions, whenever it opens the store for
-- writing and finds another stamp or none, so a change here never needs a migration; a store opened for reading
-- with another stamp gets them as written here, in the workspace. The working_days table is kept beside them,
-- built from oversight.core.workdays (England and Wales bank holidays).
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
-- The episodes keep the columns the measures read (la, child, decom, dec, ls, place, rec); the rest stay in
-- the episodes table.
--
-- Written as two passes over each child's episodes in order, each carrying as few columns as it can: a window
-- costs in proportion to the width of what it sorts, and grouping each spell and joining it back costs as
-- much again. A child is partitioned by pseudonym alone, which is unique across councils (it hashes the
-- council with the child's identifier, ADR 12), and sorts faster than the council and the pseudonym.
CREATE OR REPLACE TEMP VIEW episode_spells_rule AS
WITH keyed AS (
    SELECT
        la, child, decom, dec, rne, ls, place, rec,
        coalesce(place IN ('T0', 'T1', 'T2', 'T3', 'T4'), false) AS is_temporary,
        coalesce(ls IN ('V3', 'V4'), false) AS is_short_break,
        concat_ws('|', coalesce(place, ''), coalesce(place_provider, ''), coalesce(urn, '')) AS placement_key
    FROM episodes
),

-- The first pass: what each episode needs to know of the ones before it. previous is NULL for a child's first
-- episode (and its dec NULL after an open episode); not_short_breaks counts the episodes so far outside short
-- breaks, this one included.
ordered AS (
    SELECT
        la, child, decom, dec, rne, ls, place, rec, is_temporary, is_short_break, placement_key,
        lag(struct_pack(dec := dec, is_temporary := is_temporary)) OVER w AS previous,
        last_value(CASE WHEN NOT is_temporary THEN placement_key END IGNORE NULLS)
            OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS placement_before_temporary,
        sum(CAST(NOT is_short_break AS INTEGER)) OVER (w ROWS UNBOUNDED PRECEDING) AS not_short_breaks
    FROM keyed
    WINDOW w AS (PARTITION BY child ORDER BY decom)
),

flagged AS (
    SELECT
        *,
        coalesce(previous IS NULL OR previous.dec < decom, false) AS starts_period_of_care,
        coalesce(previous.is_temporary, false) AND placement_key = coalesce(placement_before_temporary, '')
            AS returns_from_temporary
    FROM ordered
),

started AS (
    SELECT
        la, child, decom, dec, ls, place, rec, is_short_break, starts_period_of_care,
        previous.dec AS previous_dec,
        not_short_breaks,
        not_short_breaks - CAST(NOT is_short_break AS INTEGER) AS not_short_breaks_before,
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

-- The second pass: each spell numbered and started from the episodes up to this one, and ended from those
-- after it. A spell that another follows ended on the dec of the episode before the next one's start (its
-- previous_dec); the last one ends as the child's last episode does. A placement is a short break when none of
-- its episodes counts as outside one: the count before its first episode equals the count at its end.
spelled AS (
    SELECT
        la, child, decom, dec, ls, place, rec, is_short_break, starts_period_of_care,
        sum(CAST(starts_period_of_care AS INTEGER)) OVER (w ROWS UNBOUNDED PRECEDING) AS period_of_care,
        sum(CAST(starts_placement AS INTEGER)) OVER (w ROWS UNBOUNDED PRECEDING) AS placement,
        sum(CAST(starts_carer AS INTEGER)) OVER (w ROWS UNBOUNDED PRECEDING) AS carer,
        max(CASE WHEN starts_period_of_care THEN decom END) OVER (w ROWS UNBOUNDED PRECEDING) AS period_of_care_start,
        max(CASE WHEN starts_placement THEN decom END) OVER (w ROWS UNBOUNDED PRECEDING) AS placement_start,
        max(CASE WHEN starts_carer THEN decom END) OVER (w ROWS UNBOUNDED PRECEDING) AS carer_start,
        max(CASE WHEN starts_placement THEN not_short_breaks_before END)
            OVER (w ROWS UNBOUNDED PRECEDING) AS placement_not_short_breaks_before,
        first_value(CASE WHEN starts_period_of_care THEN struct_pack(dec := previous_dec) END IGNORE NULLS)
            OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_period_of_care,
        first_value(
            CASE WHEN starts_placement THEN struct_pack(dec := previous_dec, not_short_breaks := not_short_breaks_before) END
            IGNORE NULLS
        ) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS next_placement,
        last_value(struct_pack(dec := dec, not_short_breaks := not_short_breaks))
            OVER (w ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS last_episode
    FROM started
    WINDOW w AS (PARTITION BY child ORDER BY decom)
)

SELECT
    la,
    child,
    decom,
    dec,
    ls,
    place,
    rec,
    is_short_break,
    starts_period_of_care,
    period_of_care,
    placement,
    carer,
    period_of_care_start,
    CASE WHEN next_period_of_care IS NULL THEN last_episode.dec ELSE next_period_of_care.dec END AS period_of_care_end,
    placement_start,
    CASE WHEN next_placement IS NULL THEN last_episode.dec ELSE next_placement.dec END AS placement_end,
    CASE
        WHEN next_placement IS NULL THEN last_episode.not_short_breaks
        ELSE next_placement.not_short_breaks
    END = placement_not_short_breaks_before AS placement_is_short_break,
    carer_start
FROM spelled;

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
    QUALIFY row_number() OVER (PARTITION BY child ORDER BY decom DESC) = 1;

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

-- Children who started to be looked after from ``from_day`` to ``to_day``: a period of care beginning then,
-- outside short breaks. One record per child: a child who started more than once is counted once. The records
-- of cla_starts and cla_starts_rate.
CREATE OR REPLACE TEMP MACRO looked_after_start_records(from_day, to_day) AS TABLE
    SELECT
        la,
        child,
        'Started to be looked after ' || string_agg(uk_date(decom), ' and ' ORDER BY decom) AS evidence
    FROM episode_spells
    WHERE starts_period_of_care AND NOT is_short_break AND decom BETWEEN from_day AND to_day
    GROUP BY la, child;

-- Children who ceased to be looked after from ``from_day`` to ``to_day``: a period of care ending then (its
-- last episode's end date), outside short breaks. One record per child: a child who ceased more than once is
-- counted once (DfE counts the last time each child ceased in the year). The records of cla_ceases and
-- cla_ceases_rate.
CREATE OR REPLACE TEMP MACRO looked_after_cease_records(from_day, to_day) AS TABLE
    SELECT
        la,
        child,
        'Ceased to be looked after '
        || string_agg(concat(uk_date(dec), ' (reason ', coalesce(rec, 'not recorded'), ')'), ' and ' ORDER BY dec)
            AS evidence
    FROM episode_spells
    WHERE dec = period_of_care_end AND NOT is_short_break AND dec BETWEEN from_day AND to_day
    GROUP BY la, child;

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
        ON oc2.child = cohort.child AND oc2.year_ending = year(on_day)
    WHERE cohort.period_of_care_start <= add_months(on_day, -12);

-- Care leavers in the OC3 table for the year ending on ``on_day`` whose age that day (``age``) is from ``min_age`` to
-- ``max_age``. Those who died or went home to their parents for six months or more are left out, and so are
-- children looked after only under an agreed series of short breaks, who are not care leavers.
CREATE OR REPLACE TEMP MACRO care_leavers(on_day, min_age, max_age) AS TABLE
    SELECT o.la, o.child, age_on(c.dob, on_day) AS age, o.in_touch, o.activ, o.accom
    FROM oc3 AS o
    JOIN children AS c ON c.child = o.child
    WHERE o.year_ending = year(on_day)
        AND age_on(c.dob, on_day) BETWEEN min_age AND max_age
        AND coalesce(o.in_touch, '') NOT IN ('DIED', 'RHOM')
        AND NOT (
            EXISTS (SELECT 1 FROM episodes e WHERE e.child = o.child)
            AND NOT EXISTS (
                SELECT 1 FROM episodes e
                WHERE e.child = o.child AND coalesce(e.ls NOT IN ('V3', 'V4'), true)
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
        JOIN adopted AS a ON a.child = e.child AND a.period_of_care = e.period_of_care
    ),

    last_other AS (
        SELECT la, child, max(decom) FILTER (WHERE NOT is_adoptive) AS last_not_adoptive
        FROM care_episodes
        GROUP BY la, child
    ),

    placed AS (
        SELECT e.la, e.child, min(e.decom) AS placed_on, arg_min(e.carer_start, e.decom) AS carer_start
        FROM care_episodes AS e
        JOIN last_other AS o ON o.child = e.child
        WHERE e.is_adoptive AND (o.last_not_adoptive IS NULL OR e.decom > o.last_not_adoptive)
        GROUP BY e.la, e.child
    )

    SELECT a.la, a.child, a.period_of_care, a.period_of_care_start, p.placed_on, p.carer_start, a.adopted_on
    FROM adopted AS a
    JOIN placed AS p ON p.child = a.child;
