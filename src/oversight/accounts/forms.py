from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from oversight.accounts.services import sign_in_locked, sign_in_record


def client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


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
