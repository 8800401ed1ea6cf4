"""A client generated from our own OpenAPI schema runs the main flow.

This is what a client developer would do: point openapi-python-client at
/api/schema/ and use the result against a running server.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def generated(tmp_path: Path) -> Any:
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(Client().get("/api/schema/?format=json").json()))
    tool = Path(sys.executable).parent / "openapi-python-client"
    env = {**os.environ, "PATH": f"{tool.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run(
        [str(tool), "generate", "--path", str(schema), "--meta", "none"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module("attune_api_client")
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m.startswith("attune_api_client")]:
            del sys.modules[name]


def sign_up(base_url: str, email: str) -> str:
    response = httpx.post(
        f"{base_url}/_allauth/app/v1/auth/signup",
        json={"email": email, "password": "a long and quiet passphrase"},
    )
    assert response.status_code == 200, response.text
    return response.json()["meta"]["session_token"]


def test_a_generated_client_runs_the_main_flow(generated: Any, live_server: Any) -> None:
    api = importlib.import_module("attune_api_client.api")
    models = importlib.import_module("attune_api_client.models")
    mod = lambda name: importlib.import_module(f"attune_api_client.api.{name}")  # noqa: E731
    del api

    opened: list[Any] = []

    def client_for(email: str) -> Any:
        client = generated.AuthenticatedClient(
            base_url=live_server.url,
            token=sign_up(live_server.url, email),
            prefix="",
            auth_header_name="X-Session-Token",
            raise_on_unexpected_status=True,
        )
        opened.append(client)
        return client

    try:
        run_main_flow(mod, models, client_for)
    finally:
        for client in opened:
            client.get_httpx_client().close()


def run_main_flow(mod: Any, models: Any, client_for: Any) -> None:
    alice, bob = client_for("alice@example.com"), client_for("bob@example.com")

    link = mod("invitations.invitations_create").sync(
        client=alice, body=models.InvitationCreateRequest()
    )
    partnership = mod("invitations.invitations_accept_create").sync(
        client=bob, body=models.InvitationAcceptRequest(token=link.token)
    )
    assert partnership.partner.display_name == "alice"

    trigger = mod("triggers.triggers_create").sync(
        client=alice, body=models.TriggerRequest(title="Raised voices", notes="PRIVATE")
    )
    shared = mod("triggers.triggers_share_create").sync(client=alice, item_id=trigger.id)
    assert shared.shared is True
    seen = mod("partner.partner_triggers_list").sync(client=bob)
    assert [t.title for t in seen.results] == ["Raised voices"]

    answer = mod("checkins.checkins_create").sync(
        client=alice, body=models.CheckInRequest(pleasantness=1, energy=0, shared=True)
    )
    page = mod("sync.sync_retrieve").sync(client=bob)
    changes = {(change.type_, str(change.id)) for change in page.changes}
    assert ("partner_trigger", str(trigger.id)) in changes
    assert ("partner_checkin", str(answer.id)) in changes
    assert "PRIVATE" not in json.dumps(page.to_dict())

    # Errors arrive in the documented shape.
    missing = mod("triggers.triggers_retrieve").sync_detailed(
        client=bob, item_id="00000000-0000-0000-0000-000000000000"
    )
    assert missing.status_code == 404
    assert missing.parsed.errors[0].code == "not_found"
