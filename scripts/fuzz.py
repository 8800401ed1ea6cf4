"""Fuzz attune's API with schemathesis, as two people from two different couples.

Starts a throwaway server on SQLite (its own folder), signs four people up,
pairs them into two couples with some shared data, then runs schemathesis
against /api/schema/ once as alice and once as carol: every operation, with
stateful links between them. Fails on any server error, any response that does
not match the schema, and any undocumented status code.

Beside those, schemathesis runs against allauth's own document
(/_allauth/openapi.json) as an app client with a live session, with a session
that was signed out, and with none: there the check is only that nothing is a
server error (allauth's document is allauth's to keep). Last, a handful of
hostile bodies (an unreadable list cursor, a body over the upload limit, JSON
nested too deeply, a list where an object belongs) must get their 400, 410 or
413 in the shared error shape.

    .venv/bin/python scripts/fuzz.py [--max-examples N] [--allauth-max-examples N]
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CHECKS = "not_a_server_error,response_schema_conformance,status_code_conformance"
ALLAUTH_SCHEMA = "/_allauth/openapi.json"
# A logged record starts with its time; Django also prints "Not Found: /path".
STAMPED = re.compile(r"^\[?\d{4}-\d\d-\d\d")
STATUS_LINE = re.compile(r"^[A-Z][A-Za-z ]+: /")
# The live run keeps its session: signing out is the signed-out run's business.
ALLAUTH_KEEP_SESSION = "DELETE /_allauth/{client}/v1/auth/session"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fuzz_database(folder: str) -> str:
    """A fresh PostgreSQL database when DATABASE_URL names a server, else SQLite."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        return f"sqlite:///{folder}/fuzz.sqlite3"
    server, _, configured_name = configured.rpartition("/")
    # Named after the configured database, so runs for two databases never meet.
    name = re.sub(r"\W", "", configured_name.split("?")[0]) + "_fuzz"
    for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
        subprocess.run(  # noqa: S603
            [str(BIN / "python"), "-c", _PSQL, f"{server}/postgres", sql], check=True
        )
    return f"{server}/{name}"


_PSQL = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as connection:
    connection.execute(sys.argv[2])
"""


def send(
    base: str, method: str, path: str, data: bytes | None = None, token: str = ""
) -> tuple[int, Any]:
    """The status and JSON body of one request, whatever the status."""
    request = urllib.request.Request(f"{base}{path}", data=data, method=method)  # noqa: S310
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("X-Session-Token", token)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        with error:
            try:
                return error.code, json.loads(error.read() or b"null")
            except ValueError:
                return error.code, None


def call(
    base: str, method: str, path: str, body: Any = None, token: str = "", expect: int = 0
) -> Any:
    data = None if body is None else json.dumps(body).encode()
    status, answer = send(base, method, path, data, token)
    if status >= 400 and status != expect:
        raise RuntimeError(f"{method} {path}: {status} {answer}")
    return answer


def seed(base: str) -> dict[str, str]:
    """Two couples with items, shares, a question and a shared check-in each."""
    tokens = {}
    for name in ("alice", "bob", "carol", "dave", "erin"):
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
    # erin signs out: her token is the one an app still holds after that.
    call(base, "DELETE", "/_allauth/app/v1/auth/session", token=tokens["erin"], expect=401)
    return tokens


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# Page positions no list can use: not a time, not a day, no offset, past year 9999.
BAD_CURSORS = ("p=x", "o=x", "r=x", "p=2026-02-30", "p=2026-01-01", "p=9999-12-31T23:59-23:59")


def hostile_requests(signed_out: str) -> list[tuple[str, str, bytes | None, str, int]]:
    """(method, path, body, token, the status it must get)."""
    too_big = b'{"title": "' + b"x" * 2_700_000 + b'"}'  # Django's limit is 2.5 MB
    too_deep = b"[" * 50_000 + b"]" * 50_000
    requests: list[tuple[str, str, bytes | None, str, int]] = [
        ("GET", f"/api/v1/{path}?cursor={b64(cursor)}", None, "", 400)
        for path in ("triggers", "partner/triggers", "checkins", "boundaries")
        for cursor in BAD_CURSORS
    ]
    for method, path in (
        ("POST", "/api/v1/triggers"),
        ("PATCH", "/api/v1/me"),
        ("POST", "/_allauth/app/v1/auth/login"),
    ):
        requests.append((method, path, too_big, "", 413))
        requests.append((method, path, too_deep, "", 400))
    for path in ("/_allauth/app/v1/tokens/refresh", "/_allauth/app/v1/auth/login"):
        for body in (b"[]", b"[1, 2]", b'"text"', b"3"):
            requests.append(("POST", path, body, "", 400))
    for path in ("/auth/session", "/config", "/account/email", "/auth/sessions"):
        requests.append(("GET", f"/_allauth/app/v1{path}", None, signed_out, 410))
    return requests


def hostile_failures(base: str, tokens: dict[str, str]) -> list[str]:
    failures = []
    for method, path, body, token, expected in hostile_requests(tokens["erin"]):
        # Requests that need a signed-in person go as alice.
        token = token or (tokens["alice"] if path.startswith("/api/") else "")
        try:
            status, answer = send(base, method, path, body, token)
        except OSError as error:  # the server may close before reading a big body
            if expected != 413:
                failures.append(f"{method} {path[:60]}: {error}")
            continue
        shaped = isinstance(answer, dict) and answer.get("status") == status
        if status != expected or not shaped:
            failures.append(f"{method} {path[:60]}: {status} (wanted {expected}) {answer}")
    return failures


def schemathesis(
    base: str, folder: str, name: str, schema: str, options: list[str], parameters: dict[str, str]
) -> tuple[subprocess.Popen[bytes], Path]:
    """Start one schemathesis run in the background; its output goes to a log file."""
    config = Path(folder) / f"{name}.toml"
    config.write_text(
        "[parameters]\n"
        + "".join(f"{json.dumps(k)} = {json.dumps(v)}\n" for k, v in parameters.items())
    )
    log_path = Path(folder) / f"{name}.log"
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        f"{base}{schema}",
        "--url",
        base,
        *options,
        "--generation-deterministic",
        "--no-color",
    ]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=log)  # noqa: S603
    return process, log_path


def server_errors(log: Path) -> str:
    """The errors the server logged, with their tracebacks, to show what a 500 was."""
    kept, inside = [], False
    for line in log.read_text(errors="replace").splitlines():
        if STAMPED.match(line) or STATUS_LINE.match(line):
            inside = " ERROR " in line
        if inside:
            kept.append(line)
    return "\n".join(kept[-600:])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-examples", type=int, default=25)
    parser.add_argument("--allauth-max-examples", type=int, default=10)
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
            # The seeded people sign up and go straight on (no inbox to read).
            "ACCOUNT_EMAIL_VERIFICATION": "optional",
            "ALLOWED_HOSTS": "127.0.0.1",
            # The fuzzer should reach past the limits into the logic behind them.
            "RATE_LIMIT_INVITATIONS": "100000/hour",
            "RATE_LIMIT_INVITATION_ACCEPT": "100000/hour",
            "RATE_LIMIT_QUESTIONS": "100000/hour",
            "RATE_LIMIT_RESPONSES": "100000/hour",
            "RATE_LIMIT_PUSH_SUBSCRIPTIONS": "100000/hour",
            "RATE_LIMIT_EMAIL_LINKS": "100000/hour",
        }
        server_log = open(Path(folder) / "server.log", "w")  # noqa: SIM115 - closed below
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
            stderr=server_log,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)  # noqa: S310
                    break
                except OSError:
                    time.sleep(0.2)
            tokens = seed(base)
            # Before the fuzzers: they trip allauth's rate limits, which answer first.
            failures = hostile_failures(base, tokens)
            print(f"== hostile requests: {len(failures)} failed", flush=True)
            for failure in failures:
                print(failure, flush=True)
            # All runs at once: each spends most of its time waiting on the
            # server, so several side by side take little longer than one.
            ours = ["--checks", CHECKS, "--max-examples", str(args.max_examples)]
            runs = [
                schemathesis(
                    base,
                    folder,
                    who,
                    "/api/schema/?format=json",
                    ["-H", f"X-Session-Token: {tokens[who]}", *ours],
                    {},
                )
                for who in ("alice", "carol")
            ]
            allauth = ["--checks", "not_a_server_error"]
            allauth += ["--max-examples", str(args.allauth_max_examples)]
            as_app = {"path.client": "app"}
            runs += [
                schemathesis(
                    base,
                    folder,
                    "allauth-live",
                    ALLAUTH_SCHEMA,
                    [*allauth, "--exclude-name", ALLAUTH_KEEP_SESSION],
                    {**as_app, "header.X-Session-Token": tokens["dave"]},
                ),
                schemathesis(
                    base,
                    folder,
                    "allauth-signed-out",
                    ALLAUTH_SCHEMA,
                    allauth,
                    {**as_app, "header.X-Session-Token": tokens["erin"]},
                ),
                # No session: both clients, and whatever token the fuzzer makes up.
                schemathesis(base, folder, "allauth-anonymous", ALLAUTH_SCHEMA, allauth, {}),
            ]
            status = 1 if failures else 0
            for process, log_path in runs:
                code = process.wait()
                status = status or code
                print(f"== schemathesis: {log_path.stem}", flush=True)
                print(log_path.read_text(), flush=True)
            if status:
                print("== the server's errors", flush=True)
                print(server_errors(Path(folder) / "server.log"), flush=True)
            return status
        finally:
            server.terminate()
            server.wait(timeout=30)
            server_log.close()


if __name__ == "__main__":
    sys.exit(main())
