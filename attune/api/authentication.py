from typing import Any

from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.request import Request

from accounts.sessions import session_touch


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's app-client token, answering 401 (not 403) when it is missing or bad.

    DRF only answers 401 when the first authentication class names a
    `WWW-Authenticate` challenge; allauth's class names none.

    The token is a session key (allauth's default session-token strategy, which
    attune uses), looked up through allauth's public class. Its strategy first
    asks whether the session exists, then loads it; with the cached_db sessions
    both are cache reads. Measured in-process on PostgreSQL and Redis against a
    single load through allauth's internal `lookup_session` (bench/RESULTS.md,
    issue 12, "Back to framework idioms"): the same one query (the user row),
    0.57 against 0.51 ms CPU per request, one Redis round trip more.

    A token in use keeps its session alive (accounts.sessions), so an app stays
    signed in while it is used and ends `SESSION_COOKIE_AGE` after its last use.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        signed_in = super().authenticate(request)
        if signed_in is None:
            return None
        _user, session = signed_in
        if session_touch(session=session):
            session.save()
        return signed_in

    def authenticate_header(self, request: Request) -> str:
        return 'X-Session-Token realm="api"'


class SessionTokenScheme(OpenApiAuthenticationExtension):
    target_class = "attune.api.authentication.SessionTokenAuthentication"
    name = "sessionToken"

    def get_security_definition(self, auto_schema):  # type: ignore[no-untyped-def]
        return {
            "type": "apiKey",
            "in": "header",
            "name": "X-Session-Token",
            "description": "The session token from /_allauth/app/v1/auth/login or signup.",
        }
