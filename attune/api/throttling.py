from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle, UserRateThrottle
from rest_framework.views import APIView


class WriteRateThrottle(ScopedRateThrottle):
    """The view's `throttle_scope` limits writes per person; reads stay free."""

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        # Read the rates now, not at import, so that settings changes apply.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "")
        return None if rate is None else str(rate)


class PasswordCheckThrottle(UserRateThrottle):
    """A few password checks a minute per person on the view's DELETE (erasing
    the account asks for the password), as allauth limits password changes.

    It runs before the view, so a guess past the limit is refused before any
    password is hashed: guessing costs the server nothing once it is cut off.
    """

    scope = "password_check"

    def allow_request(self, request: Request, view: APIView) -> bool:
        if request.method != "DELETE":
            return True
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if rate is None else str(rate)
