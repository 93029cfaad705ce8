"""Roles and what each may do. Pure data: the access rules and the tests read it."""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    VIEW = "view"  # read everything published internally
    EDIT_DATA = "edit_data"  # values, targets, imports, the catalogue
    EDIT_COMMENTARY = "edit_commentary"  # commentary (owners: on their own indicators only)
    APPROVE = "approve"  # sign off quarters and recommendations
    ADMINISTER = "administer"  # users, roles, the admin site, the audit trail
    VIEW_CASES = "view_cases"  # drill through to pseudonymised child-level records
    MANAGE_COMMITTEE = "manage_committee"  # bodies, meetings, work programmes, the forward plan, resolutions


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    PERFORMANCE_OFFICER = "performance officer"
    OWNER = "owner"
    APPROVER = "approver"
    CLERK = "clerk"
    READER = "reader"
    CASE_ACCESS = "case-level access"  # a permission held alongside a role, never alone

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMINISTRATOR: frozenset(
        {
            Capability.VIEW,
            Capability.EDIT_DATA,
            Capability.EDIT_COMMENTARY,
            Capability.APPROVE,
            Capability.ADMINISTER,
            Capability.MANAGE_COMMITTEE,
        }
    ),
    Role.PERFORMANCE_OFFICER: frozenset(
        {Capability.VIEW, Capability.EDIT_DATA, Capability.EDIT_COMMENTARY, Capability.MANAGE_COMMITTEE}
    ),
    Role.CLERK: frozenset({Capability.VIEW, Capability.MANAGE_COMMITTEE}),
    Role.OWNER: frozenset({Capability.VIEW, Capability.EDIT_COMMENTARY}),
    Role.APPROVER: frozenset({Capability.VIEW, Capability.APPROVE}),
    Role.READER: frozenset({Capability.VIEW}),
    Role.CASE_ACCESS: frozenset({Capability.VIEW_CASES}),
}

# Roles whose edit rights reach only what is assigned to them.
OWN_ONLY: dict[Capability, frozenset[Role]] = {Capability.EDIT_COMMENTARY: frozenset({Role.OWNER})}

_DESCRIPTIONS = {
    Role.ADMINISTRATOR: "Manages users and roles, and can do everything a performance officer and approver can.",
    Role.PERFORMANCE_OFFICER: "Keeps the catalogue, loads data and targets, imports files, writes commentary, and "
    "keeps committee business too, since in a small council the officer who writes the report also tracks it.",
    Role.OWNER: "Updates commentary on the indicators assigned to them, and nothing else.",
    Role.APPROVER: "Signs off quarters and recommendations.",
    Role.CLERK: "Keeps committee business (meetings, agendas, work programmes, the forward plan, resolutions and "
    "their follow-up) and reads everything else; changes no figure. For democratic services officers.",
    Role.READER: "Reads everything published internally; changes nothing. For councillors and observers.",
    Role.CASE_ACCESS: "May see the pseudonymised child-level records behind a computed figure.",
}


def capabilities_of(roles: set[Role], *, superuser: bool = False) -> frozenset[Capability]:
    """What ``roles`` allow. A superuser (made with Django's createsuperuser) may do everything but see case-level
    records: that needs the case-level access role, granted through oversight's own audited service."""
    granted: set[Capability] = set()
    for role in roles:
        granted |= ROLE_CAPABILITIES[role]
    if superuser:
        granted |= set(Capability) - {Capability.VIEW_CASES}
    return frozenset(granted)
