"""What opening the casework store costs a page: the CPU of an open, and of the records a casework page shows
(``records_view``, the selector behind the measure's records page), for a store this version wrote (its macros,
views and working days kept in the file under a stamp) and for the same store as an earlier version wrote it
(no stamp: every open creates them in its workspace). Prints figures only.

The store is one synthetic council (``oversight.casework.synthetic``, every child invented), 2021-22 to 2023-24.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import django

from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
from oversight.casework.store import CaseworkStore
from oversight.casework.synthetic import synthetic_council, synthetic_returns

COUNCIL = "E06000049"
KEY = Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True)
REPEATS = int(os.environ.get("BENCH_REPEATS", "50"))


def cpu_ms(action: Callable[[], object]) -> float:
    """The CPU milliseconds (user and system, this process) ``action`` takes, the mean of REPEATS after one."""
    action()
    start = time.process_time()
    for _ in range(REPEATS):
        action()
    return (time.process_time() - start) / REPEATS * 1000


def as_before_the_stamp(path: Path) -> None:
    """Drop what the store keeps and its stamp, leaving the file as a version before them wrote it."""
    with CaseworkStore(path) as store:
        store.open()
        kept = store.query(
            "SELECT 'TABLE', 'working_days' UNION ALL SELECT 'VIEW', view_name FROM duckdb_views() "
            "WHERE database_name = 'store' AND NOT internal UNION ALL SELECT DISTINCT 'MACRO', function_name "
            "FROM duckdb_functions() WHERE database_name = 'store' AND function_type IN ('macro', 'table_macro')"
        )
        for kind, name in kept:
            store.query(f"DROP {kind} store.main.{name}")
        store.query("DELETE FROM meta WHERE name = 'derived_sha256'")


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="oversight-bench-open-"))
    try:
        stamped, earlier = folder / "casework.duckdb", folder / "earlier.duckdb"
        council = synthetic_council(COUNCIL, seed=5, first_year_ending=2022, last_year_ending=2024)
        with CaseworkStore(stamped) as store:
            result = store.load(list(synthetic_returns(council, folder / "903")), pseudonymiser=KEY, la=COUNCIL)
            if not result.ok:
                sys.exit(f"the synthetic returns did not load: {result.issues[:3]}")
        shutil.copy(stamped, earlier)
        as_before_the_stamp(earlier)

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings.local")
        django.setup()
        from django.conf import settings

        from oversight.casework.selectors import records_view
        from oversight.core.councils import CouncilScope

        every = CouncilScope(None, COUNCIL)
        for label, path in (("stamped (this version)", stamped), ("unstamped (an earlier version)", earlier)):
            settings.OVERSIGHT_CASEWORK_STORE = path

            def open_only(path: Path = path) -> None:
                with CaseworkStore(path, read_only=True) as store:
                    store.open()

            def records() -> None:
                records_view("cla_count_at_end", "2023-24", la=COUNCIL, scope=every)

            print(f"{label}: open {cpu_ms(open_only):.1f} CPU-ms, records page's selector {cpu_ms(records):.1f} CPU-ms")
    finally:
        shutil.rmtree(folder)


if __name__ == "__main__":
    main()
