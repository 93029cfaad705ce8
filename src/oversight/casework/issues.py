"""Problems found in input files, each said so that the person fixing the file knows where and what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """A problem with one file, and where known its row (as a spreadsheet numbers it) or XML path, and field."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class CaseworkError(Exception):
    """A request the casework engine cannot carry out; the message says what to do instead."""
