-- Data-quality checks across the stored returns, rerun after every load. Each finds rows that are kept
-- (measures read them as they are) but that a performance officer should look at and correct at source.

DELETE FROM data_quality WHERE origin = 'check';

INSERT INTO data_quality
SELECT 'check', la, 'episodes', child, 'episode_ends_before_start', 'DEC', strftime(dec, '%d/%m/%Y'),
       'the episode starting ' || strftime(decom, '%d/%m/%Y') || ' ends on ' || strftime(dec, '%d/%m/%Y')
       || ', before it starts',
       load_id, source_row
FROM episodes
WHERE dec < decom;

INSERT INTO data_quality
SELECT 'check', la, 'episodes', child, 'episodes_overlap', 'DEC', strftime(dec, '%d/%m/%Y'),
       CASE WHEN dec IS NULL
            THEN 'the episode starting ' || strftime(decom, '%d/%m/%Y') || ' has no end date, but the child''s next '
                 || 'episode starts on ' || strftime(next_decom, '%d/%m/%Y')
            ELSE 'the episode starting ' || strftime(decom, '%d/%m/%Y') || ' ends on ' || strftime(dec, '%d/%m/%Y')
                 || ', after the child''s next episode starts on ' || strftime(next_decom, '%d/%m/%Y')
       END,
       load_id, source_row
FROM (
    SELECT *, lead(decom) OVER (PARTITION BY la, child ORDER BY decom) AS next_decom
    FROM episodes
)
WHERE next_decom IS NOT NULL AND (dec IS NULL OR dec > next_decom) AND NOT (dec < decom);

INSERT INTO data_quality
SELECT 'check', e.la, 'episodes', e.child, 'episode_before_birth', 'DECOM', strftime(e.decom, '%d/%m/%Y'),
       'the episode starts on ' || strftime(e.decom, '%d/%m/%Y') || ', before the child''s date of birth '
       || strftime(c.dob, '%d/%m/%Y'),
       e.load_id, e.source_row
FROM episodes e JOIN children c USING (la, child)
WHERE e.decom < c.dob;

INSERT INTO data_quality
SELECT 'check', la, 'episodes', child, 'episode_end_incomplete', CASE WHEN dec IS NULL THEN 'DEC' ELSE 'REC' END,
       NULL,
       CASE WHEN dec IS NULL
            THEN 'the episode starting ' || strftime(decom, '%d/%m/%Y') || ' has a reason it ceased (' || rec
                 || ') but no end date'
            ELSE 'the episode starting ' || strftime(decom, '%d/%m/%Y') || ' ends on ' || strftime(dec, '%d/%m/%Y')
                 || ' but has no reason it ceased'
       END,
       load_id, source_row
FROM episodes
WHERE (dec IS NULL) <> (rec IS NULL);

INSERT INTO data_quality
SELECT 'check', e.la, 'episodes', e.child, 'child_not_in_header', 'CHILD', NULL,
       'the child has episodes but no header row, so no date of birth: measures that need an age leave them out',
       e.load_id, e.source_row
FROM (
    SELECT * FROM episodes QUALIFY row_number() OVER (PARTITION BY la, child ORDER BY decom) = 1
) e
ANTI JOIN children c USING (la, child);

INSERT INTO data_quality
SELECT 'check', la, 'missing', child, 'missing_ends_before_start', 'MIS_END', strftime(mis_end, '%d/%m/%Y'),
       'the incident starting ' || strftime(mis_start, '%d/%m/%Y') || ' ends on ' || strftime(mis_end, '%d/%m/%Y')
       || ', before it starts',
       load_id, source_row
FROM missing
WHERE mis_end < mis_start;

-- CIN census. The census date of a record is 31 March of the return it came from (return_year). The field is
-- the record's XML path with the element at fault, so the report says exactly where to look.

INSERT INTO data_quality
SELECT 'check', la, 'cin_episodes', child, 'cin_episode_ends_before_start', source_path || '/CINclosureDate',
       strftime(closure_date, '%d/%m/%Y'),
       'the episode referred on ' || strftime(referral_date, '%d/%m/%Y') || ' closes on '
       || strftime(closure_date, '%d/%m/%Y') || ', before the referral',
       load_id, source_row
FROM cin_episodes
WHERE closure_date < referral_date;

INSERT INTO data_quality
SELECT 'check', la, 'cin_assessments', child, 'cin_assessment_ends_before_start',
       source_path || '/AssessmentAuthorisationDate', strftime(authorisation_date, '%d/%m/%Y'),
       'the assessment started ' || strftime(start_date, '%d/%m/%Y') || ' is authorised on '
       || strftime(authorisation_date, '%d/%m/%Y') || ', before it started',
       load_id, source_row
FROM cin_assessments
WHERE authorisation_date < start_date;

-- An assessment still open at the census date more than 45 working days after it started: the backlog, or
-- an authorisation date that was never entered.
INSERT INTO data_quality
SELECT 'check', la, 'cin_assessments', child, 'cin_assessment_open_past_timescale',
       source_path || '/AssessmentAuthorisationDate', NULL,
       'the assessment started ' || strftime(start_date, '%d/%m/%Y') || ' was still open at the census date '
       || strftime(census_date, '%d/%m/%Y') || ', ' || open_days || ' working days later (the timescale is 45)',
       load_id, source_row
FROM (
    SELECT *, working_days_between(start_date, census_date) AS open_days
    FROM (SELECT *, make_date(return_year, 3, 31) AS census_date FROM cin_assessments WHERE return_year IS NOT NULL)
    WHERE authorisation_date IS NULL AND start_date <= census_date
)
WHERE open_days > 45;

INSERT INTO data_quality
SELECT 'check', la, 'cin_plans', child, 'cin_plan_ends_before_start', source_path || '/CINPlanEndDate',
       strftime(end_date, '%d/%m/%Y'),
       'the child in need plan starting ' || strftime(start_date, '%d/%m/%Y') || ' ends on '
       || strftime(end_date, '%d/%m/%Y') || ', before it starts',
       load_id, source_row
FROM cin_plans
WHERE end_date < start_date;

INSERT INTO data_quality
SELECT 'check', la, 'cp_plans', child, 'cp_plan_ends_before_start', source_path || '/CPPendDate',
       strftime(end_date, '%d/%m/%Y'),
       'the child protection plan starting ' || strftime(start_date, '%d/%m/%Y') || ' ends on '
       || strftime(end_date, '%d/%m/%Y') || ', before it starts',
       load_id, source_row
FROM cp_plans
WHERE end_date < start_date;

INSERT INTO data_quality
SELECT 'check', la, 'cin_s47', child, 's47_icpc_before_start', source_path || '/DateOfInitialCPC',
       strftime(icpc_date, '%d/%m/%Y'),
       'the initial child protection conference on ' || strftime(icpc_date, '%d/%m/%Y')
       || ' is before the section 47 enquiry it follows started (' || strftime(start_date, '%d/%m/%Y') || ')',
       load_id, source_row
FROM cin_s47
WHERE icpc_date < start_date;

INSERT INTO data_quality
SELECT 'check', r.la, 'cp_reviews', r.child, 'cp_review_outside_plan', r.source_path, strftime(r.review_date, '%d/%m/%Y'),
       'the review on ' || strftime(r.review_date, '%d/%m/%Y') || ' is outside its plan ('
       || strftime(p.start_date, '%d/%m/%Y') || ' to ' || coalesce(strftime(p.end_date, '%d/%m/%Y'), 'open') || ')',
       r.load_id, r.source_row
FROM cp_reviews r
JOIN (SELECT la, child, start_date, max(end_date) AS end_date FROM cp_plans GROUP BY ALL) p
    ON p.la = r.la AND p.child = r.child AND p.start_date = r.plan_start_date
WHERE r.review_date < p.start_date OR r.review_date > p.end_date;

-- Dates after the census date of the return that holds them: typing slips (2028 for 2023) more often than not.
INSERT INTO data_quality
SELECT 'check', la, table_name, child, 'cin_date_after_census', field, strftime(day, '%d/%m/%Y'),
       what || ' is dated ' || strftime(day, '%d/%m/%Y') || ', after the census date 31/03/' || return_year,
       load_id, source_row
FROM (
    SELECT la, 'cin_episodes' AS table_name, child, source_path || '/CINreferralDate' AS field, referral_date AS day,
           'the referral' AS what, return_year, load_id, source_row
    FROM cin_episodes
    UNION ALL
    SELECT la, 'cin_assessments', child, source_path || '/AssessmentActualStartDate', start_date, 'the assessment',
           return_year, load_id, source_row
    FROM cin_assessments
    UNION ALL
    SELECT la, 'cin_s47', child, source_path || '/S47ActualStartDate', start_date, 'the section 47 enquiry',
           return_year, load_id, source_row
    FROM cin_s47
    UNION ALL
    SELECT la, 'cp_plans', child, source_path || '/CPPstartDate', start_date, 'the child protection plan',
           return_year, load_id, source_row
    FROM cp_plans
)
WHERE return_year IS NOT NULL AND day > make_date(return_year, 3, 31);
