"""The machine's part of a council's first hour: ``oversight start`` for a large council's five years of returns.

Seeded synthetic returns, every child invented: one council's SSDA903 CSV tables (``BENCH_STARTS`` children starting
care a year, 600 unless set, about Birmingham's or Kent's number) and its CIN census XML (``BENCH_REFERRALS``
referrals a year, 12,000 unless set) for the five years 2019-20 to 2023-24, and DfE's published placement-stability
file from tests/data. The start runs as the command does, in a fresh data directory: the scorecard made, the
returns loaded, every year, quarter and rolling twelve months computed, the published figures loaded and linked.
Prints each step's seconds and the whole; generating the files is timed apart and not counted. Never fails on
speed.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

LA = "E08000025"  # the returns are filed under Birmingham's code, for a large council's neighbours
FIRST_YEAR_ENDING, LAST_YEAR_ENDING = 2020, 2024
STARTS = int(os.environ.get("BENCH_STARTS", "600"))
REFERRALS = int(os.environ.get("BENCH_REFERRALS", "12000"))
PUBLISHED = Path(__file__).resolve().parent.parent / "tests" / "data" / "published"
PLACEMENTS = PUBLISHED / "dfe_csc_oe_la_cla_placement_stability.csv"


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="oversight-bench-start-"))
    os.environ["OVERSIGHT_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings.local")
    import django

    django.setup()
    from django.core.management import call_command

    from oversight.casework.pseudonym import DEVELOPMENT_KEY, Pseudonymiser
    from oversight.casework.synthetic import synthetic_council, synthetic_returns
    from oversight.casework.synthetic_cin import synthetic_cin_census, synthetic_cin_council
    from oversight.onboarding.services import council_start, start_summary
    from oversight.onboarding.steps import Steps

    call_command("migrate", verbosity=0)
    began = time.perf_counter()
    council = synthetic_council(
        LA, seed=25, first_year_ending=FIRST_YEAR_ENDING, last_year_ending=LAST_YEAR_ENDING, starts_per_year=STARTS
    )
    cin = synthetic_cin_council(
        LA, seed=25, first_year_ending=FIRST_YEAR_ENDING, last_year_ending=LAST_YEAR_ENDING,
        referrals_per_year=REFERRALS,
    )  # fmt: skip
    files = [*synthetic_returns(council, home / "returns"), *synthetic_cin_census(cin, home / "returns")]
    megabytes = sum(path.stat().st_size for path in files) / 1e6
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {len(files)} return files ({megabytes:,.1f} MB: "
        f"{len(council.children):,} children looked after, {len(cin.children):,} children in need) generated in "
        f"{time.perf_counter() - began:.1f} s, not counted"
    )

    class Timed(Steps):
        def __init__(self) -> None:
            self.name, self.at = "", time.perf_counter()

        def step(self, name: str, total: int | None) -> None:
            self.close()
            self.name, self.at = name, time.perf_counter()

        def close(self) -> None:
            if self.name:
                print(f"  {self.name}: {time.perf_counter() - self.at:.1f} s")

    steps = Timed()
    began = time.perf_counter()
    result = council_start(
        LA,
        returns=files,
        published=[PLACEMENTS],
        pseudonymiser=Pseudonymiser(DEVELOPMENT_KEY.encode(), is_development_key=True),
        store_path=home / "casework.duckdb",
        user_name="bench",
        steps=steps,
    )
    steps.close()
    whole = time.perf_counter() - began
    if not result.ok:
        print("\n".join(str(issue) for issue in result.issues[:20]))
        return 1
    print("\n".join(f"  {line}" for line in start_summary(result)))
    print(f"the machine's part of the start: {whole:.1f} s (goal: under 60 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
