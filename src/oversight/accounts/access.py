"""Who may open which page. Every URL name has a rule here; a page without one is refused (and fails the tests)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template.loader import render_to_string

from oversight.accounts.roles import Capability
from oversight.accounts.services import user_capabilities

PUBLIC = "public"
Rule = Capability | str

RULES: dict[str, Rule] = {
    "sign-in": PUBLIC,
    "sign-out": PUBLIC,
    "static": PUBLIC,
    "performance:home": Capability.VIEW,
    "performance:scorecard-latest": Capability.VIEW,
    "performance:scorecard": Capability.VIEW,
    "performance:scorecard-export": Capability.VIEW,
    "performance:trend": Capability.VIEW,
    "performance:signoff": Capability.VIEW,  # every reader sees where a period stands; each step checks its role
    "performance:indicator": Capability.VIEW,
    "performance:glossary": Capability.VIEW,
    "performance:import-template": Capability.VIEW,
    "performance:indicator-edit": Capability.EDIT_DATA,
    "performance:commentary-edit": Capability.EDIT_COMMENTARY,  # owners: their own indicators (checked in the view)
    "performance:import": Capability.EDIT_DATA,
    # Inspections and improvement plans: anyone may read; progress and the evidence matrix need EDIT_DATA;
    # board decisions (sign-off) need APPROVE.
    "improvement:inspections": Capability.VIEW,
    "improvement:inspection": Capability.VIEW,
    "improvement:area-history": Capability.VIEW,
    "improvement:plans": Capability.VIEW,
    "improvement:plan": Capability.VIEW,
    "improvement:plan-export": Capability.VIEW,
    "improvement:recommendation": Capability.VIEW,
    "improvement:checkpoint-edit": Capability.EDIT_DATA,
    "improvement:action-edit": Capability.EDIT_DATA,
    "improvement:plan-import": Capability.EDIT_DATA,
    "improvement:evidence-add": Capability.EDIT_DATA,
    "improvement:decision": Capability.APPROVE,
    "improvement:due-revise": Capability.APPROVE,  # a service manager agrees a new date, as an approver
    "benchmarks:home": Capability.VIEW,
    "benchmarks:indicator": Capability.VIEW,
    "benchmarks:link-edit": Capability.EDIT_DATA,
    "benchmarks:import": Capability.EDIT_DATA,
    "accounts:audit": Capability.ADMINISTER,
    "accounts:audit-export": Capability.ADMINISTER,
    # casework: the measure pages for every reader; child-level records only with case-level access
    "committee:exceptions": Capability.VIEW,
    "committee:meeting-pack": Capability.VIEW,
    "committee:exceptions-export": Capability.VIEW,
    # Committee business: anyone may read; clerks (and performance officers) keep it.
    "committee:bodies": Capability.VIEW,
    "committee:body": Capability.VIEW,
    "committee:meeting": Capability.VIEW,
    "committee:work-item-add": Capability.MANAGE_COMMITTEE,
    "committee:work-item-edit": Capability.MANAGE_COMMITTEE,
    "committee:resolution-add": Capability.MANAGE_COMMITTEE,
    "committee:resolution-edit": Capability.MANAGE_COMMITTEE,
    "committee:item-report": Capability.MANAGE_COMMITTEE,
    "committee:import": Capability.MANAGE_COMMITTEE,
    # A plan's highlight report: anyone may read it; its highlights, challenges and risks are plan data.
    "committee:highlight-reports": Capability.VIEW,
    "committee:highlight-report": Capability.VIEW,
    "committee:highlight-report-download": Capability.VIEW,
    "committee:highlight-entry-add": Capability.EDIT_DATA,
    "committee:highlight-report-new": Capability.EDIT_DATA,
    "casework:measures": Capability.VIEW,
    "casework:measure": Capability.VIEW,
    # The alliance's members side by side: approved figures, for every reader (drafts only to their own council's).
    "casework:alliance": Capability.VIEW,
    "casework:alliance-export": Capability.VIEW,
    "casework:records": Capability.VIEW_CASES,
    "casework:watch": Capability.VIEW_CASES,
    "casework:quality": Capability.VIEW_CASES,
    "casework:quality-records": Capability.VIEW_CASES,
    # A council's start loads returns and makes a scorecard: what performance officers do.
    "onboarding:start": Capability.EDIT_DATA,
    "onboarding:job": Capability.EDIT_DATA,
    # The REST API (/api/v1/): the rule is what a read needs; a write needs API_WRITE_RULES's, and a token whose
    # scope allows it. The API checks both itself, since its clients present tokens rather than sign in.
    "api:openapi-json": PUBLIC,  # the document that describes the API, as committed under docs/
    "api:api-root": PUBLIC,  # /api/v1/ itself: nothing there (404); the framework names it to find the rest
    "api:scorecards": Capability.VIEW,
    "api:periods": Capability.VIEW,
    "api:ratings": Capability.VIEW,
    "api:signoff": Capability.VIEW,
    "api:indicators": Capability.VIEW,
    "api:indicator": Capability.VIEW,
    "api:observations": Capability.VIEW,
    "api:observation": Capability.VIEW,
    "api:observations-bulk": Capability.EDIT_DATA,
    "api:targets": Capability.VIEW,
    "api:comparators": Capability.VIEW,
    "api:commentary": Capability.VIEW,
    "api:commentary-item": Capability.VIEW,
    "api:breakdowns": Capability.VIEW,
    "api:benchmark-values": Capability.VIEW,
    "api:plans": Capability.VIEW,
    "api:recommendations": Capability.VIEW,
    "api:actions": Capability.VIEW,
    "api:checkpoints": Capability.VIEW,
    "api:feed": Capability.VIEW,
    "api:feed-csv": Capability.VIEW,
    "api:case-records": Capability.VIEW_CASES,  # and, for a token, its case-level scope
}
API_WRITE_RULES: dict[str, Capability] = {
    "api:observation": Capability.EDIT_DATA,
    "api:observations-bulk": Capability.EDIT_DATA,
    "api:commentary-item": Capability.EDIT_COMMENTARY,  # owners: their own indicators (checked by the API)
}
# Every page of the admin site needs the administrator role (the admin also checks is_staff itself).
NAMESPACE_RULES: dict[str, Rule] = {"admin": Capability.ADMINISTER}


def rule_for(view_name: str) -> Rule | None:
    if view_name in RULES:
        return RULES[view_name]
    namespace = view_name.split(":", 1)[0] if ":" in view_name else ""
    return NAMESPACE_RULES.get(namespace)


def forbidden(request: HttpRequest, message: str) -> HttpResponse:
    body = render_to_string("accounts/forbidden.html", {"message": message}, request=request)
    return HttpResponseForbidden(body)


class AccessMiddleware:
    """Sign-in for every page except those marked public, then the capability the page's rule asks for."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> HttpResponse | None:
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name.startswith("api:"):
            return None  # the API authenticates tokens as well as sessions, and applies this table itself
        rule = rule_for(view_name)
        if rule is None:
            return forbidden(request, "This page has no access rule, so it is closed to everyone.")
        if rule == PUBLIC:
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if Capability(rule) not in user_capabilities(request.user):
            return forbidden(request, refusal_words(Capability(rule)))
        return None


def refusal_words(capability: Capability) -> str:
    """Why a page or an API request is refused to someone without ``capability``, and whom to ask."""
    return {
        Capability.VIEW: "Your account has no role yet. Ask an administrator to give you one.",
        Capability.EDIT_DATA: "Only performance officers and administrators can change figures, targets and imports.",
        Capability.EDIT_COMMENTARY: "Only indicator owners, performance officers and administrators can edit "
        "commentary.",
        Capability.APPROVE: "Only approvers can sign off.",
        Capability.ADMINISTER: "Only administrators can open this page.",
        Capability.VIEW_CASES: "Only users with case-level access can see child-level records.",
        Capability.MANAGE_COMMITTEE: "Only clerks, performance officers and administrators can change committee "
        "business.",
    }[capability]


class SecurityHeadersMiddleware:
    """A strict Content Security Policy: oversight's pages run no script and load nothing from elsewhere."""

    POLICY = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith("/admin/"):  # the admin site ships its own inline scripts
            response.setdefault("Content-Security-Policy", self.POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        response.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
