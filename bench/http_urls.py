"""attune's URLs plus the floor of bench/http_speed.py (bench/http_settings.py only).

The floor is what a request costs with nothing of ours in the way: a plain
Django view, no authentication, no DRF, the same 50 rows as
`partner/triggers` read with `values()` (opened by the same field class) and
written out with `JsonResponse`. It takes the owner and the partnership from the
query string, so it filters on the same columns and index as the real selector.
"""

from __future__ import annotations

from uuid import UUID

from django.http import HttpRequest, JsonResponse
from django.urls import path

from attune.fields import open_values
from attune.urls import urlpatterns as attune_urlpatterns
from triggers.models import Trigger

FLOOR_PATH = "bench/floor"
PAGE = 50
COLUMNS = ("id", *Trigger.SHARED_FIELDS, "shared_at", "acknowledged_at", "content_changed_at")


def floor(request: HttpRequest) -> JsonResponse:
    rows = (
        Trigger.objects.filter(
            owner_id=UUID(request.GET["owner"]), shared_with_id=UUID(request.GET["partnership"])
        )
        .order_by("-created_at", "-id")
        .values(*COLUMNS)[:PAGE]
    )
    return JsonResponse({"results": [open_values(Trigger, row) for row in rows], "next": None})


urlpatterns = [path(FLOOR_PATH, floor, name="bench-floor"), *attune_urlpatterns]
