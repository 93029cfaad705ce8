"""How long a large scorecard takes to import, assemble, render and export. Prints figures; never fails on speed.

A synthetic catalogue of 400 indicators under 8 priorities, with 12 quarters and 3 years of values,
targets, comparators and commentary, in a fresh SQLite database under a temporary OVERSIGHT_HOME.
"""

from __future__ import annotations

import csv
import os
import resource
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

INDICATORS = 400
PRIORITIES = 8
QUARTERS = [f"{year}-{(year + 1) % 100:02d}-Q{q}" for year in (2009, 2010, 2011) for q in (1, 2, 3, 4)]
YEARS = ["2009-10", "2010-11", "2011-12"]


def write(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def build_files(folder: Path) -> list[Path]:
    codes = [f"BENCH-{n:04d}" for n in range(INDICATORS)]
    files = [
        write(folder / "scorecards.csv", ["scorecard", "title"], [["bench", "Benchmark scorecard"]]),
        write(
            folder / "priorities.csv",
            ["scorecard", "code", "title", "order"],
            [["bench", f"P{p}", f"Priority {p}", p] for p in range(PRIORITIES)],
        ),
        write(
            folder / "indicators.csv",
            ["code", "scorecard", "priority", "title", "unit", "polarity"],
            [[c, "bench", f"P{n % PRIORITIES}", f"Indicator {n}", "percent", "higher"] for n, c in enumerate(codes)],
        ),
        write(
            folder / "values.csv",
            ["indicator", "period", "value", "status"],
            [
                [c, p, (n * 7 + i) % 100, "validated"]
                for n, c in enumerate(codes)
                for i, p in enumerate(QUARTERS + YEARS)
            ],
        ),
        write(
            folder / "targets.csv",
            ["indicator", "period", "target"],
            [[c, p, 60] for c in codes for p in YEARS + QUARTERS[-4:]],
        ),
        write(
            folder / "comparators.csv",
            ["indicator", "period", "kind", "label", "value"],
            [[c, p, "england", "N", 55] for c in codes for p in YEARS],
        ),
        write(
            folder / "commentary.csv",
            ["indicator", "period", "text"],
            [[c, "2011-12-Q1", f"Commentary for {c}. " * 5] for c in codes],
        ),
    ]
    return files


def timed(label: str, action: Callable[[], object], repeat: int = 1) -> object:
    result = None
    start = time.perf_counter()
    for _ in range(repeat):
        result = action()
    seconds = (time.perf_counter() - start) / repeat
    print(f"{label:<48} {seconds * 1000:9.1f} ms")
    return result


def main() -> int:
    home = Path(tempfile.mkdtemp(prefix="oversight-bench-"))
    os.environ["OVERSIGHT_HOME"] = str(home)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oversight.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from oversight.accounts.roles import Role
    from oversight.accounts.services import user_create
    from oversight.core.periods import parse_period
    from oversight.performance import exports
    from oversight.performance.models import Scorecard
    from oversight.performance.selectors import scorecard_view
    from oversight.performance.services import import_files

    call_command("migrate", verbosity=0)
    files = build_files(home)
    rows = sum(1 for f in files for _ in f.open()) - len(files)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; {INDICATORS} indicators, {rows:,} rows")
    result = timed("import all files (first time)", lambda: import_files(files))
    assert getattr(result, "ok", False), getattr(result, "issues", None)
    timed("re-import the same files (no changes)", lambda: import_files(files))
    scorecard = Scorecard.objects.get(slug="bench")
    period = parse_period("2011-12-Q1")
    view = timed("assemble the scorecard (selector)", lambda: scorecard_view(scorecard, period), repeat=5)
    client = Client(HTTP_HOST="localhost")
    # Every page needs a signed-in account; a reader sees the scorecard and the indicator pages.
    client.force_login(user_create(username="bench", password=secrets.token_urlsafe(16), roles=[Role.READER]))

    def get(url: str) -> object:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    timed("render the scorecard page (HTTP)", lambda: get("/scorecards/bench/2011-12-Q1/"), repeat=3)
    timed("export CSV", lambda: exports.render(view, "csv"), repeat=3)  # type: ignore[arg-type]
    timed("export XLSX", lambda: exports.render(view, "xlsx"))  # type: ignore[arg-type]
    timed("export PDF", lambda: exports.render(view, "pdf"))  # type: ignore[arg-type]
    timed("indicator page with charts (HTTP)", lambda: get("/indicators/BENCH-0001/"), repeat=3)
    packs(scorecard, period)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak memory (RSS)':<48} {peak:9.1f} MB")
    return 0


def pages(pdf: bytes) -> str:
    """The PDF's page count, as poppler's pdfinfo reads it (or '?' on a machine without it)."""
    import shutil
    import subprocess

    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run([pdfinfo, file.name], capture_output=True, text=True, check=False).stdout  # noqa: S603
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def packs(scorecard: object, period: object) -> None:
    """The committee pack (cover report, scorecard and exception report) for the 400 indicators and for the demo, and
    the demo's meeting pack with every appendix."""
    from datetime import date

    from oversight.committee.exceptions import exception_report
    from oversight.committee.models import Meeting
    from oversight.committee.pack import CoverReport, Pack, meeting_pack, pack_docx, pack_pdf
    from oversight.demo.loader import demo_load
    from oversight.performance.models import Scorecard
    from oversight.performance.selectors import scorecard_view

    def pack_of(board: Scorecard) -> Pack:
        cover = CoverReport("A council", "Scrutiny committee", date(2011, 9, 20), "Director", "Performance report",
                            sections={"Report summary": "Quarter 1.", "Decision requested": "To note."})  # fmt: skip
        return Pack(cover, scorecard_view(board, period), exception_report(board, period))  # type: ignore[arg-type]

    def scorecard_pages(pack: Pack) -> str:
        """The pages of the compact scorecard appendix: a pack of the cover report and it alone, less the cover's."""
        alone, cover = pack_pdf(Pack(pack.cover, pack.scorecard)), pack_pdf(Pack(pack.cover))
        both = pages(alone), pages(cover)
        return "?" if "?" in both else str(int(both[0]) - int(both[1]))

    big = pack_of(scorecard)  # type: ignore[arg-type]
    timed(f"pack DOCX, {INDICATORS} indicators", lambda: pack_docx(big))
    pdf = timed(f"pack PDF, {INDICATORS} indicators", lambda: pack_pdf(big))
    print(f"{'  pages':<48} {pages(pdf):>9}")  # type: ignore[arg-type]
    print(f"{'  of which the scorecard appendix':<48} {scorecard_pages(big):>9}")
    assert demo_load().ok
    demo = pack_of(Scorecard.objects.get(slug="strategic"))
    timed("demo pack DOCX (32 indicators)", lambda: pack_docx(demo))
    pdf = timed("demo pack PDF (32 indicators)", lambda: pack_pdf(demo))
    print(f"{'  pages':<48} {pages(pdf):>9}")  # type: ignore[arg-type]
    print(f"{'  of which the scorecard appendix':<48} {scorecard_pages(demo):>9}")
    # The demo's meeting pack as `oversight pack build --body scrutiny --meeting 2011-09-20` builds it: the cover
    # report with all seven appendices (scorecard, trends, explanations, NEET table, exceptions, plan, actions).
    meeting = Meeting.objects.select_related("body").get(body__slug="scrutiny", date=date(2011, 9, 20))
    whole = timed("demo meeting pack, assembled", lambda: meeting_pack(meeting))
    timed("demo meeting pack DOCX (seven appendices)", lambda: pack_docx(whole))  # type: ignore[arg-type]
    pdf = timed("demo meeting pack PDF (seven appendices)", lambda: pack_pdf(whole))  # type: ignore[arg-type]
    print(f"{'  pages':<48} {pages(pdf):>9}")  # type: ignore[arg-type]
    council_packs(meeting)


def council_packs(meeting: object) -> None:
    """The demo's meeting pack assembled as the command line builds it (every council) and as a user of another
    council of an alliance does (ADR 26): the demo's scorecard is the service's own council's, its Q1 approved and
    its 2010-11 a draft, so that user's trends appendix is printed as not approved."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from oversight.committee.pack import meeting_pack
    from oversight.core.councils import EVERY_COUNCIL, council_scope

    other = council_scope(["E06000050"], "E06000049")
    for label, scope in (("every council", EVERY_COUNCIL), ("another council's user", other)):
        with CaptureQueriesContext(connection) as queries:
            built = timed(f"demo meeting pack, for {label}", lambda: meeting_pack(meeting, scope=scope), repeat=5)  # type: ignore[arg-type]  # noqa: B023
        held = ", ".join(kind.value for kind in built.not_approved) or "none"  # type: ignore[attr-defined]
        print(f"{'  queries; appendices not approved':<48} {len(queries) // 5:>9}; {held}")


if __name__ == "__main__":
    raise SystemExit(main())
