from __future__ import annotations

import ipaddress
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from oversight.accounts.services import sign_in_locked, sign_in_record


def client_ip(request: Any) -> str | None:
    """The address a request came from, which lockout counts failures by.

    Behind a reverse proxy every connection comes from the proxy, which would let one person's failures refuse the
    address everyone signs in from. A proxy named in OVERSIGHT_TRUSTED_PROXIES appends the address it was reached
    from to X-Forwarded-For; the client is the last address there that is not one of the proxies (what comes before
    it the client may have written). Any other request, and a header that holds no address, is counted by the
    connection's own address.
    """
    if request is None:
        return None
    address: str | None = request.META.get("REMOTE_ADDR")
    trusted = set(settings.OVERSIGHT_TRUSTED_PROXIES)
    if address not in trusted:
        return address
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    while hops and hops[-1] in trusted:
        hops.pop()
    try:
        return str(ipaddress.ip_address(hops[-1])) if hops else address
    except ValueError:
        return address


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with lockout after repeated failures and every attempt recorded."""

    def clean(self) -> dict[str, Any]:
        username = str(self.cleaned_data.get("username") or "")
        ip = client_ip(self.request)
        if username and sign_in_locked(username, ip):
            sign_in_record(username=username, ip_address=ip, succeeded=False, refused=True)
            raise forms.ValidationError(
                f"This account is locked for {settings.OVERSIGHT_LOCKOUT_MINUTES} minutes after repeated failed "
                "sign-ins from this address. Try again later, or ask an administrator.",
                code="locked",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username:
                sign_in_record(username=username, ip_address=ip, succeeded=False)
            raise
        sign_in_record(username=username, ip_address=ip, succeeded=True, user=self.get_user())
        return cleaned
