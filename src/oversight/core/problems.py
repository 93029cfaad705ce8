"""Problems found in input files and requests that cannot be carried out, said one way wherever they are shown.

Every importer and reader (the scorecard's tables, action plans, published statistics, the DfE returns)
reports an ``Issue``; every import or load returns a result built on ``ImportResult``; the command line prints
the problems of any of them with ``rejected_lines``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]
PlaceWord = Literal["column", "field"]


@dataclass(frozen=True)
class Issue:
    """A problem with one file, and where known its row (as a spreadsheet numbers it) and place in the row.

    The place is a column of a table (``word`` 'column', the scorecard's import format), a field of a DfE
    return (``word`` 'field'), or, for XML, the path of the element
    (``/Message/Children/Child[3]/CINdetails[1]/CINreferralDate``), which names the field at its end and says
    where better than a row. A warning is worth saying but does not reject the file.
    """

    file: str
    row: int | None
    place: str | None
    message: str
    word: PlaceWord = "column"
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file
        if self.place and self.place.startswith("/"):
            return f"{where}, at {self.place}: {self.message}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.place:
            where += f", {self.word} '{self.place}'"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    """What an import or load did: the files and rows read and every problem that stopped it (then nothing
    was written). The specific results add what they count."""

    files: int = 0
    rows: int = 0
    issues: list[Issue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.issues


def rejected_lines(issues: Sequence[Issue], *, done: str = "imported", limit: int | None = None) -> list[str]:
    """Say that nothing was ``done`` and list the problems (the first ``limit`` of them), a line each."""
    lines = [f"Nothing was {done}: {len(issues)} problem(s) to fix first."]
    lines.extend(f"  {issue}" for issue in (issues if limit is None else issues[:limit]))
    if limit is not None and len(issues) > limit:
        lines.append(f"  … and {len(issues) - limit} more.")
    return lines


class ApplicationError(Exception):
    """A request that cannot be carried out; the message says what to do instead. Each part of oversight
    raises its own kind of it, so a caller can catch one part's errors or all of them."""
