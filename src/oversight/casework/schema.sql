-- The canonical case-level store (DuckDB). One table per table of the SSDA903 return, plus lineage.
--
-- Every child is a pseudonym (a UUID: 128 bits of HMAC-SHA256 of LA and child id, see casework/pseudonym.py):
-- no child identifier, UPN, name or postcode is ever stored. Every row says which load wrote it (load_id) and
-- where it was in its file (source_row, the row as a spreadsheet numbers it), and the collection year of
-- the return it came from (return_year, the year of its 31 March; NULL when it cannot be told). A row
-- reported again in a later return replaces the earlier one; an earlier return loaded later does not.
-- Rows are keyed by LA, child and the table's natural key (kept unique by the loader rather than by a primary
-- key, which would slow bulk loads), so loading a file twice adds nothing.

CREATE SEQUENCE IF NOT EXISTS load_ids START 1;
CREATE SEQUENCE IF NOT EXISTS run_ids START 1;

CREATE TABLE IF NOT EXISTS meta (
    name VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- One row per accepted file and council in it.
CREATE TABLE IF NOT EXISTS loads (
    load_id INTEGER PRIMARY KEY DEFAULT nextval('load_ids'),
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    la VARCHAR NOT NULL,
    year_ending INTEGER,
    rows INTEGER NOT NULL,
    loaded_at TIMESTAMPTZ NOT NULL,
    loaded_by VARCHAR NOT NULL,
    -- for an episodes file with postcodes: the sha256 of the postcode lookup its distances were worked out with
    -- ('' when none was loaded; NULL for a file without postcodes); loading the file again after a new lookup
    -- works them out again
    postcode_lookup VARCHAR
);

-- The postcode lookup (public reference data, ONS Postcode Directory columns): each postcode, written without
-- spaces, with the council whose area it is in (ONS code of the upper-tier authority) and its grid reference in
-- metres (NULL where the directory has none). Replaced whole by `oversight casework postcodes`.
CREATE TABLE IF NOT EXISTS postcodes (
    postcode VARCHAR NOT NULL,
    la VARCHAR,
    easting INTEGER,
    northing INTEGER
);

CREATE TABLE IF NOT EXISTS children (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    sex VARCHAR,
    dob DATE,
    ethnic VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS episodes (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    decom DATE NOT NULL,
    rne VARCHAR,
    ls VARCHAR,
    cin VARCHAR,
    place VARCHAR,
    place_provider VARCHAR,
    dec DATE,
    rec VARCHAR,
    reason_place_change VARCHAR,
    urn VARCHAR,
    -- Worked out on load from HOME_POST and PL_POST with the postcode lookup (the postcodes are not kept):
    -- the straight line from home to placement in miles, to one decimal place, and whether the placement is
    -- outside the council's area. NULL where a postcode is blank or not in the lookup, or no lookup is loaded.
    placement_miles DOUBLE,
    placed_outside_la BOOLEAN,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, decom), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS reviews (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    review DATE NOT NULL,
    review_code VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, review), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS uasc (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    duc DATE,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS oc2 (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    year_ending INTEGER NOT NULL,
    sdq_score INTEGER,
    sdq_reason VARCHAR,
    convicted BOOLEAN,
    health_check BOOLEAN,
    immunisations BOOLEAN,
    teeth_check BOOLEAN,
    health_assessment BOOLEAN,
    substance_misuse BOOLEAN,
    intervention_received BOOLEAN,
    intervention_offered BOOLEAN,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, year_ending), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS oc3 (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    year_ending INTEGER NOT NULL,
    in_touch VARCHAR,
    activ VARCHAR,
    accom VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, year_ending), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS ad1 (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    date_int DATE,
    date_match DATE,
    foster_care BOOLEAN,
    nb_adoptr INTEGER,
    sex_adoptr VARCHAR,
    ls_adoptr VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS placed_for_adoption (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    date_placed DATE NOT NULL,
    date_placed_ceased DATE,
    reason_placed_ceased VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, date_placed), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS previous_permanence (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    prev_perm VARCHAR,
    la_perm VARCHAR,
    date_perm VARCHAR,  -- the return allows an unknown day or month: zz/06/2010
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS missing (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    missing VARCHAR NOT NULL,  -- M missing, A away from placement without authorisation
    mis_start DATE NOT NULL,
    mis_end DATE,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, missing, mis_start), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS sw_episodes (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    sw_id VARCHAR NOT NULL,
    sw_decom DATE NOT NULL,
    sw_dec DATE,
    sw_reason VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, sw_id, sw_decom), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS dolo (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    dolo_start DATE NOT NULL,
    dolo_end DATE,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, dolo_start), kept so by the loader (a primary key would slow bulk loads ten times)
);

-- CIN census (children in need), from the XML return. Each row keeps where it was in its file: source_row
-- is the child's position (the n of Child[n]), source_episode, source_part and source_step the rest of the
-- way (CINdetails[e], Assessments[a], CPPreviewDate[2]), and source_path writes out the record's XML path
-- from them. An episode of need is keyed by its referral date, its assessments, plans and enquiries by the
-- referral and their own start.
CREATE TABLE IF NOT EXISTS cin_children (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    sex VARCHAR,  -- M, F or U, from GenderCurrent (1, 2, 0/9) or Sex
    birth_date DATE,
    expected_birth_date DATE,
    death_date DATE,
    ethnicity VARCHAR,
    source_path VARCHAR GENERATED ALWAYS AS (
        '/Message/Children/Child[' || source_row || ']'
    ) VIRTUAL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS cin_disabilities (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    disability VARCHAR NOT NULL,
    source_step VARCHAR,
    source_path VARCHAR GENERATED ALWAYS AS (
        '/Message/Children/Child[' || source_row || ']/ChildCharacteristics[1]/Disabilities[1]/'
        || source_step
    ) VIRTUAL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, disability), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS cin_episodes (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    referral_date DATE NOT NULL,
    referral_source VARCHAR,
    primary_need VARCHAR,
    closure_date DATE,
    reason_for_closure VARCHAR,
    initial_cpc_date DATE,
    referral_nfa BOOLEAN,
    source_episode INTEGER,
    source_path VARCHAR GENERATED ALWAYS AS (
        '/Message/Children/Child[' || source_row || ']/CINdetails[' || source_episode || ']'
    ) VIRTUAL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, referral_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS cin_assessments (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    referral_date DATE NOT NULL,
    start_date DATE NOT NULL,
    internal_review_date DATE,
    authorisation_date DATE,
    factors VARCHAR,  -- the factors identified at assessment, space-separated: '2A 2B'
    source_episode INTEGER,
    source_part INTEGER,
    source_path VARCHAR GENERATED ALWAYS AS (
        '/Message/Children/Child[' || source_row || ']/CINdetails[' || source_episode || ']/Assessments['
        || source_part || ']'
    ) VIRTUAL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, referral_date, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS cin_plans (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    referral_date DATE NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    source_episode INTEGER,
    source_part INTEGER,
    source_path VARCHAR GENERATED ALWAYS AS (
        '/Message/Children/Child[' || source_row || ']/CINdetails[' || source_episode || ']/CINPlanDates['
        || source_part || ']'
    ) VIRTUAL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, referral_date, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS cin_s47 (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    referral_date DATE NOT NULL,
    start_date DATE NOT NULL,
    icpc_target_date DATE,
    icpc_date DATE,
    icpc_not_required BOOLEAN,
    source_episode INTEGER,
    source_part INTEGER,
    source_path VARCHAR GENERATED ALWAYS AS (
        '/Message/Children/Child[' || source_row || ']/CINdetails[' || source_episode || ']/Section47['
        || source_part || ']'
    ) VIRTUAL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, referral_date, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS cp_plans (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    referral_date DATE NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    initial_category VARCHAR,
    latest_category VARCHAR,
    previous_plans INTEGER,
    source_episode INTEGER,
    source_part INTEGER,
    source_path VARCHAR GENERATED ALWAYS AS (
        '/Message/Children/Child[' || source_row || ']/CINdetails[' || source_episode
        || ']/ChildProtectionPlans[' || source_part || ']'
    ) VIRTUAL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, referral_date, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS cp_reviews (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    plan_start_date DATE NOT NULL,
    review_date DATE NOT NULL,
    source_episode INTEGER,
    source_part INTEGER,
    source_step VARCHAR,
    source_path VARCHAR GENERATED ALWAYS AS (
        '/Message/Children/Child[' || source_row || ']/CINdetails[' || source_episode
        || ']/ChildProtectionPlans[' || source_part || ']/Reviews[1]/' || source_step
    ) VIRTUAL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, plan_start_date, review_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

-- Ofsted's Annex A lists, one table per list, keyed by the child and the list's date. source_row is the
-- row of the list's sheet as Excel numbers it. List 11 describes adopters: its child column holds the
-- adopter's pseudonym. annex_a_children holds the characteristics from the first list that gives them.

CREATE TABLE IF NOT EXISTS annex_a_children (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    sex VARCHAR,
    ethnicity VARCHAR,
    birth_date DATE,
    disability BOOLEAN,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_contacts (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    contact_date DATE NOT NULL,
    contact_source VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, contact_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_early_help (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    start_date DATE NOT NULL,
    completion_date DATE,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_referrals (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    referral_date DATE NOT NULL,
    referral_source VARCHAR,
    referral_nfa BOOLEAN,
    referrals_last_12_months INTEGER,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, referral_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_assessments (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    start_date DATE NOT NULL,
    child_seen BOOLEAN,
    authorisation_date DATE,
    needs_support BOOLEAN,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_s47 (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    start_date DATE NOT NULL,
    icpc_unnecessary BOOLEAN,
    icpc_date DATE,
    icpc_resulted_in_plan BOOLEAN,
    s47_last_12_months INTEGER,
    icpcs_last_12_months INTEGER,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_cin (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    start_date DATE NOT NULL,
    primary_need VARCHAR,
    last_seen_date DATE,
    closure_date DATE,
    reason_for_closure VARCHAR,
    case_status VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_cp_plans (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    start_date DATE NOT NULL,
    initial_category VARCHAR,
    latest_category VARCHAR,
    last_visit_date DATE,
    seen_alone BOOLEAN,
    latest_review_date DATE,
    end_date DATE,
    previous_plans INTEGER,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_cla (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    start_date DATE NOT NULL,
    category_of_need VARCHAR,
    legal_status_start_date DATE,
    legal_status VARCHAR,
    latest_review_date DATE,
    last_visit_date DATE,
    last_health_assessment_date DATE,
    last_dental_check_date DATE,
    placements_last_12_months INTEGER,
    ceased_date DATE,
    reason_ceased VARCHAR,
    placement_start_date DATE,
    placement_type VARCHAR,
    placement_provider VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, start_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_care_leavers (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    eligibility VARCHAR,
    pathway_review_date DATE,
    in_touch VARCHAR,
    latest_contact_date DATE,
    accommodation VARCHAR,
    suitability VARCHAR,
    activity VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_adoption (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    entered_care_date DATE NOT NULL,
    decision_date DATE,
    placement_order_date DATE,
    matched_date DATE,
    placed_date DATE,
    adoption_order_date DATE,
    no_longer_date DATE,
    no_longer_reason VARCHAR,
    ffa_date DATE,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, entered_care_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS annex_a_adopters (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    enquiry_date DATE NOT NULL,
    stage_1_start_date DATE,
    stage_1_end_date DATE,
    stage_2_start_date DATE,
    stage_2_end_date DATE,
    application_date DATE,
    approval_date DATE,
    matched_date DATE,
    placed_date DATE,
    children_placed INTEGER,
    adoption_order_date DATE,
    left_date DATE,
    left_reason VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, enquiry_date), kept so by the loader (a primary key would slow bulk loads ten times)
);

-- The children's social work workforce census (CSWW), a snapshot at 30 September (census_date) with the year's
-- leavers and absence; year_ending is the 31 March after the census date (2023 for 30 September 2022). Each
-- social worker's "child" is the worker's pseudonym (of the council and the Social Work England number, which
-- is never stored); agency workers are rows with agency_worker true. The council's row of vacancies and agency
-- cover has the nil UUID as its "child".
CREATE TABLE IF NOT EXISTS csww_workers (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    year_ending INTEGER NOT NULL,
    census_date DATE NOT NULL,
    agency_worker BOOLEAN NOT NULL,
    fte DECIMAL(9, 6),
    fte30 DECIMAL(9, 6),
    gender VARCHAR,
    ethnicity VARCHAR,
    qual_level VARCHAR,
    step_up_grad BOOLEAN,
    frontline_grad BOOLEAN,
    org_role VARCHAR,
    role_start DATE,
    start_origin VARCHAR,
    role_end DATE,
    leaver_destination VARCHAR,
    reason_leave VARCHAR,
    cases30 INTEGER,
    working_days_lost DECIMAL(9, 2),
    contract_weeks DECIMAL(9, 1),
    absent_30_sept BOOLEAN,
    reason_absence VARCHAR,
    cfkss_status VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, year_ending), kept so by the loader (a primary key would slow bulk loads ten times)
);

CREATE TABLE IF NOT EXISTS csww_vacancies (
    la VARCHAR NOT NULL,
    child UUID NOT NULL,
    year_ending INTEGER NOT NULL,
    census_date DATE NOT NULL,
    vacancies_fte DECIMAL(9, 2) NOT NULL,
    agency_cover_fte DECIMAL(9, 2) NOT NULL,  -- agency workers covering vacancies, FTE
    agency_cover_headcount INTEGER NOT NULL,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL
    -- unique key: (la, child, year_ending)
);

-- Reference: the ONS mid-year estimate of children aged 0 to 17 in each council (casework/reference), refreshed
-- from the package whenever its file changes. For rates per 10,000 children, the year ending 31 March Y uses
-- the mid-(Y-1) estimate, as DfE does.
CREATE TABLE IF NOT EXISTS population (
    la VARCHAR NOT NULL,  -- ONS code
    mid_year INTEGER NOT NULL,
    old_la_code VARCHAR,  -- the DfE three-digit number
    la_name VARCHAR NOT NULL,
    population_0_17 INTEGER NOT NULL,
    PRIMARY KEY (la, mid_year)
);

-- Data-quality issues in accepted files, kept beside the data they describe. origin 'load': found while
-- reading one file (unknown codes, repeated rows); origin 'check': found across the stored data (episodes
-- that overlap or end before they start), recomputed after every load.
CREATE TABLE IF NOT EXISTS data_quality (
    origin VARCHAR NOT NULL,
    la VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    child UUID,
    rule VARCHAR NOT NULL,
    field VARCHAR,
    value VARCHAR,
    message VARCHAR NOT NULL,
    load_id INTEGER,
    source_row INTEGER
);

-- One row per computed figure: the lineage of every observation the engine writes to the scorecard.
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY DEFAULT nextval('run_ids'),
    run_at TIMESTAMPTZ NOT NULL,
    run_by VARCHAR NOT NULL,
    measure VARCHAR NOT NULL,
    measure_version INTEGER NOT NULL,
    period VARCHAR NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    la VARCHAR NOT NULL,
    numerator DECIMAL(18, 4),
    denominator DECIMAL(18, 4),
    value DECIMAL(18, 4),
    load_ids INTEGER[] NOT NULL
);
