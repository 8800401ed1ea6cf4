"""One error body for every API response, the same as django-allauth's:

{"status": 400, "errors": [{"code": "invalid", "message": "…", "param": "title"}]}
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse, RateLimited, ReauthenticationRequired
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from attune.errors import DomainError

logger = logging.getLogger("attune.api")

STATUS_CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    410: "gone",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
    500: "server_error",
}


def error_item(code: str, message: str, param: str | None = None) -> dict[str, str]:
    item = {"code": code, "message": message}
    if param:
        item["param"] = param
    return item


def error_body(status_code: int, errors: list[dict[str, str]]) -> dict[str, Any]:
    return {"status": status_code, "errors": errors}


def error_response(
    status_code: int, message: str, *, code: str | None = None, param: str | None = None
) -> JsonResponse:
    """For plain Django views and middleware, outside DRF."""
    code = code or STATUS_CODES.get(status_code, "error")
    return JsonResponse(
        error_body(status_code, [error_item(code, message, param)]), status=status_code
    )


def flatten_detail(detail: Any, param: str | None = None) -> list[dict[str, str]]:
    """Walk DRF's nested error detail into flat items with dotted `param` paths."""
    if isinstance(detail, dict):
        items: list[dict[str, str]] = []
        for key, value in detail.items():
            if key in ("non_field_errors", "detail"):
                child = param
            else:
                child = f"{param}.{key}" if param else str(key)
            items.extend(flatten_detail(value, child))
        return items
    if isinstance(detail, list):
        items = []
        for index, value in enumerate(detail):
            # A list of plain messages belongs to the field itself; a list of
            # nested objects is indexed.
            child = f"{param}.{index}" if isinstance(value, dict | list) else param
            items.extend(flatten_detail(value, child))
        return items
    code = getattr(detail, "code", None) or "invalid"
    return [error_item(str(code), str(detail), param)]


# allauth answers by raising these; attune.middleware gives each allauth's answer.
ALLAUTH_ANSWERS = (ImmediateHttpResponse, RateLimited, ReauthenticationRequired)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ALLAUTH_ANSWERS):
        set_rollback()
        return None  # DRF raises it on, to the middleware
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(
            error_body(exc.status, [error_item(exc.code, exc.message, exc.param)]),
            status=exc.status,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        set_rollback()
        logger.error("Unhandled error in %s", type(context.get("view")).__name__, exc_info=exc)
        return Response(
            error_body(500, [error_item("server_error", "Something went wrong on our side.")]),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_detail(exc.detail)
    else:
        detail = getattr(exc, "detail", str(exc))
        code = getattr(detail, "code", None) or STATUS_CODES.get(response.status_code, "error")
        errors = [error_item(str(code), str(detail))]
    response.data = error_body(response.status_code, errors)
    return response
