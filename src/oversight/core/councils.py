"""Which councils' case-level records, drafts and unapproved figures a user may see: one rule for every page, the API
and the commands (ADR 26).

A user belongs to the councils of their memberships. A user with none belongs to the service's own council
(``OVERSIGHT_COUNCIL``); when the service does not name its council either, the service is a single council and
the user sees every council's records, as before memberships existed. Anything that names no council (a scorecard
without one) is the service's own council's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

# A council's ONS code: E06000049 (a letter for England, Wales, Scotland or Northern Ireland; the demo's synthetic
# councils, which are no country's, have Z99000001 and Z99000002).
ONS_CODE = r"^[A-Z]\d{8}$"
ONS_CODE_WORDS = "A council's ONS code is a letter and eight digits, as E06000049."


@dataclass(frozen=True)
class CouncilScope:
    """The councils whose records, drafts and unapproved figures a user may see; ``councils`` None for every one."""

    councils: frozenset[str] | None
    own: str  # the service's own council ('' when it names none)

    def allows(self, la: str | None) -> bool:
        """Whether the user may see what belongs to council ``la`` (its ONS code; empty or None: the service's own)."""
        council = la or self.own
        if self.councils is None or not council:
            return True
        return council in self.councils

    def figures_visible(self, la: str | None, *, approved: bool) -> bool:
        """Whether a scorecard's figures for a period may be shown: approved figures to every reader, drafts and
        unapproved figures only to the members of the scorecard's council."""
        return approved or self.allows(la)

    def business_visible(self, la: str | None, *, public: bool) -> bool:
        """Whether a council's committee business may be read: its public business (bodies, meetings, agendas, work
        programmes, resolutions and the packs of Part 1 items, published as the law requires) by every reader, the
        rest (a Part 2 pack, a report being written, highlight reports, start jobs) only by its members. Changing
        any of it is for its members alone (``allows``)."""
        return public or self.allows(la)

    @property
    def home(self) -> str:
        """The council what the user starts belongs to: '' (the service's own) when they see every council or
        belong to the service's own, else the first of their councils by ONS code."""
        if self.councils is None or self.own in self.councils:
            return ""
        return min(self.councils)


# The command line's scope: it is run by the service's administrator, who is not limited (as an import is not).
EVERY_COUNCIL = CouncilScope(None, "")


def council_scope(memberships: Iterable[str], own: str) -> CouncilScope:
    """A user's scope from the ONS codes of their memberships and the service's own council's code ('' if none)."""
    members = frozenset(code for code in memberships if code)
    if members:
        return CouncilScope(members, own)
    if own:
        return CouncilScope(frozenset({own}), own)
    return CouncilScope(None, own)
