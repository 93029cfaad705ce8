-- The canonical case-level store (DuckDB). One table per table of the SSDA903 return, plus lineage.
--
-- Every child is a pseudonym (HMAC-SHA256 of LA and child id, see casework/pseudonym.py): no child
-- identifier, UPN, name or postcode is ever stored. Every row says which load wrote it (load_id) and
-- where it was in its file (source_row, the row as a spreadsheet numbers it), and the collection year of
-- the return it came from (return_year, the year of its 31 March; NULL when it cannot be told). A row
-- reported again in a later return replaces the earlier one; an earlier return loaded later does not.
-- Rows are keyed by LA, child and the table's natural key, so loading a file twice adds nothing.

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
    loaded_by VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS children (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    sex VARCHAR,
    dob DATE,
    ethnic VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child)
);

CREATE TABLE IF NOT EXISTS episodes (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
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
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, decom)
);

CREATE TABLE IF NOT EXISTS reviews (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    review DATE NOT NULL,
    review_code VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, review)
);

CREATE TABLE IF NOT EXISTS uasc (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    duc DATE,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child)
);

CREATE TABLE IF NOT EXISTS oc2 (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
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
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, year_ending)
);

CREATE TABLE IF NOT EXISTS oc3 (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    year_ending INTEGER NOT NULL,
    in_touch VARCHAR,
    activ VARCHAR,
    accom VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, year_ending)
);

CREATE TABLE IF NOT EXISTS ad1 (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    date_int DATE,
    date_match DATE,
    foster_care BOOLEAN,
    nb_adoptr INTEGER,
    sex_adoptr VARCHAR,
    ls_adoptr VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child)
);

CREATE TABLE IF NOT EXISTS placed_for_adoption (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    date_placed DATE NOT NULL,
    date_placed_ceased DATE,
    reason_placed_ceased VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, date_placed)
);

CREATE TABLE IF NOT EXISTS previous_permanence (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    prev_perm VARCHAR,
    la_perm VARCHAR,
    date_perm VARCHAR,  -- the return allows an unknown day or month: zz/06/2010
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child)
);

CREATE TABLE IF NOT EXISTS missing (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    missing VARCHAR NOT NULL,  -- M missing, A away from placement without authorisation
    mis_start DATE NOT NULL,
    mis_end DATE,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, missing, mis_start)
);

CREATE TABLE IF NOT EXISTS sw_episodes (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    sw_id VARCHAR NOT NULL,
    sw_decom DATE NOT NULL,
    sw_dec DATE,
    sw_reason VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, sw_id, sw_decom)
);

CREATE TABLE IF NOT EXISTS dolo (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    dolo_start DATE NOT NULL,
    dolo_end DATE,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, dolo_start)
);

-- CIN census (children in need), from the XML return. Each row keeps where it was in its file: source_row
-- is the child's position (the n of Child[n]) and source_path the record's XML path. An episode of need is
-- keyed by its referral date, its assessments, plans and enquiries by the referral and their own start.
CREATE TABLE IF NOT EXISTS cin_children (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    sex VARCHAR,  -- M, F or U, from GenderCurrent (1, 2, 0/9) or Sex
    birth_date DATE,
    expected_birth_date DATE,
    death_date DATE,
    ethnicity VARCHAR,
    source_path VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child)
);

CREATE TABLE IF NOT EXISTS cin_disabilities (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    disability VARCHAR NOT NULL,
    source_path VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, disability)
);

CREATE TABLE IF NOT EXISTS cin_episodes (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    referral_date DATE NOT NULL,
    referral_source VARCHAR,
    primary_need VARCHAR,
    closure_date DATE,
    reason_for_closure VARCHAR,
    initial_cpc_date DATE,
    referral_nfa BOOLEAN,
    source_path VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, referral_date)
);

CREATE TABLE IF NOT EXISTS cin_assessments (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    referral_date DATE NOT NULL,
    start_date DATE NOT NULL,
    internal_review_date DATE,
    authorisation_date DATE,
    factors VARCHAR,  -- the factors identified at assessment, space-separated: '2A 2B'
    source_path VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, referral_date, start_date)
);

CREATE TABLE IF NOT EXISTS cin_plans (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    referral_date DATE NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    source_path VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, referral_date, start_date)
);

CREATE TABLE IF NOT EXISTS cin_s47 (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    referral_date DATE NOT NULL,
    start_date DATE NOT NULL,
    icpc_target_date DATE,
    icpc_date DATE,
    icpc_not_required BOOLEAN,
    source_path VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, referral_date, start_date)
);

CREATE TABLE IF NOT EXISTS cp_plans (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    referral_date DATE NOT NULL,
    start_date DATE NOT NULL,
    end_date DATE,
    initial_category VARCHAR,
    latest_category VARCHAR,
    previous_plans INTEGER,
    source_path VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, referral_date, start_date)
);

CREATE TABLE IF NOT EXISTS cp_reviews (
    la VARCHAR NOT NULL,
    child VARCHAR NOT NULL,
    plan_start_date DATE NOT NULL,
    review_date DATE NOT NULL,
    source_path VARCHAR,
    return_year INTEGER,
    load_id INTEGER NOT NULL,
    source_row INTEGER NOT NULL,
    PRIMARY KEY (la, child, plan_start_date, review_date)
);

-- Data-quality issues in accepted files, kept beside the data they describe. origin 'load': found while
-- reading one file (unknown codes, repeated rows); origin 'check': found across the stored data (episodes
-- that overlap or end before they start), recomputed after every load.
CREATE TABLE IF NOT EXISTS data_quality (
    origin VARCHAR NOT NULL,
    la VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    child VARCHAR,
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
