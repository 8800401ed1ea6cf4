"""Signed-in devices: sessions that stay while used, and ending them safely.

A session (a browser's cookie or an app's X-Session-Token, which is a session
key) lives `SESSION_COOKIE_AGE` from its last use rather than from sign-in.
Renewing it is a write, so it happens at most once per `SEEN_EVERY`, and the same
write tells allauth's device list when the device was last seen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from allauth.account.internal.flows.reauthentication import (
    raise_if_reauthentication_required,
)
from allauth.headless.usersessions.views import SessionsView
from allauth.usersessions.models import UserSession
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

SEEN_KEY = "attune_seen"
SEEN_EVERY = timedelta(minutes=5)


def session_touch(*, session: SessionBase) -> bool:
    """Renew `session`'s expiry and its device's last-seen time when they are stale.

    Returns whether anything changed. A cookie session is then saved by Django's
    SessionMiddleware (it sees the change); the caller saves a token session.
    """
    now = timezone.now()
    seen = session.get(SEEN_KEY)
    if seen is not None and now.timestamp() - seen < SEEN_EVERY.total_seconds():
        return False
    session[SEEN_KEY] = int(now.timestamp())
    session.set_expiry(None)  # SESSION_COOKIE_AGE from the next save
    if session.session_key:
        UserSession.objects.filter(session_key=session.session_key).update(last_seen_at=now)
    return True


class SessionTouchMiddleware:
    """Keeps a signed-in browser's session alive while it is used."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # Only a cookie session: an app's token session is renewed where the
        # token is read (attune.api.authentication).
        if (
            session is not None
            and user is not None
            and user.is_authenticated
            and not request.headers.get("X-Session-Token")
        ):
            session_touch(session=session)
        return response


class ReauthenticatedSessionsView(SessionsView):
    """allauth's signed-in devices, where ending sessions needs a recent password.

    Ending every other session is what someone does after a phone was borrowed;
    it must not be what the borrower can do to the owner.
    """

    def delete(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        raise_if_reauthentication_required(request, app="allauth.account")
        return super().delete(request, *args, **kwargs)
