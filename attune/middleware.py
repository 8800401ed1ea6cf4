from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import add_never_cache_headers
from django.utils.http import parse_etags, quote_etag

from attune.api.errors import error_response

logger = logging.getLogger("attune.api")

API_PREFIXES = ("/api/v1/", "/_allauth/")

PLAIN_MESSAGES = {
    404: "Not found.",
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
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIXES):
            return response
        if response.status_code >= 400 and not _has_error_body(response):
            status = response.status_code
            response = error_response(status, PLAIN_MESSAGES.get(status, "Request failed."))
        if request.method == "GET" and response.status_code == 200:
            response = _conditional(request, response)
        add_never_cache_headers(response)
        response["Cache-Control"] = "no-store"
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith(API_PREFIXES):
            logger.error("Unhandled error at %s", request.path, exc_info=exception)
            return error_response(500, PLAIN_MESSAGES[500])
        return None


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
