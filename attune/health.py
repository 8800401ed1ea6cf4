"""`/healthz`: can we reach the database and the broker right now?"""

from __future__ import annotations

import logging
import os
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from attune.celery import app as celery_app

logger = logging.getLogger("attune.health")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Health check: database unreachable", exc_info=True)
        return False
    return True


def _broker_ok() -> bool:
    try:
        # The URL is read now, not at start-up, so a changed setting is seen.
        with celery_app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
            if conn.transport.driver_type == "filesystem":
                # This transport "connects" to anything: check its folder.
                folder = (conn.transport_options or {})["data_folder_out"]
                return os.path.isdir(folder) and os.access(folder, os.W_OK)
            cast(Any, conn.default_channel).client.ping()
    except Exception:
        logger.warning("Health check: broker unreachable", exc_info=True)
        return False
    return True


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database_ok(), "broker": _broker_ok()}
    healthy = all(checks.values())
    body = {"status": "ok" if healthy else "unavailable"}
    body.update({name: "ok" if ok else "down" for name, ok in checks.items()})
    return JsonResponse(body, status=200 if healthy else 503)
