"""Whose address a request comes from: what per-address limits, the failed
sign-in limit and the devices list count by. X-Forwarded-For is believed only
as far as TRUSTED_PROXY_COUNT says proxies wrote it."""

from __future__ import annotations

from allauth.account.adapter import get_adapter
from django.conf import settings as configured
from django.test import RequestFactory
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


def addresses(xff: str) -> tuple[str | None, str]:
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=xff)
    return get_adapter().get_client_ip(request), ScopedRateThrottle().get_ident(Request(request))


def test_without_a_proxy_a_client_cannot_name_its_own_address() -> None:
    assert addresses("203.0.113.7") == ("10.0.0.2", "10.0.0.2")


def test_behind_one_proxy_the_address_it_added_counts(settings) -> None:  # type: ignore[no-untyped-def]
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api_settings.reload()
    try:
        # The client's own claim comes first; the proxy appends what it saw.
        assert addresses("198.51.100.1, 203.0.113.7") == ("203.0.113.7", "203.0.113.7")
    finally:
        settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
        api_settings.reload()


def test_one_setting_reaches_both_libraries() -> None:
    assert configured.ALLAUTH_TRUSTED_PROXY_COUNT == configured.TRUSTED_PROXY_COUNT
    assert api_settings.NUM_PROXIES == configured.TRUSTED_PROXY_COUNT
