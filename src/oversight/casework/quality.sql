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
