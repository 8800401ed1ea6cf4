from typing import Any

from allauth.core.internal.sessionkit import get_session_user
from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from allauth.headless.internal.sessionkit import lookup_session
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.request import Request

from accounts.sessions import session_touch


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's app-client token, answering 401 (not 403) when it is missing or bad.

    DRF only answers 401 when the first authentication class names a
    `WWW-Authenticate` challenge; allauth's class names none.

    The token is a session key (allauth's default session-token strategy, which
    attune uses). The strategy first asks whether the session exists, then loads
    it: two queries on every API request. Loading alone tells the same, since a
    missing or expired session comes back without its key; allauth's own
    `lookup_session` does exactly that.

    A token in use keeps its session alive (accounts.sessions), so an app stays
    signed in while it is used and ends `SESSION_COOKIE_AGE` after its last use.
    """

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        token = self.get_session_token(request)
        if not token:
            return None
        session = lookup_session(token)
        if session is None:
            return None
        user = get_session_user(session)
        if user is None:
            return None
        if session_touch(session=session):
            session.save()
        return (user, session)

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
