"""What every page's shell may need from configuration (never anyone's data)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def support(request: HttpRequest) -> dict[str, str]:
    """`SUPPORT_URL`, for the page's `<meta name="attune-support-url">`: empty, no link."""
    return {"support_url": settings.SUPPORT_URL}
