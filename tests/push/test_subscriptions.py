"""Subscribing a device: the key, the same endpoint kept once, mine only, and no
endpoint that points anywhere but a public push service."""

from __future__ import annotations

import socket
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from push import endpoints, vapid
from push.exports import export_devices
from push.models import Subscription
from tests.factories import PASSWORD
from tests.push.service import Device, PushService

pytestmark = pytest.mark.django_db

SUBSCRIPTIONS = "/api/v1/push/subscriptions"


def test_it_gives_anyone_the_public_key(anon) -> None:
    response = anon.get("/api/v1/push/key")
    assert response.status_code == 200
    key = response.json()["public_key"]
    assert key == django_settings.VAPID_PUBLIC_KEY
    assert len(vapid.b64url_decode(key)) == 65
    assert key == vapid.public_key_of(django_settings.VAPID_PRIVATE_KEY)


def test_the_same_endpoint_twice_updates_the_device(
    alice_api, push_service: PushService, phone: Device
) -> None:
    first = alice_api.post(SUBSCRIPTIONS, push_service.subscription(phone), format="json")
    again = push_service.subscription(phone, label="Phone, renamed")
    second = alice_api.post(SUBSCRIPTIONS, again, format="json")

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert list(Subscription.objects.values_list("label", flat=True)) == ["Phone, renamed"]
    assert "keys" not in second.json() and "auth" not in second.json()


def test_it_lists_and_deletes_only_my_devices(
    alice_api, bob_api, push_service: PushService, phone: Device, subscribe
) -> None:
    mine = subscribe(alice_api, phone)
    bobs = subscribe(bob_api, Device("bobs"), label="Bob's laptop")

    listed = alice_api.get(SUBSCRIPTIONS).json()
    assert [row["id"] for row in listed["results"]] == [str(mine.pk)]
    assert listed["next"] is None
    assert bob_api.delete(f"{SUBSCRIPTIONS}/{mine.pk}").status_code == 404
    assert alice_api.delete(f"{SUBSCRIPTIONS}/{mine.pk}").status_code == 204
    assert list(Subscription.objects.all()) == [bobs]


def test_a_device_signed_in_as_someone_else_leaves_the_first_person(
    alice_api, bob_api, push_service: PushService, phone: Device
) -> None:
    alice_api.post(SUBSCRIPTIONS, push_service.subscription(phone), format="json")
    bob_api.post(SUBSCRIPTIONS, push_service.subscription(phone), format="json")
    assert list(Subscription.objects.values_list("user__email", flat=True)) == ["bob@example.com"]


def test_listing_runs_a_fixed_number_of_queries(alice, alice_api, push_service) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert alice_api.get(SUBSCRIPTIONS).status_code == 200
        return len(queries)

    alice_api.post(SUBSCRIPTIONS, push_service.subscription(Device("a")), format="json")
    one = count()
    for n in range(5):
        alice_api.post(SUBSCRIPTIONS, push_service.subscription(Device(f"d{n}")), format="json")
    assert count() == one


def test_an_account_deleted_takes_its_devices(alice, alice_api, push_service, phone) -> None:
    alice_api.post(SUBSCRIPTIONS, push_service.subscription(phone), format="json")
    response = alice_api.delete("/api/v1/me", {"password": PASSWORD}, format="json")
    assert response.status_code == 204, response.content
    assert not Subscription.objects.exists()


def test_the_export_names_my_devices_but_not_their_keys(
    alice, alice_api, push_service, phone
) -> None:
    alice_api.post(SUBSCRIPTIONS, push_service.subscription(phone), format="json")
    body = alice_api.get("/api/v1/me/export").content.decode()
    assert "My phone" in body
    subscription = Subscription.objects.get()
    for secret in (subscription.endpoint, subscription.auth, subscription.p256dh):
        assert secret not in body
    assert [d["label"] for d in export_devices(user=alice)] == ["My phone"]


def test_me_shows_push_preferences_beside_email_ones(alice_api) -> None:
    body = alice_api.get("/api/v1/me").json()
    assert body["push_preferences"] == {"reminders": True, "partner_activity": True}
    assert body["email_preferences"] == {"reminders": True, "partner_activity": True}


def test_it_turns_push_off_per_kind_and_leaves_email_as_it_was(alice_api, alice) -> None:
    response = alice_api.patch(
        "/api/v1/me", {"push_preferences": {"partner_activity": False}}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["push_preferences"] == {"reminders": True, "partner_activity": False}
    assert response.json()["email_preferences"] == {"reminders": True, "partner_activity": True}
    alice.refresh_from_db()
    assert (alice.push_reminders, alice.push_partner_activity) == (True, False)


@pytest.mark.parametrize("bad", [{"partner_activity": "no"}, {"sms": True}, ["reminders"]])
def test_it_refuses_a_push_choice_it_does_not_know(alice_api, alice, bad) -> None:
    response = alice_api.patch("/api/v1/me", {"push_preferences": bad}, format="json")
    assert response.status_code == 400, response.content
    alice.refresh_from_db()
    assert (alice.push_reminders, alice.push_partner_activity) == (True, True)


# --- Bad input -----------------------------------------------------------------------


def _with(push_service: PushService, **changes: Any) -> dict[str, Any]:
    body = push_service.subscription(Device("x"))
    keys = changes.pop("keys", {})
    body["keys"].update(keys)
    body.update(changes)
    return body


@pytest.mark.parametrize(
    ("changes", "param"),
    [
        ({"keys": {"p256dh": "not base64 at all!"}}, "keys.p256dh"),
        ({"keys": {"p256dh": vapid.b64url(b"\x04" + b"\x01" * 64)}}, "keys.p256dh"),
        ({"keys": {"p256dh": vapid.b64url(b"\x04" * 33)}}, "keys.p256dh"),
        ({"keys": {"auth": vapid.b64url(b"short")}}, "keys.auth"),
        ({"keys": {"auth": 16}}, "keys.auth"),
        ({"endpoint": "not a url"}, "endpoint"),
        ({"label": "x" * 81}, "label"),
        ({"shared": True}, "shared"),
    ],
)
def test_it_refuses_a_malformed_subscription_gently(
    alice_api, push_service: PushService, changes: dict[str, Any], param: str
) -> None:
    response = alice_api.post(SUBSCRIPTIONS, _with(push_service, **changes), format="json")
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["param"] == param
    # In attune's words, not the framework's.
    assert not error["message"].startswith(("Ensure", "Invalid", "Not a valid", "Incorrect"))
    assert not Subscription.objects.exists()


# --- No SSRF ----------------------------------------------------------------------------

HOSTILE = [
    "http://push.example.com/abc",  # not https
    "https://127.0.0.1/x",
    "https://127.1.2.3:8443/x",
    "https://10.0.0.5/x",
    "https://172.16.0.1/x",
    "https://192.168.1.1/x",
    "https://169.254.169.254/latest/meta-data",
    "https://100.64.0.1/x",  # shared address space
    "https://0.0.0.0/x",
    "https://224.0.0.1/x",
    "https://240.0.0.1/x",
    "https://255.255.255.255/x",
    "https://[::1]/x",
    "https://[::]/x",
    "https://[fe80::1]/x",
    "https://[fc00::1]/x",
    "https://[ff02::1]/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://[::ffff:10.0.0.1]/x",
    "https://[64:ff9b::a00:1]/x",  # NAT64 of 10.0.0.1
    "https://[2002:0a00:0001::1]/x",  # 6to4 of 10.0.0.1
    "https://localhost/x",
    "https://user:pass@push.example.com/x",
    "ftp://push.example.com/x",
    "file:///etc/passwd",
    "https:///nohost",
]


@pytest.mark.parametrize("endpoint", HOSTILE)
def test_it_refuses_an_endpoint_that_is_not_a_public_push_service(
    alice_api, settings, push_service: PushService, endpoint: str
) -> None:
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = False
    response = alice_api.post(SUBSCRIPTIONS, _with(push_service, endpoint=endpoint), format="json")
    assert response.status_code == 400, response.content
    [error] = response.json()["errors"]
    assert error["param"] == "endpoint"
    assert not Subscription.objects.exists()


def test_a_name_that_resolves_inside_is_refused(settings, monkeypatch) -> None:
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = False

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        # A public-looking name with one public and one private answer.
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port)),
            (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::ffff:192.168.0.1", port, 0, 0)),
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    with pytest.raises(endpoints.RefusedEndpoint):
        endpoints.check("https://push.rebinding.example/abc")


def test_a_public_push_service_is_accepted(settings, monkeypatch) -> None:
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = False

    def resolve(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("2a00:1450:4001:80b::200a", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    endpoints.check("https://fcm.googleapis.com/fcm/send/abc")
    endpoints.check("https://[2a00:1450:4001:80b::200a]/wpush/v2/abc")


# --- Settings -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DEBUG": "false"}, "Set VAPID_PRIVATE_KEY"),
        ({"VAPID_PRIVATE_KEY": "not-a-key"}, "VAPID_PRIVATE_KEY must be"),
        (
            {"VAPID_PRIVATE_KEY": vapid.new_private_key(), "VAPID_PUBLIC_KEY": "AAAA"},
            "VAPID_PUBLIC_KEY is not the public half",
        ),
        ({"VAPID_SUBJECT": "someone@example.com"}, "VAPID_SUBJECT must be"),
    ],
)
def test_it_refuses_to_start_without_sound_vapid_settings(
    env: dict[str, str], message: str
) -> None:
    import os
    import secrets
    import subprocess
    import sys
    from pathlib import Path

    production = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "attune.example.org",
        "FIELD_ENCRYPTION_KEYS": "YnVpbGQtb25seS1rZXktbm90LXVzZWQtYXQtcnVudGk",
    }
    clean = {k: v for k, v in os.environ.items() if not k.startswith("VAPID_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=Path(__file__).resolve().parents[2],
        env={**clean, **production, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert message in result.stderr


def test_a_send_connects_to_the_address_that_was_checked() -> None:
    """DNS rebinding: the name is resolved and checked once, and the connection goes
    to that address (TLS still verifies the name), not to a later answer."""
    import requests

    from push import sender

    session = sender._session()
    adapter = session.get_adapter("https://push.example.com/x")
    assert isinstance(adapter, requests.adapters.HTTPAdapter)
    request = requests.Request("POST", "https://push.example.com/x").prepare()
    sender._local.pin = ("push.example.com", "[2a00:1450:4001:80b::200a]")
    try:
        host_params, pool_kwargs = adapter.build_connection_pool_key_attributes(request, True)
    finally:
        sender._local.pin = None
    assert host_params["host"] == "[2a00:1450:4001:80b::200a]"
    assert pool_kwargs["server_hostname"] == "push.example.com"
    assert pool_kwargs["assert_hostname"] == "push.example.com"
    unpinned, _ = adapter.build_connection_pool_key_attributes(request, True)
    assert unpinned["host"] == "push.example.com"
