"""The casework measures written a second time, straightforwardly in pandas, to check and to race the engine.

Each function here follows its measure card in ``oversight.casework.measures`` rule for rule, but shares no
code with it: the tables come out of the store as DataFrames and everything after that is pandas. The tests
(tests/casework/test_pandas_agreement.py) hold the two implementations to the same figures on synthetic
returns; run as a script, this times both on the same data and prints how many times faster the engine is.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from oversight.casework.engine import measure_cards, measure_compute
from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_returns
from oversight.casework.workdays import add_working_days
from oversight.core.periods import parse_period

TABLES = ("children", "episodes", "reviews", "oc2", "oc3", "missing")
KEY = ["la", "child"]
EDUCATION_EMPLOYMENT_TRAINING = ("F1", "P1", "F2", "P2", "F3", "P3", "F4", "P4", "F5", "P5")

Figures = dict[str, tuple[int, int | None]]  # council -> (numerator, denominator)


@dataclass
class Returns:
    """The stored tables as DataFrames, with the councils a measure reports on."""

    tables: dict[str, pd.DataFrame]
    councils: list[str]

    @classmethod
    def from_store(cls, store: CaseworkStore) -> Returns:
        tables = {name: store.connection.execute(f"SELECT * FROM {name}").df() for name in TABLES}
        councils = sorted(row[0] for row in store.query("SELECT DISTINCT la FROM loads WHERE table_name = 'episodes'"))
        return cls(tables, councils)


def _day(value: date) -> pd.Timestamp:
    return pd.Timestamp(value)


def add_months(day: date, months: int) -> pd.Timestamp:
    return _day(day) + pd.DateOffset(months=months)


def age_on(birth: pd.Series, day: date) -> pd.Series:
    before_birthday = birth.dt.strftime("%m%d") > day.strftime("%m%d")
    return day.year - birth.dt.year - before_birthday.astype(int)


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
        e[f"{spell}_end"] = e.groupby([*KEY, spell])["dec"].transform(lambda dec: dec.iloc[-1])
    e["carer"] = e.groupby(KEY, sort=False)["starts_carer"].cumsum()
    e["placement_is_short_break"] = e.groupby([*KEY, "placement"])["is_short_break"].transform("all")
    return e


def looked_after_on(spells: pd.DataFrame, day: date) -> pd.DataFrame:
    on = _day(day)
    open_then = spells[(spells["decom"] <= on) & (spells["dec"].isna() | (spells["dec"] > on))]
    open_then = open_then[~open_then["is_short_break"]]
    return open_then.sort_values("decom").groupby(KEY, sort=False).tail(1)


def _figures(returns: Returns, frame: pd.DataFrame, flag: str | None) -> Figures:
    """Numerator and denominator per council; ``flag`` None means a count (no denominator)."""
    figures: Figures = {}
    for council in returns.councils:
        rows = frame[frame["la"] == council]
        if flag is None:
            figures[council] = (len(rows), None)
        else:
            figures[council] = (int(rows[flag].sum()), len(rows))
    return figures


def cla_count_at_end(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _figures(r, looked_after_on(spells, end), None)


def cla_starts(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    s = spells[
        spells["starts_period_of_care"] & ~spells["is_short_break"] & spells["decom"].between(_day(start), _day(end))
    ]
    return _figures(r, s[KEY].drop_duplicates(), None)


def cla_ceases(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    s = spells[
        (spells["dec"] == spells["period_of_care_end"])
        & ~spells["is_short_break"]
        & spells["dec"].between(_day(start), _day(end))
    ]
    return _figures(r, s[KEY].drop_duplicates(), None)


def cla_three_plus_placements(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
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


def cla_long_term_stability(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
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


def cla_reviews_on_time(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    cohort = looked_after_on(spells, end)[[*KEY, "period_of_care_start", "period_of_care_end"]]
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


def cla_missing(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    during = spells[
        (spells["decom"] <= _day(end))
        & (spells["dec"].isna() | (spells["dec"] > _day(start)))
        & ~spells["is_short_break"]
    ][KEY].drop_duplicates()
    went = _missing_in_period(r, start, end)[KEY].drop_duplicates().assign(went_missing=True)
    judged = during.merge(went, on=KEY, how="left")
    judged["went_missing"] = judged["went_missing"].fillna(False).astype(bool)
    return _figures(r, judged, "went_missing")


def cla_missing_incidents(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _figures(r, _missing_in_period(r, start, end), None)


def _oc2(r: Returns, spells: pd.DataFrame, end: date, flag: str) -> Figures:
    cohort = looked_after_on(spells, end)
    cohort = cohort[cohort["period_of_care_start"] <= add_months(end, -12)][KEY]
    oc2 = r.tables["oc2"]
    oc2 = oc2[oc2["year_ending"] == end.year][[*KEY, flag]]
    judged = cohort.merge(oc2, on=KEY, how="left")
    judged["done"] = judged[flag].fillna(False).astype(bool)
    return _figures(r, judged, "done")


def oc2_health_assessments(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _oc2(r, spells, end, "health_check")


def oc2_immunisations(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _oc2(r, spells, end, "immunisations")


def oc2_dental_checks(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _oc2(r, spells, end, "teeth_check")


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


def care_leavers_eet_17_18(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _care_leavers_eet(r, end, 17, 18)


def care_leavers_eet_19_21(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _care_leavers_eet(r, end, 19, 21)


def care_leavers_accommodation_17_18(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _care_leavers_accommodation(r, end, 17, 18)


def care_leavers_accommodation_19_21(r: Returns, spells: pd.DataFrame, start: date, end: date) -> Figures:
    return _care_leavers_accommodation(r, end, 19, 21)


Measure = Callable[[Returns, pd.DataFrame, date, date], Figures]
MEASURES: dict[str, Measure] = {
    function.__name__: function
    for function in (
        cla_count_at_end,
        cla_starts,
        cla_ceases,
        cla_three_plus_placements,
        cla_long_term_stability,
        cla_reviews_on_time,
        cla_missing,
        cla_missing_incidents,
        oc2_health_assessments,
        oc2_immunisations,
        oc2_dental_checks,
        care_leavers_eet_17_18,
        care_leavers_eet_19_21,
        care_leavers_accommodation_17_18,
        care_leavers_accommodation_19_21,
    )
}


def pandas_catalogue(returns: Returns, start: date, end: date) -> dict[str, Figures]:
    """Every measure written here, for the window from ``start`` to ``end``."""
    spells = episode_spells(returns.tables["episodes"])
    return {name: measure(returns, spells, start, end) for name, measure in MEASURES.items()}


def engine_catalogue(store: CaseworkStore, period: str, names: list[str]) -> dict[str, Figures]:
    cards = {card.id: card for card in measure_cards()}
    return {
        name: {r.la: (r.numerator, r.denominator) for r in measure_compute(store, cards[name], parse_period(period))}
        for name in names
    }


# The benchmark -----------------------------------------------------------------------------------------

SEED = 20261123


def _timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> int:
    councils, first, last = int(os.environ.get("BENCH_COUNCILS", "20")), 2017, 2021
    period = f"{last - 1}-{last % 100:02d}"
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores, pandas {pd.__version__}")
    pseudonymiser = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
    with tempfile.TemporaryDirectory(prefix="oversight-pandas-bench-") as folder:
        root = Path(folder)
        with CaseworkStore(root / "casework.duckdb") as store:
            for n in range(councils):
                code = f"E06{900000 + n:06d}"
                council = synthetic_council(code, seed=SEED, first_year_ending=first, last_year_ending=last)
                paths = list(synthetic_returns(council, root / code))
                assert store.load(paths, pseudonymiser=pseudonymiser, la=code).ok
            window = parse_period(period)
            names = sorted(MEASURES)
            episodes = store.query("SELECT count(*) FROM episodes")[0][0]
            print(f"{councils} councils x {last - first + 1} years, {episodes:,} episodes; period {period}")
            engine: dict[str, Figures] = {}
            duck = _timed(lambda: engine.update(engine_catalogue(store, period, names)))
            returns = Returns.from_store(store)
            frames: dict[str, Figures] = {}
            panda = _timed(lambda: frames.update(pandas_catalogue(returns, window.start, window.end)))
    disagreements = [name for name in names if engine[name] != frames[name]]
    print(f"  DuckDB engine, {len(names)} measures        {duck:8.2f} s")
    print(f"  pandas, the same {len(names)} measures      {panda:8.2f} s")
    print(f"  the engine is {panda / duck:5.1f} times faster")
    print(f"  figures agree for {len(names) - len(disagreements)} of {len(names)} measures")
    print(f"peak memory (RSS)                    {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MB")
    for name in disagreements:
        print(f"  DISAGREE {name}: engine {engine[name]} pandas {frames[name]}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    raise SystemExit(main())
