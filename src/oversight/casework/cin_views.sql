-- Building blocks for the measures over the CIN census (children in need), TEMP macros kept in the store file
-- as shared_tables.sql's are. Rules tagged [R] are unverified recollections (see the measure cards).

-- The ONS estimate of children aged 0 to 17 in each council that DfE divides by for a period ending on
-- ``on_day``: the mid-year estimate of the year before the one whose 31 March ends the period's reporting
-- year (mid-2024 for 2024-25). Where that estimate is not yet in the package, the latest one before it [R].
-- One row per council with an estimate: la, mid_year, la_name, population_0_17.
CREATE OR REPLACE TEMP MACRO child_population_estimates(on_day) AS TABLE
    SELECT la, mid_year, la_name, population_0_17 FROM population
    WHERE mid_year <= year(on_day) - CASE WHEN month(on_day) >= 4 THEN 0 ELSE 1 END
    QUALIFY row_number() OVER (PARTITION BY la ORDER BY mid_year DESC) = 1;

-- The same estimate for one council: its number of children, or NULL where there is none.
CREATE OR REPLACE TEMP MACRO child_population(council, on_day) AS (
    SELECT population_0_17 FROM child_population_estimates(on_day) WHERE la = council
);

-- Children in need on a day: episodes of need open that day (referred on or before it, not closed on or
-- before it), leaving out referrals that ended in no further action [R]. One row per child: where episodes
-- overlap, the latest referral.
CREATE OR REPLACE TEMP MACRO children_in_need_on(on_day) AS TABLE
    SELECT *
    FROM cin_episodes
    WHERE referral_date <= on_day
        AND (closure_date IS NULL OR closure_date > on_day)
        AND NOT coalesce(referral_nfa, false)
    QUALIFY row_number() OVER (PARTITION BY child ORDER BY referral_date DESC) = 1;

-- The records of the children in need on a day, as the count and the rate per 10,000 at the end of the period
-- both count them: la, child and the evidence.
CREATE OR REPLACE TEMP MACRO children_in_need_records(on_day) AS TABLE
    SELECT
        la,
        child,
        concat(
            'Referred ', uk_date(referral_date), ', ',
            CASE WHEN closure_date IS NULL THEN 'open' ELSE 'closed ' || uk_date(closure_date) END,
            '; a child in need on ', uk_date(on_day)
        ) AS evidence
    FROM children_in_need_on(on_day);

-- Child protection plans open on a day (started on or before it, not ended on or before it: a plan that
-- ends on the day is over, as a period of care is) [R]: one row per child, the latest-starting plan where
-- plans overlap.
CREATE OR REPLACE TEMP MACRO cp_plans_on(on_day) AS TABLE
    SELECT *
    FROM cp_plans
    WHERE start_date <= on_day AND (end_date IS NULL OR end_date > on_day)
    QUALIFY row_number() OVER (PARTITION BY child ORDER BY start_date DESC) = 1;

-- The records of the children on a child protection plan on a day, as the count and the rate per 10,000 at the
-- end of the period both count them: la, child and the evidence.
CREATE OR REPLACE TEMP MACRO cp_plans_records(on_day) AS TABLE
    SELECT
        la,
        child,
        concat(
            'Child protection plan from ', uk_date(start_date),
            CASE WHEN end_date IS NULL THEN ', open' ELSE ' to ' || uk_date(end_date) END,
            CASE WHEN latest_category IS NOT NULL THEN ' (' || latest_category || ')' ELSE '' END
        ) AS evidence
    FROM cp_plans_on(on_day);

-- Referrals received in a period, one record per referral (a child referred twice counts twice; referrals
-- ending in no further action count), as the count and the rate per 10,000 both count them.
CREATE OR REPLACE TEMP MACRO referral_records(period_start, period_end) AS TABLE
    SELECT
        la,
        child,
        concat(
            'Referred ', uk_date(referral_date),
            CASE WHEN referral_nfa THEN ', no further action' ELSE '' END
        ) AS evidence
    FROM cin_episodes
    WHERE referral_date BETWEEN period_start AND period_end;

-- Section 47 enquiries started in a period, one record per enquiry, as the count and the rate per 10,000 both
-- count them.
CREATE OR REPLACE TEMP MACRO s47_records(period_start, period_end) AS TABLE
    SELECT
        la,
        child,
        concat(
            'Section 47 enquiry started ', uk_date(start_date),
            CASE
                WHEN icpc_date IS NOT NULL THEN '; initial conference ' || uk_date(icpc_date)
                WHEN icpc_not_required THEN '; no conference needed'
                ELSE ''
            END
        ) AS evidence
    FROM cin_s47
    WHERE start_date BETWEEN period_start AND period_end;
