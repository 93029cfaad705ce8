"""The casework measures written a second time, straightforwardly in pandas, to check and to race the engine.

Each function here follows its measure card in ``oversight.casework.measures`` rule for rule, but shares no
code with it: the tables come out of the store as DataFrames and everything after that is pandas (working
days with numpy's ``busday_count`` and the England and Wales bank holidays of ``oversight.core.workdays``).
Every measure in the catalogue is here, in five groups: the looked-after children (SSDA903), children in need
and child protection (CIN census), adoption (the scorecard's three-year averages), rates per 10,000
children (the ONS estimates) and the social work workforce (its census's rates of full-time equivalents).
The tests (tests/casework/test_pandas_agreement.py) hold the two implementations to the same figures, and
bench/casework_pandas.py times both on the same data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd

from oversight.casework.engine import catalogue_compute, measure_cards
from oversight.casework.readers.cin import CIN_TABLES
from oversight.casework.readers.ssda903 import TABLES as SSDA903_TABLES
from oversight.casework.readers.workforce import WORKFORCE_TABLES
from oversight.casework.store import CaseworkStore
from oversight.core.periods import parse_period
from oversight.core.workdays import add_working_days, bank_holidays

SSDA903, CIN_CENSUS, WORKFORCE = "SSDA903", "CIN census", "workforce census"
RETURN_TABLES = {
    SSDA903: tuple(spec.name for spec in SSDA903_TABLES),
    CIN_CENSUS: tuple(spec.name for spec in CIN_TABLES),
    WORKFORCE: tuple(spec.name for spec in WORKFORCE_TABLES),
}
TABLES = (
    "children",
    "episodes",
    "reviews",
    "oc2",
    "oc3",
    "ad1",
    "missing",
    "cin_episodes",
    "cin_assessments",
    "cin_s47",
    "cp_plans",
    "cp_reviews",
    "population",
    "csww_workers",
    "csww_vacancies",
)
KEY = ["la", "child"]
EDUCATION_EMPLOYMENT_TRAINING = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")

# council -> (numerator, denominator): whole numbers, or amounts (Decimal) for the workforce's FTE rates
Figures = dict[str, tuple[int | Decimal, int | Decimal | None]]


def _frame(store: CaseworkStore, table: str) -> pd.DataFrame:
    """A table as pandas reads it, pseudonyms as text: pandas has no 128-bit integer for a UUID."""
    columns = [c[0] for c in store.connection.execute(f"SELECT * FROM {table} LIMIT 0").description]
    text = " REPLACE (CAST(child AS VARCHAR) AS child)" if "child" in columns else ""
    return store.connection.execute(f"SELECT *{text} FROM {table}").df()


@dataclass
class Returns:
    """The stored tables as DataFrames, with the councils each return is loaded for."""

    tables: dict[str, pd.DataFrame]
    councils: dict[str, list[str]]  # return -> councils with it loaded
    derived: dict[str, pd.DataFrame] = field(default_factory=dict)

    @classmethod
    def from_store(cls, store: CaseworkStore) -> Returns:
        store.open()
        tables = {name: _frame(store, name) for name in TABLES}
        councils = {
            held_in: sorted(
                str(row[0])
                for row in store.query(
                    "SELECT DISTINCT la FROM loads WHERE list_contains($tables, table_name)", {"tables": list(names)}
                )
            )
            for held_in, names in RETURN_TABLES.items()
        }
        return cls(tables, councils)

    def afresh(self) -> Returns:
        """The same tables with nothing worked out from them yet, to time a computation from the start."""
        return replace(self, derived={})

    @property
    def spells(self) -> pd.DataFrame:
        """The episodes with their spells (``episode_spells``), worked out once and shared by the measures."""
        if "spells" not in self.derived:
            self.derived["spells"] = episode_spells(self.tables["episodes"])
        return self.derived["spells"]


def _day(value: date) -> pd.Timestamp:
    return pd.Timestamp(value)


def add_months(day: date, months: int) -> pd.Timestamp:
    return _day(day) + pd.DateOffset(months=months)


def age_on(birth: pd.Series, day: date) -> pd.Series:
    before_birthday = birth.dt.strftime("%m%d") > day.strftime("%m%d")
    return day.year - birth.dt.year - before_birthday.astype(int)


def working_days_after(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Working days after each start day up to and including its end day (the start day not counted)."""
    first, last = start.values.astype("datetime64[D]"), end.values.astype("datetime64[D]")
    if len(first) == 0:
        return np.zeros(0, dtype=int)
    years = range(int(start.min().year), int(end.max().year) + 1)
    holidays = [day for year in years for day in bank_holidays(year)]
    return np.busday_count(first + 1, last + 1, holidays=holidays)


def three_years_to(end: date) -> date:
    """The first day of the three years that end on ``end`` (1 April three years before a 31 March)."""
    following = end + timedelta(days=1)
    if (following.month, following.day) == (2, 29):
        following += timedelta(days=1)
    return following.replace(year=following.year - 3)


def episode_spells(episodes: pd.DataFrame) -> pd.DataFrame:
    """Each episode with its period of care, placement spell and carer spell, numbered within the child."""
    e = episodes.sort_values([*KEY, "decom"]).reset_index(drop=True)
    e["is_temporary"] = e["place"].isin(["T0", "T1", "T2", "T3", "T4"])
    e["is_short_break"] = e["ls"].isin(["V3", "V4"])
    by_child = e.groupby(KEY, sort=False)
    first = by_child.cumcount() == 0
    previous_dec = by_child["dec"].shift()
    key = e["place"].fillna("") + "|" + e["place_provider"].fillna("") + "|" + e["urn"].fillna("")
    follows_temporary = by_child["is_temporary"].shift().fillna(False).astype(bool)
    before_temporary = key.where(~e["is_temporary"]).groupby([e["la"], e["child"]]).shift()
    before_temporary = before_temporary.groupby([e["la"], e["child"]]).ffill()
    returns_from_temporary = follows_temporary & (key == before_temporary.fillna(""))
    e["starts_period_of_care"] = first | (previous_dec < e["decom"])
    moves = ~e["is_temporary"] & ~returns_from_temporary
    adoption_with_carer = e["rne"].isin(["T", "U"]) & e["place"].isin(["A3", "A5"])
    e["starts_placement"] = e["starts_period_of_care"] | (
        e["rne"].isin(["P", "B", "T", "U"]) & moves & ~adoption_with_carer
    )
    e["starts_carer"] = e["starts_period_of_care"] | (e["rne"].isin(["P", "B"]) & moves)
    for spell, starts in (("period_of_care", "starts_period_of_care"), ("placement", "starts_placement")):
        e[spell] = e.groupby(KEY, sort=False)[starts].cumsum()
        e[f"{spell}_start"] = e.groupby([*KEY, spell])["decom"].transform("min")
        e[f"{spell}_end"] = e.groupby([*KEY, spell])["dec"].transform("last", skipna=False)
    e["carer"] = e.groupby(KEY, sort=False)["starts_carer"].cumsum()
    e["placement_is_short_break"] = e.groupby([*KEY, "placement"])["is_short_break"].transform("all")
    return e


def looked_after_on(spells: pd.DataFrame, day: date) -> pd.DataFrame:
    on = _day(day)
    open_then = spells[(spells["decom"] <= on) & (spells["dec"].isna() | (spells["dec"] > on))]
    open_then = open_then[~open_then["is_short_break"]]
    return open_then.sort_values("decom").groupby(KEY, sort=False).tail(1)


def _figures(r: Returns, frame: pd.DataFrame, flag: str | None, held_in: str = SSDA903) -> Figures:
    """Numerator and denominator per council with the return loaded; ``flag`` None means a count (no
    denominator)."""
    groups = frame.groupby("la")
    counts = groups.size()
    if flag is None:
        return {council: (int(counts.get(council, 0)), None) for council in r.councils[held_in]}
    flagged = groups[flag].sum()
    return {council: (int(flagged.get(council, 0)), int(counts.get(council, 0))) for council in r.councils[held_in]}


def _mean_figures(r: Returns, frame: pd.DataFrame) -> Figures:
    """An average's parts per council: the records' days added up, and the number of records."""
    groups = frame.groupby("la")
    days, counts = groups["days"].sum(), groups.size()
    return {council: (int(days.get(council, 0)), int(counts.get(council, 0))) for council in r.councils[SSDA903]}


def _rate_figures(r: Returns, frame: pd.DataFrame, end: date, held_in: str) -> Figures:
    """A rate's parts per council: the children counted, and the ONS estimate of children aged 0 to 17 that
    DfE divides by for a period ending on ``end`` (mid-(Y-1) for the year to 31 March Y, or the latest before)."""
    population = r.tables["population"]
    mid_year = end.year if end.month >= 4 else end.year - 1
    latest = population[population["mid_year"] <= mid_year].sort_values("mid_year").groupby("la").tail(1)
    children = dict(zip(latest["la"], latest["population_0_17"], strict=True))
    figures: Figures = {}
    for council, (counted, _) in _figures(r, frame, None, held_in).items():
        figures[council] = (counted, int(children[council]) if council in children else None)
    return figures


# Looked-after children (SSDA903) --------------------------------------------------------------------------


def cla_count_at_end(r: Returns, start: date, end: date) -> Figures:
    return _figures(r, looked_after_on(r.spells, end), None)


def _starters(r: Returns, start: date, end: date) -> pd.DataFrame:
    spells = r.spells
    s = spells[
        spells["starts_period_of_care"] & ~spells["is_short_break"] & spells["decom"].between(_day(start), _day(end))
    ]
    return s[KEY].drop_duplicates()


def _leavers(r: Returns, start: date, end: date) -> pd.DataFrame:
    spells = r.spells
    s = spells[
        (spells["dec"] == spells["period_of_care_end"])
        & ~spells["is_short_break"]
        & spells["dec"].between(_day(start), _day(end))
    ]
    return s[KEY].drop_duplicates()


def cla_starts(r: Returns, start: date, end: date) -> Figures:
    return _figures(r, _starters(r, start, end), None)


def cla_ceases(r: Returns, start: date, end: date) -> Figures:
    return _figures(r, _leavers(r, start, end), None)


def cla_three_plus_placements(r: Returns, start: date, end: date) -> Figures:
    spells = r.spells
    cohort = looked_after_on(spells, end)[KEY]
    placements = spells.loc[
        ~spells["placement_is_short_break"], [*KEY, "placement", "placement_start", "placement_end"]
    ].drop_duplicates()
    ended = placements["placement_end"]
    counted = placements[
        (placements["placement_start"] <= _day(end))
        & (ended.isna() | (ended > _day(start)))
        & (ended.isna() | (ended > placements["placement_start"]))
    ]
    per_child = counted.groupby(KEY).size().rename("placements").reset_index()
    judged = cohort.merge(per_child, on=KEY, how="left")
    judged["three_or_more"] = judged["placements"].fillna(0) >= 3
    return _figures(r, judged, "three_or_more")


def cla_long_term_stability(r: Returns, start: date, end: date) -> Figures:
    spells = r.spells
    current = looked_after_on(spells, end)
    carers = spells.groupby([*KEY, "period_of_care", "carer"], as_index=False)["decom"].min()
    carers = carers.rename(columns={"decom": "carer_start"}).sort_values([*KEY, "period_of_care", "carer"])
    carers["previous_carer_start"] = carers.groupby([*KEY, "period_of_care"])["carer_start"].shift()
    cohort = current.merge(r.tables["children"][[*KEY, "dob"]], on=KEY).merge(
        carers, on=[*KEY, "period_of_care", "carer"]
    )
    cohort = cohort[(age_on(cohort["dob"], end) < 16) & (cohort["period_of_care_start"] <= add_months(end, -30))].copy()
    two_years_before = add_months(end, -24)
    cohort["is_stable"] = (cohort["carer_start"] <= two_years_before) | (
        cohort["place"].isin(["A3", "A4", "A5", "A6"]) & (cohort["previous_carer_start"] <= two_years_before)
    )
    return _figures(r, cohort, "is_stable")


def cla_reviews_on_time(r: Returns, start: date, end: date) -> Figures:
    cohort = looked_after_on(r.spells, end)[[*KEY, "period_of_care_start", "period_of_care_end"]]
    reviews = r.tables["reviews"][[*KEY, "review"]].merge(cohort, on=KEY)
    reviews = reviews[
        (reviews["review"] >= reviews["period_of_care_start"])
        & (reviews["period_of_care_end"].isna() | (reviews["review"] <= reviews["period_of_care_end"]))
    ].sort_values([*KEY, "review"])
    reviews["number"] = reviews.groupby(KEY).cumcount() + 1
    held = reviews.rename(columns={"review": "held"})[[*KEY, "number", "held"]]
    last = held.groupby(KEY)["number"].max().rename("held_count").reset_index()
    next_due = cohort[KEY].merge(last, on=KEY, how="left")
    next_due["number"] = next_due["held_count"].fillna(0).astype(int) + 1
    events = pd.concat([held, next_due[[*KEY, "number"]].assign(held=pd.NaT)], ignore_index=True)
    events = events.merge(cohort, on=KEY).sort_values([*KEY, "number"])
    previous_held = events.groupby(KEY)["held"].shift()
    starts = events["period_of_care_start"].drop_duplicates()
    twenty_working_days = {day: _day(add_working_days(day.date(), 20)) for day in starts}
    events["due_by"] = (
        events["period_of_care_start"]
        .map(twenty_working_days)
        .where(
            events["number"] == 1,
            (previous_held + pd.DateOffset(months=3)).where(
                events["number"] == 2, previous_held + pd.DateOffset(months=6)
            ),
        )
    )
    in_scope = events[
        (events["due_by"] <= _day(end))
        & ((events["due_by"] >= _day(start)) | events["held"].isna() | (events["held"] >= _day(start)))
    ].copy()
    in_scope["on_time"] = in_scope["held"].notna() & (in_scope["held"] <= in_scope["due_by"])
    judged = in_scope.groupby(KEY, as_index=False)["on_time"].all()
    return _figures(r, judged, "on_time")


def _missing_in_period(r: Returns, start: date, end: date) -> pd.DataFrame:
    m = r.tables["missing"]
    return m[
        (m["missing"] == "M")
        & (m["mis_start"] <= _day(end))
        & ((m["mis_start"] >= _day(start)) | m["mis_end"].isna() | (m["mis_end"] >= _day(start)))
    ]


def cla_missing(r: Returns, start: date, end: date) -> Figures:
    spells = r.spells
    during = spells[
        (spells["decom"] <= _day(end))
        & (spells["dec"].isna() | (spells["dec"] > _day(start)))
        & ~spells["is_short_break"]
    ][KEY].drop_duplicates()
    went = _missing_in_period(r, start, end)[KEY].drop_duplicates().assign(went_missing=True)
    judged = during.merge(went, on=KEY, how="left")
    judged["went_missing"] = judged["went_missing"].fillna(False).astype(bool)
    return _figures(r, judged, "went_missing")


def cla_missing_incidents(r: Returns, start: date, end: date) -> Figures:
    return _figures(r, _missing_in_period(r, start, end), None)


def cla_placed_over_20_miles(r: Returns, start: date, end: date) -> Figures:
    cohort = looked_after_on(r.spells, end)[[*KEY, "decom"]]
    distances = r.tables["episodes"][["child", "decom", "placement_miles", "placed_outside_la"]]
    judged = cohort.merge(distances, on=["child", "decom"], how="left")
    outside = judged["placed_outside_la"].astype("boolean")
    judged = judged[judged["placement_miles"].notna() & outside.notna()].copy()
    judged["far"] = (judged["placement_miles"] > 20) & outside[judged.index].astype(bool)
    return _figures(r, judged, "far")


def _oc2(r: Returns, end: date, flag: str) -> Figures:
    cohort = looked_after_on(r.spells, end)
    cohort = cohort[cohort["period_of_care_start"] <= add_months(end, -12)][KEY]
    oc2 = r.tables["oc2"]
    oc2 = oc2[oc2["year_ending"] == end.year][[*KEY, flag]]
    judged = cohort.merge(oc2, on=KEY, how="left")
    judged["done"] = judged[flag].fillna(False).astype(bool)
    return _figures(r, judged, "done")


def oc2_health_assessments(r: Returns, start: date, end: date) -> Figures:
    return _oc2(r, end, "health_check")


def oc2_immunisations(r: Returns, start: date, end: date) -> Figures:
    return _oc2(r, end, "immunisations")


def oc2_dental_checks(r: Returns, start: date, end: date) -> Figures:
    return _oc2(r, end, "teeth_check")


def care_leavers(r: Returns, end: date, youngest: int, oldest: int) -> pd.DataFrame:
    oc3 = r.tables["oc3"]
    leavers = oc3[oc3["year_ending"] == end.year].merge(r.tables["children"][[*KEY, "dob"]], on=KEY)
    age = age_on(leavers["dob"], end)
    leavers = leavers[age.between(youngest, oldest) & ~leavers["in_touch"].fillna("").isin(["DIED", "RHOM"])]
    episodes = r.tables["episodes"]
    with_episodes = episodes[KEY].drop_duplicates()
    beyond_short_breaks = episodes[~episodes["ls"].isin(["V3", "V4"])][KEY].drop_duplicates()
    only_short_breaks = with_episodes.merge(beyond_short_breaks, on=KEY, how="left", indicator=True)
    only_short_breaks = only_short_breaks[only_short_breaks["_merge"] == "left_only"][KEY].assign(short=True)
    leavers = leavers.merge(only_short_breaks, on=KEY, how="left")
    return leavers[leavers["short"].isna()].copy()


def _care_leavers_eet(r: Returns, end: date, youngest: int, oldest: int) -> Figures:
    leavers = care_leavers(r, end, youngest, oldest)
    leavers["eet"] = leavers["activ"].isin(EDUCATION_EMPLOYMENT_TRAINING)
    return _figures(r, leavers, "eet")


def _care_leavers_accommodation(r: Returns, end: date, youngest: int, oldest: int) -> Figures:
    leavers = care_leavers(r, end, youngest, oldest)
    accom = leavers["accom"].fillna("")
    leavers = leavers[~accom.str[:1].isin(["G", "H", "R"])].copy()
    accom = leavers["accom"].fillna("")
    leavers["suitable"] = (accom.str.len() == 2) & (accom.str[-1:] == "1")
    return _figures(r, leavers, "suitable")


def care_leavers_eet_17_18(r: Returns, start: date, end: date) -> Figures:
    return _care_leavers_eet(r, end, 17, 18)


def care_leavers_eet_19_21(r: Returns, start: date, end: date) -> Figures:
    return _care_leavers_eet(r, end, 19, 21)


def care_leavers_accommodation_17_18(r: Returns, start: date, end: date) -> Figures:
    return _care_leavers_accommodation(r, end, 17, 18)


def care_leavers_accommodation_19_21(r: Returns, start: date, end: date) -> Figures:
    return _care_leavers_accommodation(r, end, 19, 21)


# Adoption: the scorecard's three-year averages ------------------------------------------------------------


def adoptions(r: Returns, end: date) -> pd.DataFrame:
    """Children adopted from care in the three years to ``end`` who had been placed for adoption: when they
    entered care, moved in with the adopters (the first of the unbroken run of adoptive placements that
    ended in the adoption) and began living with that placement's carer."""
    spells = r.spells.copy()
    spells["carer_start"] = spells.groupby([*KEY, "carer"])["decom"].transform("min")
    adopted = spells[
        (spells["dec"] == spells["period_of_care_end"])
        & spells["rec"].isin(["E11", "E12"])
        & spells["dec"].between(_day(three_years_to(end)), _day(end))
    ][[*KEY, "period_of_care", "period_of_care_start", "dec"]].rename(columns={"dec": "adopted_on"})
    care = spells.merge(adopted[[*KEY, "period_of_care"]], on=[*KEY, "period_of_care"])
    care["is_adoptive"] = care["place"].isin(["A3", "A4", "A5", "A6"])
    last_other = care[~care["is_adoptive"]].groupby(KEY)["decom"].max().rename("last_not_adoptive").reset_index()
    care = care.merge(last_other, on=KEY, how="left")
    run = care[care["is_adoptive"] & (care["last_not_adoptive"].isna() | (care["decom"] > care["last_not_adoptive"]))]
    placed = (
        run.sort_values("decom")
        .groupby(KEY, as_index=False)
        .first()[[*KEY, "decom", "carer_start"]]
        .rename(columns={"decom": "placed_on"})
    )
    return adopted.merge(placed, on=KEY)


def adoption_a1(r: Returns, start: date, end: date) -> Figures:
    adopted = adoptions(r, end)
    adopted["days"] = (adopted["placed_on"] - adopted["period_of_care_start"]).dt.days
    return _mean_figures(r, adopted)


def adoption_a2(r: Returns, start: date, end: date) -> Figures:
    adopted = adoptions(r, end)
    care = r.spells.merge(adopted[[*KEY, "period_of_care"]], on=[*KEY, "period_of_care"])
    orders = care[care["ls"].isin(["E1", "D1"])].groupby(KEY)["decom"].min().rename("authority_on").reset_index()
    ad1 = r.tables["ad1"]
    matched = adopted.merge(orders, on=KEY).merge(ad1[ad1["date_match"].notna()][[*KEY, "date_match"]], on=KEY)
    matched["days"] = (matched["date_match"] - matched["authority_on"]).dt.days.clip(lower=0)
    return _mean_figures(r, matched)


def adoption_a10(r: Returns, start: date, end: date) -> Figures:
    adopted = adoptions(r, end).merge(r.tables["ad1"][[*KEY, "foster_care"]], on=KEY, how="left")
    by_foster_carers = adopted["foster_care"].fillna(False).astype(bool)
    wait_ended = adopted["carer_start"].where(by_foster_carers, adopted["placed_on"])
    adopted["days"] = (wait_ended - adopted["period_of_care_start"]).dt.days
    return _mean_figures(r, adopted)


# Children in need and child protection (CIN census) -------------------------------------------------------


def _cin(r: Returns, frame: pd.DataFrame, flag: str | None) -> Figures:
    return _figures(r, frame, flag, CIN_CENSUS)


def _dated_in(frame: pd.DataFrame, column: str, start: date, end: date) -> pd.DataFrame:
    return frame[frame[column].between(_day(start), _day(end))]


def children_in_need_on(r: Returns, day: date) -> pd.DataFrame:
    e = r.tables["cin_episodes"]
    on = _day(day)
    open_then = e[
        (e["referral_date"] <= on)
        & (e["closure_date"].isna() | (e["closure_date"] > on))
        & ~e["referral_nfa"].fillna(False).astype(bool)
    ]
    return open_then[KEY].drop_duplicates()


def cp_plans_on(r: Returns, day: date) -> pd.DataFrame:
    """Plans open on a day, one per child: the latest-starting where plans overlap."""
    plans = r.tables["cp_plans"]
    on = _day(day)
    open_then = plans[(plans["start_date"] <= on) & (plans["end_date"].isna() | (plans["end_date"] > on))]
    return open_then.sort_values("start_date").groupby(KEY).tail(1)


def cin_referrals(r: Returns, start: date, end: date) -> Figures:
    return _cin(r, _dated_in(r.tables["cin_episodes"], "referral_date", start, end), None)


def cin_referrals_to_assessment(r: Returns, start: date, end: date) -> Figures:
    referrals = _dated_in(r.tables["cin_episodes"], "referral_date", start, end)[[*KEY, "referral_date"]]
    assessed = r.tables["cin_assessments"][[*KEY, "referral_date"]].drop_duplicates().assign(assessed=True)
    judged = referrals.merge(assessed, on=[*KEY, "referral_date"], how="left")
    judged["assessed"] = judged["assessed"].fillna(False).astype(bool)
    return _cin(r, judged, "assessed")


def cin_rereferrals(r: Returns, start: date, end: date) -> Figures:
    referrals = r.tables["cin_episodes"][[*KEY, "referral_date"]].drop_duplicates().sort_values([*KEY, "referral_date"])
    referrals["previous"] = referrals.groupby(KEY)["referral_date"].shift()
    judged = _dated_in(referrals, "referral_date", start, end).copy()
    year_before = judged["referral_date"] - pd.DateOffset(months=12)
    judged["rereferral"] = judged["previous"].notna() & (judged["previous"] >= year_before)
    return _cin(r, judged, "rereferral")


def cin_assessments_45_days(r: Returns, start: date, end: date) -> Figures:
    a = _dated_in(r.tables["cin_assessments"], "authorisation_date", start, end)
    a = a[a["authorisation_date"] >= a["start_date"]].copy()
    a["within"] = working_days_after(a["start_date"], a["authorisation_date"]) <= 45
    return _cin(r, a, "within")


def cin_icpc_15_days(r: Returns, start: date, end: date) -> Figures:
    s47 = _dated_in(r.tables["cin_s47"], "icpc_date", start, end)
    s47 = s47[s47["icpc_date"] >= s47["start_date"]].copy()
    s47["within"] = working_days_after(s47["start_date"], s47["icpc_date"]) <= 15
    return _cin(r, s47, "within")


def cin_s47_enquiries(r: Returns, start: date, end: date) -> Figures:
    return _cin(r, _dated_in(r.tables["cin_s47"], "start_date", start, end), None)


def cin_count_at_end(r: Returns, start: date, end: date) -> Figures:
    return _cin(r, children_in_need_on(r, end), None)


def cp_count_at_end(r: Returns, start: date, end: date) -> Figures:
    return _cin(r, cp_plans_on(r, end), None)


def _days_counting_the_last(first: pd.Series, last: pd.Series | pd.Timestamp) -> pd.Series:
    return (last - first).dt.days + 1


def cp_plans_2_years_ended(r: Returns, start: date, end: date) -> Figures:
    ended = _dated_in(r.tables["cp_plans"], "end_date", start, end)
    ended = ended[ended["end_date"] >= ended["start_date"]].copy()
    ended["two_years"] = _days_counting_the_last(ended["start_date"], ended["end_date"]) >= 730
    return _cin(r, ended, "two_years")


def cp_plans_2_years_open(r: Returns, start: date, end: date) -> Figures:
    plans = cp_plans_on(r, end).copy()
    plans["two_years"] = _days_counting_the_last(plans["start_date"], _day(end)) >= 730
    return _cin(r, plans, "two_years")


def cp_plans_second_or_subsequent(r: Returns, start: date, end: date) -> Figures:
    plans = r.tables["cp_plans"]
    first_plan = plans.groupby(KEY)["start_date"].min().rename("first_plan").reset_index()
    started = _dated_in(plans, "start_date", start, end)[[*KEY, "start_date", "previous_plans"]].drop_duplicates()
    started = started.merge(first_plan, on=KEY)
    started["again"] = (started["previous_plans"].fillna(0) > 0) | (started["first_plan"] < started["start_date"])
    return _cin(r, started, "again")


def cp_reviews_on_time(r: Returns, start: date, end: date) -> Figures:
    cohort = cp_plans_on(r, end)
    cohort = cohort[cohort["start_date"] <= add_months(end, -3)][[*KEY, "start_date"]]
    reviews = r.tables["cp_reviews"]
    reviews = reviews[reviews["review_date"] <= _day(end)].rename(columns={"plan_start_date": "start_date"})
    held = cohort.merge(reviews[[*KEY, "start_date", "review_date"]], on=[*KEY, "start_date"])
    held = held.sort_values([*KEY, "review_date"]).rename(columns={"review_date": "held"})
    held["number"] = held.groupby(KEY).cumcount() + 1
    last = held.groupby(KEY)["number"].max().rename("held_count").reset_index()
    next_due = cohort.merge(last, on=KEY, how="left")
    next_due["number"] = next_due["held_count"].fillna(0).astype(int) + 1
    events = pd.concat(
        [held[[*KEY, "start_date", "number", "held"]], next_due[[*KEY, "start_date", "number"]].assign(held=pd.NaT)],
        ignore_index=True,
    ).sort_values([*KEY, "number"])
    previous_held = events.groupby(KEY)["held"].shift()
    events["due_by"] = (events["start_date"] + pd.DateOffset(months=3)).where(
        events["number"] == 1, previous_held + pd.DateOffset(months=6)
    )
    judged = events[events["held"].notna() | (events["due_by"] <= _day(end))].copy()
    judged["on_time"] = judged["held"].notna() & (judged["held"] <= judged["due_by"])
    all_on_time = judged.groupby(KEY)["on_time"].all().rename("all_on_time").reset_index()
    cohort = cohort.merge(all_on_time, on=KEY, how="left")
    cohort["all_on_time"] = cohort["all_on_time"].fillna(True).astype(bool)
    return _cin(r, cohort, "all_on_time")


# Rates per 10,000 children (the ONS estimates) ------------------------------------------------------------


def cla_rate_at_end(r: Returns, start: date, end: date) -> Figures:
    return _rate_figures(r, looked_after_on(r.spells, end), end, SSDA903)


def cla_starts_rate(r: Returns, start: date, end: date) -> Figures:
    return _rate_figures(r, _starters(r, start, end), end, SSDA903)


def cla_ceases_rate(r: Returns, start: date, end: date) -> Figures:
    return _rate_figures(r, _leavers(r, start, end), end, SSDA903)


def cin_rate_at_end(r: Returns, start: date, end: date) -> Figures:
    return _rate_figures(r, children_in_need_on(r, end), end, CIN_CENSUS)


def cp_rate_at_end(r: Returns, start: date, end: date) -> Figures:
    return _rate_figures(r, cp_plans_on(r, end), end, CIN_CENSUS)


def cin_referrals_rate(r: Returns, start: date, end: date) -> Figures:
    return _rate_figures(r, _dated_in(r.tables["cin_episodes"], "referral_date", start, end), end, CIN_CENSUS)


def cin_s47_rate(r: Returns, start: date, end: date) -> Figures:
    return _rate_figures(r, _dated_in(r.tables["cin_s47"], "start_date", start, end), end, CIN_CENSUS)


# The social work workforce (its census) ----------------------------------------------------------------


def _workforce(r: Returns, start: date, end: date) -> pd.DataFrame:
    """The workers of each council's latest census dated in the period, with what the cards ask of them."""
    councils = r.tables["csww_vacancies"]
    day = pd.to_datetime(councils["census_date"])
    latest = councils[(day >= _day(start)) & (day <= _day(end))].groupby("la")["census_date"].max().reset_index()
    workers = r.tables["csww_workers"].merge(latest, on=["la", "census_date"])
    census = pd.to_datetime(workers["census_date"])
    began, ended = pd.to_datetime(workers["role_start"]), pd.to_datetime(workers["role_end"])
    workers["in_post"] = (began.isna() | (began <= census)) & (ended.isna() | (ended > census))
    year_before = census.apply(lambda d: d - pd.DateOffset(years=1))
    workers["left_in_year"] = ended.notna() & (ended > year_before) & (ended <= census)
    workers["fte_in_post"] = workers["fte30"].fillna(workers["fte"]).fillna(0).astype(float)
    workers["fte_leaving"] = workers["fte"].where(workers["fte"] != 0).fillna(workers["fte30"]).fillna(0).astype(float)
    workers["agency_worker"] = workers["agency_worker"].astype(bool)
    return workers


def _amount(value: float) -> Decimal:
    return Decimal(str(round(float(value), 6)))


def _sums(r: Returns, numerators: pd.DataFrame, denominators: pd.DataFrame) -> Figures:
    """A summed measure's parts per council: the ``amount`` of its numerator's rows and its denominator's, added."""
    tops, bottoms = numerators.groupby("la")["amount"].sum(), denominators.groupby("la")["amount"].sum()
    return {c: (_amount(tops.get(c, 0)), _amount(bottoms.get(c, 0))) for c in r.councils[WORKFORCE]}


def _as_amount(frame: pd.DataFrame, column: str, scale: float = 1) -> pd.DataFrame:
    return frame.assign(amount=frame[column].fillna(0).astype(float) * scale)


def workforce_agency_rate(r: Returns, start: date, end: date) -> Figures:
    workers = _workforce(r, start, end)
    in_post = workers[workers["in_post"]]
    return _sums(r, _as_amount(in_post[in_post["agency_worker"]], "fte_in_post"), _as_amount(in_post, "fte_in_post"))


def workforce_vacancy_rate(r: Returns, start: date, end: date) -> Figures:
    workers = _workforce(r, start, end)
    employed = workers[workers["in_post"] & ~workers["agency_worker"]]
    councils = r.tables["csww_vacancies"].merge(
        workers[["la", "census_date"]].drop_duplicates(), on=["la", "census_date"]
    )
    vacancies = _as_amount(councils, "vacancies_fte")
    return _sums(r, vacancies, pd.concat([vacancies, _as_amount(employed, "fte_in_post")]))


def workforce_turnover_rate(r: Returns, start: date, end: date) -> Figures:
    workers = _workforce(r, start, end)
    employed = workers[~workers["agency_worker"]]
    leavers = employed[employed["left_in_year"]]
    return _sums(r, _as_amount(leavers, "fte_leaving"), _as_amount(employed[employed["in_post"]], "fte_in_post"))


def workforce_absence_rate(r: Returns, start: date, end: date) -> Figures:
    workers = _workforce(r, start, end)
    employed = workers[workers["in_post"] & ~workers["agency_worker"]]
    return _sums(r, _as_amount(employed, "working_days_lost"), _as_amount(employed, "fte_in_post", 253))


def workforce_caseload(r: Returns, start: date, end: date) -> Figures:
    workers = _workforce(r, start, end)
    holders = workers[workers["in_post"] & ~workers["agency_worker"] & (workers["cases30"].fillna(0) > 0)]
    return _sums(r, _as_amount(holders, "cases30"), _as_amount(holders, "fte_in_post"))


Measure = Callable[[Returns, date, date], Figures]
GROUPS: dict[str, tuple[Measure, ...]] = {
    "looked-after": (
        cla_count_at_end,
        cla_starts,
        cla_ceases,
        cla_three_plus_placements,
        cla_long_term_stability,
        cla_reviews_on_time,
        cla_missing,
        cla_missing_incidents,
        cla_placed_over_20_miles,
        oc2_health_assessments,
        oc2_immunisations,
        oc2_dental_checks,
        care_leavers_eet_17_18,
        care_leavers_eet_19_21,
        care_leavers_accommodation_17_18,
        care_leavers_accommodation_19_21,
    ),
    "CIN/CP": (
        cin_referrals,
        cin_referrals_to_assessment,
        cin_rereferrals,
        cin_assessments_45_days,
        cin_icpc_15_days,
        cin_s47_enquiries,
        cin_count_at_end,
        cp_count_at_end,
        cp_plans_2_years_ended,
        cp_plans_2_years_open,
        cp_plans_second_or_subsequent,
        cp_reviews_on_time,
    ),
    "adoption": (adoption_a1, adoption_a2, adoption_a10),
    "rates": (
        cla_rate_at_end,
        cla_starts_rate,
        cla_ceases_rate,
        cin_rate_at_end,
        cp_rate_at_end,
        cin_referrals_rate,
        cin_s47_rate,
    ),
    "workforce": (
        workforce_agency_rate,
        workforce_vacancy_rate,
        workforce_turnover_rate,
        workforce_absence_rate,
        workforce_caseload,
    ),
}
MEASURES: dict[str, Measure] = {function.__name__: function for group in GROUPS.values() for function in group}


def pandas_catalogue(returns: Returns, start: date, end: date, names: list[str] | None = None) -> dict[str, Figures]:
    """The measures named (every one written here if None), for the period from ``start`` to ``end``; the
    adoption measures look back three years from ``end`` themselves, as their cards say."""
    return {name: MEASURES[name](returns, start, end) for name in (sorted(MEASURES) if names is None else names)}


def engine_catalogue(store: CaseworkStore, period: str, names: list[str]) -> dict[str, Figures]:
    cards = {card.id: card for card in measure_cards()}
    computed = catalogue_compute(store, [cards[name] for name in names], parse_period(period))
    return {card.id: {r.la: (r.numerator, r.denominator) for r in results} for card, results in computed}


def engine_afresh(path: Path, period: str, names: list[str]) -> dict[str, Figures]:
    """The measures named, computed on the store at ``path`` opened for this run alone, as a command would."""
    with CaseworkStore(path, read_only=True) as store:
        return engine_catalogue(store, period, names)
