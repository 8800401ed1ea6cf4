"""A Content-Security-Policy on every response.

The web frontend has no inline script or style at all, so one strict policy
covers its pages, the API's JSON and allauth's endpoints alike. The one
exception is drf-spectacular's Swagger page at /api/docs/, whose template
carries an inline <script> and <style>: it gets the same policy plus the hashes
of exactly those blocks, so nothing else inline can run there either.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"

DIRECTIVES: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "connect-src": "'self'",
    "font-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}

DOCS_PREFIX = "/api/docs/"

# Inline blocks only: a <script src=…> has no body worth hashing.
_INLINE = {
    "script-src": re.compile(r"<script>(.*?)</script>", re.DOTALL),
    "style-src": re.compile(r"<style>(.*?)</style>", re.DOTALL),
}


def render_policy(directives: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in directives.items())


STRICT_POLICY = render_policy(DIRECTIVES)


def _sha256_source(block: str) -> str:
    digest = hashlib.sha256(block.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def policy_allowing_inline_blocks_of(html: str) -> str:
    """The strict policy, plus a hash for each inline script and style in `html`."""
    directives = dict(DIRECTIVES)
    for directive, pattern in _INLINE.items():
        hashes = sorted({_sha256_source(block) for block in pattern.findall(html)})
        if hashes:
            directives[directive] = " ".join([directives[directive], *hashes])
    return render_policy(directives)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER in response:
            return response
        response[HEADER] = self._policy_for(request, response)
        return response

    def _policy_for(self, request: HttpRequest, response: HttpResponse) -> str:
        is_html = response.get("Content-Type", "").startswith("text/html")
        if (
            request.path.startswith(DOCS_PREFIX)
            and is_html
            and not getattr(response, "streaming", False)
        ):
            return policy_allowing_inline_blocks_of(response.content.decode(errors="replace"))
        return STRICT_POLICY
