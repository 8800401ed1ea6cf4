"""Sending one Web Push message: RFC 8291 encryption (aes128gcm) and RFC 8292 VAPID,
through pywebpush, over a pooled HTTPS session.

One session per worker process keeps connections to each push service open
across the messages of a batch (most messages go to two or three services). The
VAPID header is signed once per push service and reused until near its expiry:
signing costs more than encrypting. Redirects are never followed: a push service
answers, it does not send attune elsewhere (nor inside its network).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings
from py_vapid import Vapid
from pywebpush import WebPusher
from requests.adapters import HTTPAdapter

from push import endpoints
from push.models import Subscription

TIMEOUT = (5, 10)  # seconds to connect, to read
VAPID_LIFETIME = 12 * 60 * 60
VAPID_RENEW_BEFORE = 60 * 60


class Gone(Exception):
    """The push service says this subscription no longer exists (404, 410)."""


class Refused(Exception):
    """The push service refused this message for good (another 4xx): not retried."""


class PushUnavailable(OSError):
    """The push service could not take the message now (5xx, 429, no answer): retried.
    An OSError, like the mail errors, so the sending tasks retry it with backoff."""


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    url: str  # a path on the site: the page the notification opens
    tag: str  # the notification's tag: a newer one replaces an older on screen
    ttl: int  # seconds the push service may hold it for an offline device
    urgency: str = "normal"

    def payload(self) -> bytes:
        return json.dumps(
            {"title": self.title, "body": self.body, "url": self.url, "tag": self.tag},
            separators=(",", ":"),
        ).encode()


class _PinnedAdapter(HTTPAdapter):
    """Connects to the address `endpoints.check` just found public, not to whatever
    the name resolves to a moment later (DNS rebinding); TLS still checks the name."""

    def build_connection_pool_key_attributes(  # type: ignore[no-untyped-def]
        self, request, verify, cert=None
    ):
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(
            request, verify, cert
        )
        pin = getattr(_local, "pin", None)
        if pin is not None and host_params["scheme"] == "https" and host_params["host"] == pin[0]:
            name, address = pin
            pool_kwargs = {**pool_kwargs, "server_hostname": name, "assert_hostname": name}
            host_params = {**host_params, "host": address}
        return host_params, pool_kwargs


class _Session(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        # No proxy or .netrc from the environment.
        self.trust_env = False
        adapter = _PinnedAdapter(pool_connections=16, pool_maxsize=16, max_retries=0)
        self.mount("https://", adapter)
        self.mount("http://", adapter)

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs["allow_redirects"] = False
        return super().request(method, url, *args, **kwargs)


_local = threading.local()


def _session() -> _Session:
    session = getattr(_local, "session", None)
    if session is None:
        session = _local.session = _Session()
    return session


def _vapid_headers(endpoint: str) -> dict[str, str]:
    parts = urlsplit(endpoint)
    audience = f"{parts.scheme}://{parts.netloc}"
    cache: dict[str, tuple[float, dict[str, str]]] = _local.__dict__.setdefault("vapid", {})
    now = time.time()
    found = cache.get(audience)
    if found is None or found[0] - VAPID_RENEW_BEFORE < now:
        expires = int(now) + VAPID_LIFETIME
        claims = {"sub": settings.VAPID_SUBJECT, "aud": audience, "exp": expires}
        signer = Vapid.from_raw(settings.VAPID_PRIVATE_KEY.encode())
        found = (expires, dict(signer.sign(claims)))
        cache[audience] = found
    return found[1]


def send(*, subscription: Subscription, message: Message) -> None:
    """Send `message` to one device. Raises Gone, Refused, PushUnavailable or
    endpoints.RefusedEndpoint (the endpoint now resolves somewhere not public)."""
    try:
        addresses = endpoints.check(subscription.endpoint)
    except endpoints.Unresolved:
        raise PushUnavailable("push service name did not resolve") from None
    host = urlsplit(subscription.endpoint).hostname or ""
    pinned = addresses[0] if addresses else None
    info = {
        "endpoint": subscription.endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    headers = {**_vapid_headers(subscription.endpoint), "Urgency": message.urgency}
    # RFC 8030 Topic: a newer message of the same tag replaces one still waiting.
    headers["Topic"] = message.tag
    if pinned is not None and host.strip("[]") != str(pinned):
        _local.pin = (host, f"[{pinned}]" if pinned.version == 6 else str(pinned))
        # The connection is to the address; the request still names the host.
        headers["Host"] = urlsplit(subscription.endpoint).netloc
    else:
        _local.pin = None
    try:
        response = WebPusher(info, requests_session=_session()).send(
            message.payload(),
            headers,
            ttl=message.ttl,
            content_encoding="aes128gcm",
            timeout=TIMEOUT,
        )
    except requests.RequestException as exc:
        raise PushUnavailable(f"push service unreachable: {type(exc).__name__}") from None
    finally:
        _local.pin = None
    status = response.status_code
    if status in (404, 410):
        raise Gone(status)
    if status == 429 or status >= 500:
        raise PushUnavailable(f"push service answered {status}")
    if status >= 300:
        raise Refused(status)
