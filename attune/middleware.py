from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from allauth.account.internal.flows.reauthentication import get_reauthentication_flows
from allauth.core.exceptions import ImmediateHttpResponse, RateLimited, ReauthenticationRequired
from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_etags, quote_etag

from attune.api.errors import error_body, error_item, error_response, in_our_voice
from attune.api.parsers import TOO_DEEP

logger = logging.getLogger("attune.api")

API_PREFIXES = ("/api/v1/", "/_allauth/")

# Exceptions Django itself turns into a 4xx response.
DJANGO_ANSWERS = (Http404, PermissionDenied, SuspiciousOperation)

RACED = "This changed at the same moment elsewhere: please try again."

PLAIN_MESSAGES = {
    400: "We could not read this request: please send a JSON object.",
    401: "Please sign in again to continue.",
    403: "This isn't available to you.",
    404: "Not found.",
    405: "Method not allowed.",
    409: "This does not fit the current state: perhaps it is already done.",
    410: "This session has ended: please sign in again.",
    413: "This is more than we can take in one request: please send less.",
    429: "Too many requests: please wait a little and try again.",
    500: "Something went wrong on our side.",
}


class ApiResponseMiddleware:
    """API responses are never cached, and even Django's own errors speak JSON there.

    DRF shapes errors raised inside its views; a path that matches no route, or a
    crash outside DRF, would otherwise answer with an HTML page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PREFIXES):
            return self.get_response(request)
        response = _refuse_unreadable_body(request) or self.get_response(request)
        if response.status_code >= 400 and not _has_error_body(response):
            status = response.status_code
            response = error_response(status, PLAIN_MESSAGES.get(status, "Request failed."))
        elif response.status_code >= 400 and request.path.startswith("/_allauth/"):
            _say_allauths_errors_in_our_voice(response)
        if request.method == "GET" and response.status_code == 200:
            response = _conditional(request, response)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store"
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """As the last middleware this sees a view's exception first, before
        allauth's own middleware: allauth's answers given by exception (410 for a
        session that ended, 400 for a body it cannot read) must pass as they are."""
        if not request.path.startswith(API_PREFIXES):
            return None
        if isinstance(exception, ImmediateHttpResponse):
            return exception.response
        if isinstance(exception, ReauthenticationRequired):
            return _reauthentication_required(request)
        if isinstance(exception, RateLimited):
            return error_response(429, PLAIN_MESSAGES[429])
        if isinstance(exception, RequestDataTooBig):
            return error_response(413, PLAIN_MESSAGES[413])
        if isinstance(exception, DJANGO_ANSWERS):
            return None  # Django answers 404, 403 or 400; __call__ gives it our shape
        if isinstance(exception, IntegrityError) and request.path.startswith("/_allauth/"):
            # Two of allauth's writes raced (the same signup sent twice at once):
            # the database kept one, the other may simply be tried again.
            return error_response(409, RACED)
        logger.error("Unhandled error at %s", request.path, exc_info=exception)
        return error_response(500, PLAIN_MESSAGES[500])


def _refuse_unreadable_body(request: HttpRequest) -> HttpResponse | None:
    """413 for a body over Django's upload limit, before any view reads it; for
    allauth's views, 400 for JSON they would choke on."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        return error_response(413, PLAIN_MESSAGES[413])
    if request.path.startswith("/_allauth/") and length and request.method != "GET":
        return _check_allauth_body(request.body)
    return None


class _NumberTooLarge(Exception):
    pass


def _bounded_int(text: str) -> int:
    number = int(text)
    if not -(2**63) <= number < 2**63:
        raise _NumberTooLarge
    return number


def _check_allauth_body(body: bytes) -> HttpResponse | None:
    """allauth's views parse bodies themselves and catch only malformed JSON:
    nesting deeper than Python's parser follows, or an id no database column
    holds, would end in a 500 there. DRF's parser is wrapped for the first
    (attune.api.parsers) and our serializers bound their numbers."""
    try:
        json.loads(body, parse_int=_bounded_int)
    except RecursionError:
        return error_response(400, TOO_DEEP, code="parse_error")
    except _NumberTooLarge:
        return error_response(400, "A number in this request is far too large.")
    except ValueError:
        pass  # allauth answers malformed JSON itself
    return None


def _reauthentication_required(request: HttpRequest) -> HttpResponse:
    """401 with the ways to confirm it is still you, as allauth's headless views
    answer: the client re-authenticates, then repeats the request. The flows
    come from allauth's own function (internal: allauth has no public name for
    it), so they stay what its headless 401 lists."""
    message = "Please confirm it is you (your password, or your authenticator) to continue."
    body = error_body(401, [error_item("reauthentication_required", message)])
    body["data"] = {"flows": get_reauthentication_flows(request.user)}
    body["meta"] = {"is_authenticated": True}
    return JsonResponse(body, status=401)


def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """ETag from the body; a matching If-None-Match gets 304 and no body.

    Django's ConditionalGetMiddleware skips `no-store` responses, and every API
    response is `no-store` (no shared cache may keep private data), yet a client
    app keeping its own copy still wants to revalidate cheaply.
    """
    if getattr(response, "streaming", False):
        return response
    etag = quote_etag(hashlib.sha256(response.content).hexdigest()[:32])
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        not_modified = HttpResponseNotModified()
        not_modified["ETag"] = etag
        return not_modified
    response["ETag"] = etag
    return response


def _say_allauths_errors_in_our_voice(response: HttpResponse) -> None:
    """allauth's stock sentences, as attune says them (`attune.api.errors.IN_OUR_VOICE`);
    its codes, params and flows stay as they are."""
    if getattr(response, "streaming", False):
        return
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return
    for error in errors:
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            error["message"] = in_our_voice(error["message"])
    response.content = json.dumps(body).encode()
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))


def _has_error_body(response: HttpResponse) -> bool:
    """JSON that says what went wrong: an `errors` list, or allauth's flow payload
    (its 401 lists the flows a client can take next). allauth answers a rate limit
    with `{"status": 429}` alone; that, like an HTML page, is rewritten."""
    if not response.get("Content-Type", "").startswith("application/json"):
        return False
    if getattr(response, "streaming", False):
        return True
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return False
    return isinstance(body, dict) and (
        isinstance(body.get("errors"), list) or "data" in body or "meta" in body
    )
