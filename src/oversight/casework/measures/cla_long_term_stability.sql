-- NI 63: of the children looked after at the end of the period who are under 16 then and have been looked
-- after continuously for at least two and a half years, those who have lived with the same carer for at
-- least two years, or who are placed for adoption and whose adoptive placement and the placement before it
-- together have lasted at least two years. One record per child in that cohort.
WITH current_episode AS (
    SELECT * FROM looked_after_on(CAST($period_end AS DATE))
),

carer_spells AS (
    SELECT
        la,
        child,
        period_of_care,
        carer,
        min(decom) AS carer_start,
        lag(min(decom)) OVER (PARTITION BY child, period_of_care ORDER BY carer) AS previous_carer_start
    FROM episode_spells AS s
    WHERE EXISTS (  -- only the periods of care the cohort is in are judged
        SELECT 1 FROM current_episode AS e
        WHERE e.child = s.child AND e.period_of_care = s.period_of_care
    )
    GROUP BY la, child, period_of_care, carer
),

cohort AS (
    SELECT
        e.la,
        e.child,
        e.place,
        e.period_of_care_start,
        s.carer_start,
        s.previous_carer_start
    FROM current_episode AS e
    JOIN children AS c ON c.child = e.child
    JOIN carer_spells AS s
        ON s.child = e.child AND s.period_of_care = e.period_of_care AND s.carer = e.carer
    WHERE age_on(c.dob, CAST($period_end AS DATE)) < 16
        AND e.period_of_care_start <= add_months(CAST($period_end AS DATE), -30)
),

judged AS (
    SELECT
        *,
        add_months(CAST($period_end AS DATE), -24) AS two_years_before,
        coalesce(place IN ('A3', 'A4', 'A5', 'A6'), false) AS is_placed_for_adoption
    FROM cohort
),

stable AS (
    SELECT
        *,
        carer_start <= two_years_before
        OR (is_placed_for_adoption AND previous_carer_start <= two_years_before) AS is_stable
    FROM judged
)

SELECT
    la,
    child,
    coalesce(is_stable, false) AS in_numerator,
    true AS in_denominator,
    concat(
        'Under 16 and in care since ', uk_date(period_of_care_start),
        '; with the current carer since ', uk_date(carer_start),
        CASE
            WHEN is_placed_for_adoption
                THEN concat(', placed for adoption; the carer before since ', coalesce(uk_date(previous_carer_start), 'none'))
        END,
        '; stable if since ', uk_date(two_years_before), ' or earlier: ',
        CASE WHEN is_stable THEN 'stable' ELSE 'not stable' END
    ) AS evidence
FROM stable
