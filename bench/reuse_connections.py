"""attune's Celery app with database connections kept between tasks: a what-if.

Celery's Django fixup closes every database connection before and after each
task unless `CELERY_DB_REUSE_MAX` is set, so by default each send opens a new
PostgreSQL connection (a new backend process with cold catalog caches). Run as

    celery -A bench.reuse_connections worker …

to measure a worker that keeps them. Only the benchmarks use this module; the
app's own settings are untouched.
"""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
django.setup()

from django.conf import settings  # noqa: E402 - Django must be set up first

# Close only every so many tasks: in effect, keep the connection.
settings.CELERY_DB_REUSE_MAX = 1_000_000

from attune.celery import app  # noqa: E402 - reads the setting above

__all__ = ["app"]
