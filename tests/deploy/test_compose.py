"""docker-compose.yml and the Dockerfile only run what this repository provides.

These tests read the files; they start no container and need no database.
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from celery import Celery
from celery.app.utils import find_app
from celery.bin.celery import celery as celery_cli
from django.core.management import get_commands
from django.urls import Resolver404, resolve
from gunicorn.config import Config as GunicornConfig

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
ENV_EXAMPLE = ROOT / ".env.example"
LOCK_FILE = "requirements.lock"

APP_SERVICES = ("migrate", "web", "worker", "beat")
HEALTHCHECKED_SERVICES = ("postgres", "redis", "web", "worker")
REQUIRED_APP_ENV = ("DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY")
CELERY_SUBCOMMANDS = {"worker", "beat", "inspect"}
# Celery's global options that take a value (they come before the subcommand).
CELERY_VALUE_OPTIONS = {
    "-A",
    "--app",
    "-b",
    "--broker",
    "--result-backend",
    "--loader",
    "--config",
    "--workdir",
}


# --- reading the files ----------------------------------------------------------


@functools.cache
def _compose() -> dict[str, Any]:
    assert COMPOSE_FILE.is_file(), f"{COMPOSE_FILE} is missing"
    data = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(data, dict), "docker-compose.yml must be a mapping at the top level"
    services = data.get("services")
    assert isinstance(services, dict) and services, "docker-compose.yml defines no services"
    return data


def _services() -> dict[str, dict[str, Any]]:
    return _compose()["services"]


def _service(name: str) -> dict[str, Any]:
    services = _services()
    assert name in services, f"docker-compose.yml has no {name!r} service"
    return services[name]


def _argv(command: str | list[Any]) -> list[str]:
    """A compose `command`/healthcheck or a Dockerfile CMD as an argument list."""
    if isinstance(command, str):
        return shlex.split(command)
    return [str(part) for part in command]


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) for item in env)
        return {pair[0]: pair[1] if len(pair) > 1 else "" for pair in pairs}
    return {str(key): "" if value is None else str(value) for key, value in env.items()}


def _depends_on(service: dict[str, Any]) -> dict[str, dict[str, Any]]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):
        return {name: {} for name in deps}
    return {name: condition or {} for name, condition in deps.items()}


def _healthcheck_argv(service: dict[str, Any]) -> list[str]:
    test = service["healthcheck"]["test"]
    argv = _argv(test)
    if argv and argv[0] in {"CMD", "CMD-SHELL"}:
        shell = argv[0] == "CMD-SHELL"
        argv = argv[1:]
        if shell:
            # Compose turns `$$` into `$`; the shell expands it later.
            argv = shlex.split(" ".join(argv).replace("$$", "$"))
    return argv


def _build_dockerfile(build: str | dict[str, Any]) -> Path:
    if isinstance(build, str):
        return (COMPOSE_FILE.parent / build / "Dockerfile").resolve()
    context = COMPOSE_FILE.parent / build.get("context", ".")
    return (context / build.get("dockerfile", "Dockerfile")).resolve()


def _dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined."""
    assert DOCKERFILE.is_file(), f"{DOCKERFILE} is missing"
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        pending += line
        keyword, _, rest = pending.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends in the middle of a continued line"
    return instructions


def _dockerfile_cmd() -> list[str]:
    cmds = [rest for keyword, rest in _dockerfile_instructions() if keyword == "CMD"]
    assert cmds, "the Dockerfile has no CMD"
    try:
        exec_form = json.loads(cmds[-1])
    except json.JSONDecodeError:
        return _argv(cmds[-1])  # the shell form
    assert isinstance(exec_form, list), f"the Dockerfile CMD is not a list: {cmds[-1]}"
    return _argv(exec_form)


# --- checking that a command exists in this repository ---------------------------


def _gunicorn_problems(argv: list[str]) -> list[str]:
    try:
        parsed = GunicornConfig().parser().parse_args(argv[1:])
    except SystemExit:
        return [f"gunicorn rejects its arguments {argv[1:]}"]
    if len(parsed.args) != 1:
        return [f"gunicorn needs exactly one MODULE:ATTRIBUTE, got {parsed.args}"]
    module_name, _, attribute = parsed.args[0].partition(":")
    attribute = attribute or "application"
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        return [f"gunicorn app module {module_name!r} does not import: {exc}"]
    if not hasattr(module, attribute):
        return [
            f"gunicorn app {module_name}:{attribute} does not exist "
            f"({module_name} has no {attribute!r})"
        ]
    return []


def _celery_problems(argv: list[str]) -> list[str]:
    app_name: str | None = None
    subcommand: str | None = None
    index = 1
    while index < len(argv):
        token = argv[index]
        if token.startswith("--app="):
            app_name = token.split("=", 1)[1]
        elif token in CELERY_VALUE_OPTIONS:
            if token in {"-A", "--app"} and index + 1 < len(argv):
                app_name = argv[index + 1]
            index += 1
        elif not token.startswith("-"):
            subcommand = token
            break
        index += 1

    problems = []
    if app_name != "attune":
        problems.append(f"celery must be started with -A attune, got {app_name!r}")
    else:
        try:
            module = importlib.import_module("attune.celery")
        except ImportError as exc:
            problems.append(f"attune.celery does not import: {exc}")
        else:
            app = getattr(module, "app", None)
            if not isinstance(app, Celery):
                problems.append(f"attune.celery.app is not a Celery app, got {app!r}")
            elif find_app(app_name) is not app:
                problems.append("`celery -A attune` does not find the app in attune.celery")
    if subcommand not in CELERY_SUBCOMMANDS:
        problems.append(
            f"celery subcommand must be one of {sorted(CELERY_SUBCOMMANDS)}, got {subcommand!r}"
        )
    elif subcommand not in celery_cli.commands:
        problems.append(f"this Celery has no {subcommand!r} subcommand")
    return problems


def _manage_problems(argv: list[str]) -> list[str]:
    if not (ROOT / "manage.py").is_file():
        return ["manage.py is missing from the repository root"]
    if len(argv) < 3:
        return ["`python manage.py` is given no management command"]
    if argv[2] not in get_commands():
        return [f"{argv[2]!r} is not a Django management command of this project"]
    return []


def _command_problems(argv: list[str]) -> list[str]:
    if not argv:
        return ["the command is empty"]
    program = Path(argv[0]).name
    if program == "gunicorn":
        return _gunicorn_problems(argv)
    if program == "celery":
        return _celery_problems(argv)
    if re.fullmatch(r"python(3(\.\d+)?)?", program) and argv[1:2] == ["manage.py"]:
        return _manage_problems(argv)
    return [
        f"{argv[0]!r} is not something this repository runs "
        "(expected gunicorn, celery -A attune or python manage.py)"
    ]


# --- the tests -------------------------------------------------------------------


def test_it_gives_every_service_an_image_or_a_build() -> None:
    missing = [
        name
        for name, service in _services().items()
        if not service.get("image") and not service.get("build")
    ]
    assert not missing, f"services with neither `image` nor `build`: {missing}"


def test_it_builds_every_app_service_from_the_one_dockerfile_and_image() -> None:
    dockerfiles: dict[str, Path] = {}
    images: dict[str, str | None] = {}
    for name in APP_SERVICES:
        service = _service(name)
        assert "build" in service, f"service {name!r} is not built from this repository"
        dockerfiles[name] = _build_dockerfile(service["build"])
        images[name] = service.get("image")

    assert len(set(dockerfiles.values())) == 1, (
        f"app services use different Dockerfiles: {dockerfiles}"
    )
    dockerfile = next(iter(dockerfiles.values()))
    assert dockerfile.is_file(), f"the app services build from {dockerfile}, which does not exist"
    assert dockerfile == DOCKERFILE.resolve(), f"expected {DOCKERFILE}, the build uses {dockerfile}"
    assert None not in images.values(), f"every app service needs an `image:` name: {images}"
    assert len(set(images.values())) == 1, f"app services must share one image name: {images}"


def test_it_runs_redis_with_append_only_file_and_no_eviction() -> None:
    redis = _service("redis")
    assert "command" in redis, "redis has no `command`: appendonly and noeviction are not set"
    argv = _argv(redis["command"])
    pairs = {argv[i]: argv[i + 1] for i in range(len(argv) - 1) if argv[i].startswith("--")}
    assert pairs.get("--appendonly") == "yes", (
        f"redis must run with `--appendonly yes` so queued tasks survive a restart: {argv}"
    )
    assert pairs.get("--maxmemory-policy") == "noeviction", (
        f"redis must run with `--maxmemory-policy noeviction` so no task is evicted: {argv}"
    )


def test_it_health_checks_postgres_redis_web_and_worker() -> None:
    for name in HEALTHCHECKED_SERVICES:
        healthcheck = _service(name).get("healthcheck")
        assert healthcheck, f"service {name!r} has no healthcheck"
        assert not healthcheck.get("disable"), f"service {name!r} disables its healthcheck"
        assert _healthcheck_argv(_service(name)), f"service {name!r} has an empty healthcheck test"


def test_it_health_checks_web_and_worker_against_real_targets() -> None:
    web_check = " ".join(_healthcheck_argv(_service("web")))
    url = re.search(r"https?://[^/'\"\s]+(/[^'\"\s]*)", web_check)
    assert url, f"the web healthcheck requests no URL: {web_check}"
    try:
        resolve(url.group(1))
    except Resolver404:
        pytest.fail(f"the web healthcheck requests {url.group(1)}, which no URL pattern serves")

    worker_check = _healthcheck_argv(_service("worker"))
    problems = _command_problems(worker_check)
    assert not problems, f"worker healthcheck {worker_check}: {problems}"


def test_it_runs_only_commands_that_exist_in_this_repository() -> None:
    problems: dict[str, list[str]] = {}
    for name, service in _services().items():
        if "build" not in service:
            continue  # a third-party image runs its own programs
        # With no `command`, the service runs the Dockerfile's CMD.
        argv = _argv(service["command"]) if "command" in service else _dockerfile_cmd()
        found = _command_problems(argv)
        if found:
            problems[name] = found
    assert not problems, f"commands that this repository cannot run: {problems}"


def test_it_depends_only_on_defined_services() -> None:
    defined = set(_services())
    unknown = {
        name: sorted(set(_depends_on(service)) - defined)
        for name, service in _services().items()
        if set(_depends_on(service)) - defined
    }
    assert not unknown, f"depends_on names services that are not defined: {unknown}"


def test_it_starts_app_services_after_migrate_and_healthy_backing_services() -> None:
    for name in APP_SERVICES:
        deps = _depends_on(_service(name))
        for backing in ("postgres", "redis"):
            assert deps.get(backing, {}).get("condition") == "service_healthy", (
                f"{name!r} must wait for {backing!r} with condition: service_healthy"
            )
        if name != "migrate":
            assert deps.get("migrate", {}).get("condition") == "service_completed_successfully", (
                f"{name!r} must wait for 'migrate' with condition: service_completed_successfully"
            )


def test_it_gives_app_services_the_settings_they_need() -> None:
    for name in APP_SERVICES:
        env = _environment(_service(name))
        missing = [key for key in REQUIRED_APP_ENV if key not in env]
        assert not missing, f"service {name!r} environment lacks {missing}"
        assert env.get("DEBUG", "").lower() == "false", f"service {name!r} must set DEBUG=false"
        for secret in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS"):
            assert env.get(secret, "").startswith(f"${{{secret}:?"), (
                f"service {name!r} must require {secret} from the operator "
                f"(`${{{secret}:?...}}`), not default it: {env.get(secret)!r}"
            )


def test_it_documents_every_app_environment_variable_in_env_example() -> None:
    if not ENV_EXAMPLE.is_file():
        pytest.skip(".env.example does not exist yet")
    documented = ENV_EXAMPLE.read_text(encoding="utf-8")
    undocumented = sorted(
        {
            key
            for name in APP_SERVICES
            for key in _environment(_service(name))
            if not re.search(rf"\b{re.escape(key)}\b", documented)
        }
    )
    assert not undocumented, f"app environment variables missing from .env.example: {undocumented}"


def test_it_installs_the_hashed_lock_file_in_the_dockerfile() -> None:
    assert (ROOT / LOCK_FILE).is_file(), f"{LOCK_FILE} is missing from the repository root"
    runs = [rest for keyword, rest in _dockerfile_instructions() if keyword == "RUN"]
    installs = [run for run in runs if "pip install" in run and LOCK_FILE in run]
    assert installs, f"no RUN line in the Dockerfile installs {LOCK_FILE}"
    for run in installs:
        argv = shlex.split(run)
        assert "--require-hashes" in argv, f"the install must pass --require-hashes: {run}"
        assert any(
            argv[i] in {"-r", "--requirement"} and argv[i + 1].endswith(LOCK_FILE)
            for i in range(len(argv) - 1)
        ), f"the install must read `-r {LOCK_FILE}`: {run}"


def test_it_builds_a_non_root_image_that_serves_gunicorn_by_default() -> None:
    instructions = _dockerfile_instructions()
    froms = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert froms and froms[-1].startswith("python:3.11-slim"), f"base image: {froms}"
    users = [rest for keyword, rest in instructions if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, (
        f"the image must run as a non-root user, USER lines: {users}"
    )
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "collectstatic --noinput" in runs, "the Dockerfile must collect static files"

    cmd = _dockerfile_cmd()
    assert cmd and Path(cmd[0]).name == "gunicorn", f"the default CMD must be gunicorn: {cmd}"
    problems = _command_problems(cmd)
    assert not problems, f"Dockerfile CMD {cmd}: {problems}"
