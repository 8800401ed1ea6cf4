from typing import cast

from rest_framework.request import Request

from accounts.models import User


def caller(request: Request) -> User:
    """The signed-in person. Every API view requires authentication by default."""
    if not request.user.is_authenticated:
        raise AssertionError("API views run only for authenticated callers")
    return cast(User, request.user)
