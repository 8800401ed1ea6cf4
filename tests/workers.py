"""Celery workers for tests: one in a thread of the test process, on the configured
broker; and each pytest-xdist process's own share of that broker.

`celery -A tests.workers worker|beat` runs attune's app with the same share as the
test process that starts it (the environment it inherits names the xdist process).
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from attune.celery import app

__all__ = ["app", "thread_worker"]


def _isolate_broker() -> None:
    """Give this pytest-xdist process ("gw0", "gw1"…) a broker of its own.

    `make test` runs the suite in two processes on one broker URL (CI has one Redis
    database for it; a developer has one folder). Shared, one process's purge would
    empty the other's queue, and its worker would take the other's tasks, whose ids
    name rows of another test database.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not worker:
        return
    url = app.conf.broker_url or ""
    options = dict(app.conf.broker_transport_options or {})
    if url.startswith(("redis://", "rediss://")):
        # kombu puts it before every key and pub/sub channel: queues, unacked
        # messages, bindings, and the control and event broadcasts.
        options["global_keyprefix"] = f"attune-tests-{worker}:"
    elif url.startswith("filesystem://"):
        for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
            if key in options:
                folder = Path(options[key]) / worker
                folder.mkdir(parents=True, exist_ok=True)
                options[key] = str(folder)
    app.conf.broker_transport_options = options


# On import: in the test process (tests/conftest.py) before anything publishes, and
# in the worker and beat processes that a test starts with `-A tests.workers`.
_isolate_broker()


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
