from collections.abc import Sequence
from typing import cast

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.request import Request

from accounts.models import User
from attune.errors import Invalid


def caller(request: Request) -> User:
    """The signed-in person. Every API view requires authentication by default."""
    if not request.user.is_authenticated:
        raise AssertionError("API views run only for authenticated callers")
    return cast(User, request.user)


def choice_param(request: Request, name: str, choices: Sequence[str]) -> str | None:
    """The query parameter `name`, None when absent; any value outside `choices`
    is a 400 naming the parameter."""
    value = request.query_params.get(name)
    if value is not None and value not in choices:
        raise Invalid(f"One of: {', '.join(choices)}.", code="invalid_choice", param=name)
    return value


@csrf_exempt
def not_found(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """404 in the shared shape (attune.middleware), whatever the method."""
    raise Http404
