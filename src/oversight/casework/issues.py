"""Problems found in the DfE returns, and the errors of the casework engine."""

from __future__ import annotations

from oversight.core.problems import ApplicationError, Issue, Severity


def field_issue(file: str, row: int | None, field: str | None, message: str, *, severity: Severity = "error") -> Issue:
    """A problem with a return, and where known its row (as a spreadsheet numbers it) and field, or for XML the
    path of the element (``/Message/Children/Child[3]/CINdetails[1]/CINreferralDate``) in ``field``: the
    returns call their columns fields."""
    return Issue(file, row, field, message, word="field", severity=severity)


class CaseworkError(ApplicationError):
    """A request the casework engine cannot carry out; the message says what to do instead."""


class OutdatedStoreError(CaseworkError):
    """The store was made by another version of oversight, whose tables this one does not read."""
