from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from allauth.account.internal.flows.reauthentication import get_reauthentication_flows
from allauth.core.exceptions import ImmediateHttpResponse, RateLimited, ReauthenticationRequired
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_etags, quote_etag

from attune.api.errors import error_body, error_item, error_response
from attune.api.parsers import TOO_DEEP

logger = logging.getLogger("attune.api")

API_PREFIXES = ("/api/v1/", "/_allauth/")

PLAIN_MESSAGES = {
    400: "We could not read this request: please send a JSON object.",
    401: "Please sign in again to continue.",
    404: "Not found.",
    410: "This session has ended: please sign in again.",
    413: "This is more than we can take in one request: please send less.",
    429: "Too many requests: please wait a little and try again.",
    405: "Method not allowed.",
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
        logger.error("Unhandled error at %s", request.path, exc_info=exception)
        return error_response(500, PLAIN_MESSAGES[500])


def _refuse_unreadable_body(request: HttpRequest) -> HttpResponse | None:
    """413 for a body over Django's upload limit, 400 for JSON nested deeper than
    Python's parser can follow, before any view reads it.

    DRF's parser is wrapped for the depth (attune.api.parsers); allauth's views
    parse bodies themselves and catch only malformed JSON, so theirs are tried
    here (they are small and few: sign-in, sign-up and the like).
    """
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if limit is not None and length > limit:
        return error_response(413, PLAIN_MESSAGES[413])
    if request.path.startswith("/_allauth/") and length and request.method != "GET":
        try:
            json.loads(request.body)
        except RecursionError:
            return error_response(400, TOO_DEEP, code="parse_error")
        except ValueError:
            pass  # allauth answers malformed JSON itself
    return None


def _reauthentication_required(request: HttpRequest) -> HttpResponse:
    """401 with the ways to confirm it is still you, as allauth's headless views
    answer: the client re-authenticates, then repeats the request."""
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
