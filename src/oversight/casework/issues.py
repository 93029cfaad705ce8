"""Problems found in input files, each said so that the person fixing the file knows where and what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Issue:
    """A problem with one file, and where known its row (as a spreadsheet numbers it) and field, or for XML the
    path of the element (``/Message/Children/Child[3]/CINdetails[1]/CINreferralDate``) in ``field``."""

    file: str
    row: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.field and self.field.startswith("/"):  # an XML path, which names the field at its end
            return f"{where}, at {self.field}: {self.message}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.field:
            where += f", field '{self.field}'"
        return f"{where}: {self.message}"


class CaseworkError(Exception):
    """A request the casework engine cannot carry out; the message says what to do instead."""


class OutdatedStoreError(CaseworkError):
    """The store was made by another version of oversight, whose tables this one does not read."""
