"""Where the benchmarks run: a database and a broker of their own, production-shaped
settings, and the facts about the machine that go next to the figures.

`configure()` must run before Django reads its settings; nothing here imports
Django at module level for that reason.
"""

from __future__ import annotations

import atexit
import base64
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]

# Never the development database or broker: a run truncates what it uses.
DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/attune_bench",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/7",
    # Sending must cost next to nothing, so the figures are ours and not an SMTP server's.
    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    # As in production: with DEBUG on, every query would also be formatted and kept.
    "DEBUG": "false",
    "LOG_LEVEL": "WARNING",
    "SITE_URL": "https://attune.bench",
}


def configure(defaults: Mapping[str, str] = DEFAULTS) -> dict[str, str]:
    """Fill in the bench defaults (the caller's environment wins) and return the
    values that differ from them, so the report can print the exact command.

    A benchmark that must not share the dispatcher's database or Redis db (they
    may run at the same time) passes its own `defaults`."""
    overridden = {
        name: os.environ[name]
        for name, value in defaults.items()
        if name in os.environ and os.environ[name] != value
    }
    for name, value in defaults.items():
        os.environ.setdefault(name, value)
    # DEBUG off refuses the development keys; these exist only for this run.
    os.environ.setdefault(
        "SECRET_KEY", "bench-" + base64.urlsafe_b64encode(os.urandom(30)).decode()
    )
    os.environ.setdefault(
        "FIELD_ENCRYPTION_KEYS", base64.urlsafe_b64encode(os.urandom(32)).decode()
    )
    if "ATTUNE_VAR_DIR" not in os.environ:
        var_dir = tempfile.mkdtemp(prefix="attune-bench-")
        atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
        os.environ["ATTUNE_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "attune.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    if not os.environ.get("VAPID_PRIVATE_KEY"):
        # Push refuses to start without keys when DEBUG is off; a pair for this run only.
        from push import vapid  # plain key helpers, no Django import

        private = vapid.new_private_key()
        os.environ["VAPID_PRIVATE_KEY"] = private
        os.environ["VAPID_PUBLIC_KEY"] = vapid.public_key_of(private)
    os.environ.setdefault("VAPID_SUBJECT", "mailto:bench@attune.bench")
    return overridden


def ensure_database(benchmark: str = "The dispatcher benchmarks") -> None:
    """Create the bench database if it is missing (the server runs with trust auth)."""
    import dj_database_url
    import psycopg
    from psycopg import sql

    url = os.environ["DATABASE_URL"]
    config = dj_database_url.parse(url)
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit(f"{benchmark} need PostgreSQL (DATABASE_URL=postgres://…).")
    # The same server, its maintenance database.
    admin_url = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        found = admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if found is None:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def machine_facts() -> dict[str, Any]:
    """What the figures were measured on."""
    import redis
    from django.db import connection

    from attune.celery import app

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        postgres_settings = {}
        for name in ("shared_buffers", "work_mem", "fsync", "synchronous_commit", "jit"):
            cursor.execute(f"SHOW {name}")
            postgres_settings[name] = cursor.fetchone()[0]
    client = redis.Redis.from_url(app.conf.broker_url)
    try:
        redis_version = client.info("server")["redis_version"]
    finally:
        client.close()
    return {
        "cpu": f"{os.cpu_count()} cores, {_cpu_model()}",
        "memory": _memory(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": postgres,
        "postgres_settings": postgres_settings,
        "redis": redis_version,
        "libraries": ", ".join(
            f"{name} {version(name)}" for name in ("Django", "celery", "kombu", "psycopg", "redis")
        ),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "unknown"
