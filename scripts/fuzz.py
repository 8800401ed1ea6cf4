"""Fuzz attune's API with schemathesis, as two people from two different couples.

Starts a throwaway server on SQLite (its own folder), signs four people up,
pairs them into two couples with some shared data, then runs schemathesis
against /api/schema/ once as alice and once as carol: every operation, with
stateful links between them. Fails on any server error, any response that does
not match the schema, and any undocumented status code.

    .venv/bin/python scripts/fuzz.py [--max-examples N]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fuzz_database(folder: str) -> str:
    """A fresh PostgreSQL database when DATABASE_URL names a server, else SQLite."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        return f"sqlite:///{folder}/fuzz.sqlite3"
    server, _, _ = configured.rpartition("/")
    for sql in ("DROP DATABASE IF EXISTS attune_fuzz", "CREATE DATABASE attune_fuzz"):
        subprocess.run(  # noqa: S603
            [str(BIN / "python"), "-c", _PSQL, f"{server}/postgres", sql], check=True
        )
    return f"{server}/attune_fuzz"


_PSQL = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(sys.argv[2])
"""


def call(base: str, method: str, path: str, body: Any = None, token: str = "") -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(f"{base}{path}", data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-Session-Token", token)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        return json.loads(response.read() or b"null")


def seed(base: str) -> dict[str, str]:
    """Two couples with items, shares, a question and a shared check-in each."""
    tokens = {}
    for name in ("alice", "bob", "carol", "dave"):
        body = {"email": f"{name}@example.com", "password": "a long quiet passphrase"}
        tokens[name] = call(base, "POST", "/_allauth/app/v1/auth/signup", body)["meta"][
            "session_token"
        ]
    for owner, partner in (("alice", "bob"), ("carol", "dave")):
        link = call(base, "POST", "/api/v1/invitations", {}, tokens[owner])
        call(base, "POST", "/api/v1/invitations/accept", {"token": link["token"]}, tokens[partner])
        for who, other in ((owner, partner), (partner, owner)):
            trigger = call(base, "POST", "/api/v1/triggers", {"title": "t"}, tokens[who])
            call(base, "POST", f"/api/v1/triggers/{trigger['id']}/share", None, tokens[who])
            call(base, "POST", "/api/v1/boundaries", {"statement": "b"}, tokens[who])
            call(
                base,
                "POST",
                f"/api/v1/partner/triggers/{trigger['id']}/questions",
                {"text": "?"},
                tokens[other],
            )
            call(
                base,
                "POST",
                "/api/v1/checkins",
                {"pleasantness": 1, "energy": 0, "shared": True},
                tokens[who],
            )
    return tokens


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=25)
    args = parser.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "ATTUNE_VAR_DIR": folder,
            "DATABASE_URL": fuzz_database(folder),
            "CELERY_BROKER_URL": "filesystem://",
            "DEBUG": "true",
            "ALLOWED_HOSTS": "127.0.0.1",
            # The fuzzer should reach past the limits into the logic behind them.
            "RATE_LIMIT_INVITATIONS": "100000/hour",
            "RATE_LIMIT_INVITATION_ACCEPT": "100000/hour",
            "RATE_LIMIT_QUESTIONS": "100000/hour",
            "RATE_LIMIT_RESPONSES": "100000/hour",
        }
        manage = [str(BIN / "python"), "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
        server = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "attune.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "3",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            tokens = seed(base)
            # Both people at once: each run spends most of its time waiting on
            # the server, so two side by side take little longer than one.
            runs = {}
            for who in ("alice", "carol"):
                log = open(Path(folder) / f"{who}.log", "w")  # noqa: SIM115 - closed below
                command = [
                    str(BIN / "schemathesis"),
                    "run",
                    f"{base}/api/schema/?format=json",
                    "--url",
                    base,
                    "-H",
                    f"X-Session-Token: {tokens[who]}",
                    "--checks",
                    CHECKS,
                    "--max-examples",
                    str(args.max_examples),
                    "--generation-deterministic",
                    "--no-color",
                ]
                runs[who] = (
                    subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log),  # noqa: S603
                    log,
                )
            status = 0
            for who, (process, log) in runs.items():
                status = status or process.wait()
                log.close()
                print(f"== schemathesis as {who}", flush=True)
                print((Path(folder) / f"{who}.log").read_text(), flush=True)
            return status
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
