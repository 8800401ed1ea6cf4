from allauth.headless.contrib.rest_framework.authentication import XSessionTokenAuthentication
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.request import Request


class SessionTokenAuthentication(XSessionTokenAuthentication):
    """allauth's app-client token, answering 401 (not 403) when it is missing or bad.

    DRF only answers 401 when the first authentication class names a
    `WWW-Authenticate` challenge; allauth's class names none.
    """

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
