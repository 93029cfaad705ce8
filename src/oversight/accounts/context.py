from __future__ import annotations

from django.http import HttpRequest

from oversight.accounts.services import user_capabilities, user_roles


def access(request: HttpRequest) -> dict[str, object]:
    """``can`` holds the signed-in user's capabilities by name, for showing only the links they may follow."""
    user = getattr(request, "user", None)
    return {
        "can": {capability.value for capability in user_capabilities(user)},
        "roles": sorted(role.value for role in user_roles(user)),
    }
