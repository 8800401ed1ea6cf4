"""The Django admin (off unless ADMIN_ENABLED): entered only through attune's own
sign-in, by staff who signed in with a second factor.

The admin has no password form of its own. Its login page sends people to the
app's sign-in, which goes through allauth: its rate limits, its lockout rules
and its two-step stage. A staff member whose session did not pass a second
factor gets a page saying what to do instead of the admin.
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    """Has this session passed one of the person's authenticators (TOTP, a
    recovery code or a passkey)? allauth records each way a session was
    authenticated."""
    user = request.user
    if not user.is_authenticated or not get_mfa_adapter().is_mfa_enabled(user):
        return False
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


class AdminSite(admin.AdminSite):
    site_header = "attune admin"
    site_title = "attune admin"

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and signed_in_with_second_factor(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect(f"{reverse('login')}?{urlencode({'next': self._next(request)})}")
        if self.has_permission(request):
            return redirect(self._next(request))
        context = {
            **self.each_context(request),
            "title": "Not available",
            "is_staff": user.is_active and user.is_staff,
            "has_authenticator": get_mfa_adapter().is_mfa_enabled(user),
        }
        return TemplateResponse(request, "admin/second_factor_required.html", context, status=403)

    def _next(self, request: HttpRequest) -> str:
        """Where to go after signing in: an admin page on this site, or the admin's index."""
        index = reverse("admin:index", current_app=self.name)
        wanted = request.GET.get("next", "")
        safe = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()})
        return wanted if safe and wanted.startswith(index) else index
