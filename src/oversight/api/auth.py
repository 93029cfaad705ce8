"""Who is calling the API and whether they may: a token for a machine client, the session for the browser.

Either way, the access table (``oversight.accounts.access``) decides: its rule for the address for a read, its
write rule for a write. A token acts as its account, narrowed by its scope: a read token writes nothing, and only
a token with the case-level scope reaches child-level records."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from oversight.accounts.access import API_WRITE_RULES, PUBLIC, refusal_words, rule_for
from oversight.accounts.roles import Capability
from oversight.accounts.services import user_can
from oversight.api.models import ApiToken
from oversight.api.problems import ProblemError
from oversight.api.services import token_find, token_use

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Caller:
    user: User
    token: ApiToken | None  # None for a browser session

    def may(self, capability: Capability, obj: Any = None) -> bool:
        """Whether the caller may do ``capability`` (on ``obj``, for rules that reach only what a user owns)."""
        return user_can(self.user, capability, obj)


def _authorise(request: HttpRequest, caller: Caller) -> Caller:
    """Refuse the request unless the access table allows it to the caller's account and the token's scope."""
    match = request.resolver_match
    view_name = match.view_name if match is not None else ""
    write = request.method not in SAFE_METHODS
    rule = API_WRITE_RULES.get(view_name, rule_for(view_name)) if write else rule_for(view_name)
    if rule is None:
        raise ProblemError(403, "This address has no access rule, so it is closed to everyone.")
    if rule == PUBLIC:
        return caller
    capability = Capability(rule)
    if write and caller.token is not None and caller.token.scope != ApiToken.Scope.WRITE:
        raise ProblemError(403, "This token may only read. An administrator can create one that may write.")
    if capability is Capability.VIEW_CASES and caller.token is not None and not caller.token.case_level:
        raise ProblemError(403, "This token has no case-level scope, so it cannot read child-level records.")
    if not caller.may(capability):
        raise ProblemError(403, refusal_words(capability))
    return caller


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ovs_…``: a token an administrator created for a machine client."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = token_find(token)
        if found is None:
            return None
        wait = token_use(found)
        if wait:
            limit = settings.OVERSIGHT_API_REQUESTS_PER_MINUTE
            raise ProblemError(
                429,
                f"This token has made more than {limit} requests this minute; wait {wait} seconds.",
                headers={"Retry-After": str(wait)},
            )
        request.user = found.user  # the services and the audit trail name the token's account
        return _authorise(request, Caller(found.user, found))


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session; a write must carry the CSRF token, as a form on the pages does."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # The CSRF check is made only for a signed-in session: a request without one is not the browser's, and is
        # answered 401 rather than with a CSRF refusal.
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> Caller | None:
        user = request.user
        if not user.is_authenticated or not isinstance(user, User):
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ProblemError(403, "The CSRF token is missing or wrong; reload the page and try again.")
        return _authorise(request, Caller(user, None))
