from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.http import HttpRequest
from django.utils.crypto import get_random_string

from accounts.devices import device_name


class AccountAdapter(DefaultAccountAdapter):
    """attune's allauth adapter: users carry no username, and an account's
    existence shows neither in an answer nor in its timing."""

    def populate_username(self, request, user):  # type: ignore[no-untyped-def]
        return None

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # attune's own email templates (attune/templates/) sign with the site's address.
        context = {**context, "site_url": settings.SITE_URL}
        if "user_agent" in context:
            # A security notice names the device in our words, never the header as sent.
            context["user_agent"] = device_name(context["user_agent"])
        super().send_mail(template_prefix, email, context)

    def send_account_already_exists_mail(self, email: str) -> None:
        # A new account costs one password hash; without one here, a taken
        # email would answer signup hundreds of milliseconds sooner than a new one.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed passwords per address; counting them per address
        # *and* client means a stranger who knows my email spends only their own
        # attempts, not mine. A sign-in by emailed code stays open regardless.
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:" + (
            self.get_client_ip(request)
        )
