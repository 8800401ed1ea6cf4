"""A Celery worker in a thread of the test process, on the configured broker."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from attune.celery import app


def _close_thread_connections(**kwargs: Any) -> None:
    # Workers keep their database connection between tasks (attune/celery.py);
    # this one is a thread that ends with the test, so it closes its own.
    connections.close_all()


@contextmanager
def thread_worker() -> Iterator[None]:
    """Purge the queue, then run a solo worker until the block ends."""
    app.control.purge()
    task_postrun.connect(_close_thread_connections)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
            yield
    finally:
        task_postrun.disconnect(_close_thread_connections)
