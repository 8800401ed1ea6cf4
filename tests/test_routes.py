"""The URL configuration and the authorization matrices must agree.

Every app with routes under /api/v1/ (accounts, triggers, …) has a
`tests/<app>/test_authorization.py` whose TABLE (tests/authz.py) holds, for each
method and route, a row for every actor of the harness — owner, partner,
ex-partner, next partner, stranger, anonymous. Routes whose world is unlike the
rest of their app's (an email's link, where a token is the authority) may keep
their rows in a second table, `tests/<app>/test_<topic>_authorization.py`; the
app's rows are all of its tables'. A new route or app without rows, or a row for a
route that is gone, fails here.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests import authz
from tests.accounts import test_authorization as accounts_authorization
from tests.partners import test_authorization as partners_authorization
from tests.triggers import test_authorization as triggers_authorization

API_PREFIX = "api/v1/"


def _api_routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _api_routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and route.startswith(API_PREFIX):
            yield route, pattern.callback


def _template(route: str) -> str:
    """`api/v1/triggers/<uuid:item_id>/share` → `triggers/{id}/share`."""
    route = route.removeprefix(API_PREFIX).removeprefix("^").removesuffix("$")
    return re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", "{id}", route)


def _view(callback: Any) -> type:
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    assert view is not None, f"{callback} is not a class-based view"
    return view


def _methods(view: type) -> set[str]:
    return {
        name.upper()
        for name in view.http_method_names  # type: ignore[attr-defined]
        if name not in ("options", "head") and hasattr(view, name)
    }


def api_endpoints() -> dict[tuple[str, str], str]:
    """(method, template) → the app whose view serves it."""
    endpoints = {}
    for route, callback in _api_routes():
        view = _view(callback)
        app = view.__module__.split(".")[0]
        for method in _methods(view):
            endpoints[(method, _template(route))] = app
    return endpoints


def authorization_module(app: str) -> ModuleType:
    """`tests/<app>/test_authorization.py`, with its TABLE."""
    name = f"tests.{app}.test_authorization"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name not in (name, f"tests.{app}"):
            raise
        pytest.fail(f"{app} serves API routes: add {name.replace('.', '/')}.py with a TABLE")
    assert isinstance(getattr(module, "TABLE", None), authz.Table), f"{name} has no TABLE"
    return module


def tables(app: str) -> list[authz.Table]:
    """The app's TABLE, then those of its other `test_*_authorization.py` modules."""
    found = [authorization_module(app).TABLE]
    folder = Path(__file__).resolve().parent / app
    for path in sorted(folder.glob("test_*_authorization.py")):
        table = getattr(importlib.import_module(f"tests.{app}.{path.stem}"), "TABLE", None)
        assert isinstance(table, authz.Table), f"{path.name} has no TABLE"
        found.append(table)
    return found


def _rows(app: str) -> list[authz.Row]:
    return [row for table in tables(app) for row in table.rows]


# Every app that serves a route under /api/v1/, found when the tests are collected.
APPS = sorted(set(api_endpoints().values()))


def test_it_finds_routes_of_every_app_including_nested_includes() -> None:
    endpoints = api_endpoints()
    assert endpoints[("DELETE", "invitations/{id}")] == "partners"
    assert endpoints[("POST", "triggers/{id}/share")] == "triggers"
    assert endpoints[("POST", "questions/{id}/answer")] == "triggers"
    assert endpoints[("GET", "partner/boundaries/{id}/questions")] == "triggers"


def test_it_collects_the_table_of_each_app() -> None:
    assert {"accounts", "partners", "triggers"} <= set(APPS)
    assert authorization_module("accounts") is accounts_authorization
    assert authorization_module("partners") is partners_authorization
    assert authorization_module("triggers") is triggers_authorization


@pytest.mark.parametrize("app", APPS)
def test_it_has_matrix_rows_for_every_actor_on_every_api_endpoint(app: str) -> None:
    covered = {(row.actor, row.method, row.template) for row in _rows(app)}
    missing = sorted(
        f"{actor} {method} {template}"
        for (method, template), owner in api_endpoints().items()
        if owner == app
        for actor in authz.ACTORS
        if (actor, method, template) not in covered
    )
    assert not missing, f"endpoints without authorization rows in tests/{app}/: {missing}"


@pytest.mark.parametrize("app", APPS)
def test_it_has_no_matrix_rows_for_endpoints_that_do_not_exist(app: str) -> None:
    endpoints = api_endpoints()
    named = {(row.method, row.template) for row in _rows(app)}
    stale = sorted(f"{m} {t}" for m, t in named if (m, t) not in endpoints)
    assert not stale, f"rows for routes that do not exist: {stale}"
    elsewhere = sorted(f"{m} {t}" for m, t in named - set(stale) if endpoints[(m, t)] != app)
    assert not elsewhere, f"rows for another app's routes: {elsewhere}"


@pytest.mark.parametrize("app", APPS)
def test_it_has_one_row_per_known_actor_method_and_route(app: str) -> None:
    for table in tables(app):
        rows = table.rows
        assert len(rows) == len({(r.actor, r.setup, r.method, r.template) for r in rows})
        assert {row.actor for row in rows} == set(authz.ACTORS)
        assert {row.setup for row in rows} <= set(table.setups)
