-- Building blocks for the measures over the children's social work workforce census (CSWW), TEMP macros kept
-- in the store file as shared_tables.sql's are. The census is a snapshot at 30 September (its
-- census_date) with the year's leavers and absence; a figure for a period is worked out from each council's
-- latest census dated within it, so a financial year takes the census of its 30 September (2022-23 that of
-- 30 September 2022) and a period with no 30 September in it has no census, hence no figure.

-- Each council's latest census dated from window_start to window_end: la, census_date.
CREATE OR REPLACE TEMP MACRO workforce_census_in(window_start, window_end) AS TABLE
    SELECT la, max(census_date) AS census_date FROM csww_vacancies
    WHERE census_date BETWEEN window_start AND window_end
    GROUP BY la;

-- The workers of those censuses, one row each, with what the measures ask of them:
-- - in_post: in post on the census date (started on or before it, or no start given; no end, or an end after it);
-- - left_in_year: a role that ended in the twelve months to the census date (after the day a year before it);
-- - fte_in_post: the FTE at 30 September (FTE30), or FTE where it is blank;
-- - fte_leaving: a leaver's FTE, or FTE30 where FTE is blank or 0 (leavers are returned with an FTE of 0 in
--   the LIIA sample);
-- - evidence: the worker's census, role dates and FTE in a sentence.
CREATE OR REPLACE TEMP MACRO workforce_workers(window_start, window_end) AS TABLE
    SELECT
        w.la,
        w.child,
        w.census_date,
        w.agency_worker,
        (w.role_start IS NULL OR w.role_start <= w.census_date)
            AND (w.role_end IS NULL OR w.role_end > w.census_date) AS in_post,
        coalesce(w.role_end > w.census_date - INTERVAL 1 YEAR AND w.role_end <= w.census_date, false)
            AS left_in_year,
        coalesce(w.fte30, w.fte, 0) AS fte_in_post,
        coalesce(nullif(w.fte, 0), w.fte30, 0) AS fte_leaving,
        w.cases30,
        w.working_days_lost,
        concat_ws(
            ', ',
            (CASE WHEN w.agency_worker THEN 'Agency worker' ELSE 'Social worker' END)
                || ' in the census of ' || uk_date(w.census_date),
            'started ' || uk_date(w.role_start),
            'left ' || uk_date(w.role_end),
            'FTE30 ' || CAST(w.fte30 AS VARCHAR),
            'FTE ' || CAST(w.fte AS VARCHAR)
        ) AS evidence
    FROM csww_workers AS w
    JOIN workforce_census_in(window_start, window_end) AS c ON c.la = w.la AND c.census_date = w.census_date;

-- The councils' own rows of those censuses: la, census_date, vacancies_fte, agency_cover_fte.
CREATE OR REPLACE TEMP MACRO workforce_vacancies(window_start, window_end) AS TABLE
    SELECT v.la, v.child, v.census_date, v.vacancies_fte, v.agency_cover_fte
    FROM csww_vacancies AS v
    JOIN workforce_census_in(window_start, window_end) AS c ON c.la = v.la AND c.census_date = v.census_date;
