"""The installable app's files at the root (issue 14): the manifest, the service
worker and the offline page, each under the strict Content-Security-Policy."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from web import views
from web.middleware import STRICT_POLICY


def shell_of(script: str) -> Any:
    """What the worker precaches: the line web/views.py puts above its script."""
    first_line = script.partition("\n")[0]
    return json.loads(first_line.removeprefix("self.ATTUNE_SHELL = ").removesuffix(";"))


def test_it_serves_the_manifest_as_a_manifest_with_every_icon() -> None:
    response = Client().get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    assert response["Content-Security-Policy"] == STRICT_POLICY
    manifest = json.loads(response.content)
    assert manifest["start_url"] == "/today"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert [(i["src"], i["purpose"]) for i in manifest["icons"]] == [
        ("/static/web/icons/icon-192.png", "any"),
        ("/static/web/icons/icon-512.png", "any"),
        ("/static/web/icons/maskable-192.png", "maskable"),
        ("/static/web/icons/maskable-512.png", "maskable"),
    ]


def test_it_serves_the_worker_from_the_root_never_from_a_stale_cache() -> None:
    response = Client().get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Cache-Control"] == "no-cache"
    assert response["Content-Security-Policy"] == STRICT_POLICY
    script = response.content.decode()
    shell = shell_of(script)
    assert shell["offline"] == "/offline"
    assert "/static/web/css/attune.css" in shell["files"]
    assert "/static/web/js/lib/offline.js" in shell["files"]
    assert "/static/web/icons/maskable-512.png" in shell["files"]
    # Only the app's own files: nothing of anyone's.
    assert all(path.startswith("/static/web/") for path in shell["files"])
    assert 'addEventListener("push"' in script


def test_it_changes_the_workers_version_when_a_shell_file_changes(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    before = views._service_worker_text()
    extra = tmp_path / "web" / "css"
    extra.mkdir(parents=True)
    (extra / "more.css").write_text("p { color: red; }")
    settings.STATICFILES_DIRS = [str(tmp_path)]
    after = views._service_worker_text()
    version = [
        json.loads(t.split("\n")[0][len("self.ATTUNE_SHELL = ") : -1]) for t in (before, after)
    ]
    assert version[0]["version"] != version[1]["version"]
    assert "/static/web/css/more.css" in version[1]["files"]


def test_it_serves_the_offline_page_to_anyone() -> None:
    response = Client().get("/offline")
    assert response.status_code == 200
    assert b"You're offline" in response.content
    assert response["Content-Security-Policy"] == STRICT_POLICY
