"""Marking the row each key keeps, windowing only the keys that repeat, gives what one window over all rows gives."""

from collections.abc import Iterator

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.casework.readers.repeats import marked, repeated_rows
from tests.properties import examples

ROWS = st.lists(
    st.tuples(st.sampled_from(["A", "B"]), st.one_of(st.none(), st.integers(0, 3)), st.integers(1, 6)),
    min_size=1,
    max_size=40,
)
MARKS = {"is_first": "row_number() OVER rows = 1", "first_of_its_f": "coalesce(lag(f) OVER rows <> f, true)"}


def _table(
    rows: list[tuple[str, int | None, int]], con: duckdb.DuckDBPyConnection | None = None
) -> duckdb.DuckDBPyConnection:
    """Table t holding ``rows``, numbered n from 0, made again in ``con`` (or a new in-memory database)."""
    con = con or duckdb.connect()
    con.execute("CREATE OR REPLACE TABLE t (k VARCHAR, j INTEGER, f INTEGER, n INTEGER)")
    con.execute(
        "INSERT INTO t BY NAME SELECT unnest($rows, recursive := true)",
        {"rows": [{"k": k, "j": j, "f": f, "n": n} for n, (k, j, f) in enumerate(rows)]},
    )
    return con


@pytest.fixture(scope="module")
def database() -> Iterator[duckdb.DuckDBPyConnection]:
    """One in-memory DuckDB for every example, its table t made again for each."""
    with duckdb.connect() as con:
        yield con


@settings(max_examples=examples(60), deadline=None)
@given(ROWS)
def test_marks_agree_with_one_window_over_every_row(
    database: duckdb.DuckDBPyConnection, rows: list[tuple[str, int | None, int]]
) -> None:
    con = _table(rows, database)
    every = con.execute(
        "SELECT n, row_number() OVER w = 1, coalesce(lag(f) OVER w <> f, true) FROM t "
        "WINDOW w AS (PARTITION BY k, j ORDER BY f DESC, n) ORDER BY n"
    ).fetchall()
    assert con.execute(f"SELECT n, is_first, first_of_its_f FROM ({marked('t', ['k', 'j'], 'f DESC, n', MARKS)}) "
                       "ORDER BY n").fetchall() == every  # fmt: skip


def test_a_key_with_a_blank_part_still_repeats() -> None:
    con = _table([("A", None, 1), ("A", None, 2), ("A", 1, 3)])
    assert con.execute(f"SELECT n, is_first FROM ({marked('t', ['k', 'j'], 'n', MARKS)}) ORDER BY n").fetchall() == [
        (0, True),
        (1, False),
        (2, True),
    ]
    assert con.execute(f"SELECT n FROM {repeated_rows('t', ['k', 'j'], where='f = 2')} ORDER BY n").fetchall() == [
        (0,),
        (1,),
    ]
