"""One error body for every API response, the same as django-allauth's:

{"status": 400, "errors": [{"code": "invalid", "message": "…", "param": "title"}]}
"""

from __future__ import annotations

import logging
import re
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


# The framework's stock sentences, each with what attune says instead. Keyed by the
# framework's own English text (with its placeholders), so a message attune wrote
# itself is never rewritten, and every `code` stays as it was.
IN_OUR_VOICE = {
    # DRF's fields
    "This field is required.": "Please fill this in.",
    "This field may not be null.": "Please fill this in.",
    "This field may not be blank.": "Please write something here.",
    "Ensure this field has no more than {max_length} characters.": (
        "That's a little long: please keep it to {max_length} characters or fewer."
    ),
    "Ensure this field has at least {min_length} characters.": (
        "Please write at least {min_length} characters."
    ),
    "Ensure this field has no more than {max_length} elements.": (
        "Please send at most {max_length} at a time."
    ),
    "Ensure this field has at least {min_length} elements.": ("Please send at least {min_length}."),
    "Ensure this value is less than or equal to {max_value}.": (
        "Please choose {max_value} or less."
    ),
    "Ensure this value is greater than or equal to {min_value}.": (
        "Please choose {min_value} or more."
    ),
    "Not a valid string.": "Please write this as text.",
    "Enter a valid email address.": "That doesn't look like an email address.",
    "Must be a valid UUID.": "That isn't an id we know.",
    "Must be a valid boolean.": "Please answer yes or no here.",
    "A valid integer is required.": "Please give a whole number.",
    "A valid number is required.": "Please give a number.",
    '"{input}" is not a valid choice.': "Please choose one of the options.",
    'Expected a list of items but got type "{input_type}".': "Please send a list here.",
    "This list may not be empty.": "Please choose at least one.",
    "This field may not be empty.": "Please choose at least one.",
    "Datetime has wrong format. Use one of these formats instead: {format}.": (
        "Please give a date and time with its timezone, such as 2026-05-01T09:30:00+02:00."
    ),
    "Date has wrong format. Use one of these formats instead: {format}.": (
        "Please give a date such as 2026-05-01."
    ),
    "Time has wrong format. Use one of these formats instead: {format}.": (
        "Please give a time such as 09:30."
    ),
    "Invalid data. Expected a dictionary, but got {datatype}.": "Please send a JSON object.",
    'Invalid pk "{pk_value}" - object does not exist.': (
        "There's nothing here: it may have been removed, or it isn't yours to see."
    ),
    # DRF's and Django's answers
    "Not found.": "There's nothing here: it may have been removed, or it isn't yours to see.",
    "No {verbose_name} matches the given query.": (
        "There's nothing here: it may have been removed, or it isn't yours to see."
    ),
    "Authentication credentials were not provided.": "Please sign in to continue.",
    "Incorrect authentication credentials.": "Please sign in again to continue.",
    "You do not have permission to perform this action.": "This isn't available to you.",
    'Method "{method}" not allowed.': "This can't be done here.",
    "Method not allowed.": "This can't be done here.",
    "Request was throttled.{wait}": "That's a lot at once: please wait a little and try again.",
    'Unsupported media type "{media_type}" in request.': "Please send JSON.",
    "Could not satisfy the request Accept header.": "We can only answer in JSON.",
    "JSON parse error - {detail}": "We couldn't read this request: please send valid JSON.",
    "Malformed request.": "We couldn't read this request: please send valid JSON.",
    # allauth's (accounts, two-step sign-in), as its /_allauth/ answers carry them
    "Too many failed login attempts. Try again later.": (
        "Too many tries to sign in for now. Please wait a little before trying again, "
        "or reset your password."
    ),
    "The email address and/or password you specified are not correct.": (
        "That email and password don't match. Please check them and try again."
    ),
    "Incorrect code.": "That code didn't work. Please try the one showing now.",
    "Incorrect password.": "That isn't your password. Please try it once more.",
    "Invalid or expired key.": (
        "This link has expired or was already used. Please ask for a new one."
    ),
    "The password reset token was invalid.": (
        "This reset link has expired or was already used. Please ask for a new one."
    ),
    "Please type your current password.": "Please enter your current password.",
    "This account is currently inactive.": "This account is not active.",
    "Be patient, you are sending too many requests.": (
        "That's a lot at once: please wait a little and try again."
    ),
    "The new value must be different from the current one.": (
        "That's the same as it is now: please choose something different."
    ),
    "This email address is already associated with this account.": (
        "This address is already on your account."
    ),
    "You cannot remove your primary email address.": (
        "This is your main address: choose another as your main one before removing it."
    ),
    "Your primary email address must be verified.": "Please confirm your main email address first.",
    "You cannot add more than {count} email addresses.": (
        "You can keep up to {count} email addresses."
    ),
    # Django's password validators, as allauth passes them on
    "This password is too short. It must contain at least {count} characters.": (
        "Please choose a longer password: at least {count} characters."
    ),
    "This password is too common.": (
        "That password is very common: please choose one that is harder to guess."
    ),
    "This password is entirely numeric.": "Please use more than numbers in your password.",
    "The password is too similar to the {field}.": (
        "That password is too close to your {field}: please choose another."
    ),
}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    # split alternates literal text and placeholder names
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.*?)"
        for index, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


_VOICE = [(_pattern(stock), ours) for stock, ours in IN_OUR_VOICE.items()]


def in_our_voice(message: str) -> str:
    """The framework's stock sentence as attune says it; anything else as it is."""
    for pattern, ours in _VOICE:
        match = pattern.fullmatch(message)
        if match:
            return ours.format(**match.groupdict())
    return message


def error_item(code: str, message: str, param: str | None = None) -> dict[str, str]:
    item = {"code": code, "message": in_our_voice(message)}
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
