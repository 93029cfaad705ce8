-- Vacancy rate: FTE vacancies as a share of FTE vacancies and employed social workers in post on the census
-- date. The council's own row (workforce_vacancies) is a record in both with its vacancies; each employed
-- social worker in post is one in the denominator with its FTE. Agency workers, covering vacancies, are not.
SELECT
    la,
    child,
    true AS in_numerator,
    true AS in_denominator,
    'Vacancies at ' || uk_date(census_date) || ': ' || CAST(vacancies_fte AS VARCHAR) || ' FTE' AS evidence,
    CAST(vacancies_fte AS DECIMAL(18, 6)) AS numerator_amount,
    CAST(vacancies_fte AS DECIMAL(18, 6)) AS denominator_amount
FROM workforce_vacancies(CAST($period_start AS DATE), CAST($period_end AS DATE))
UNION ALL
SELECT la, child, false, true, evidence, 0, CAST(fte_in_post AS DECIMAL(18, 6))
FROM workforce_workers(CAST($period_start AS DATE), CAST($period_end AS DATE))
WHERE in_post AND NOT agency_worker
