"""A send over TLS goes to the address the endpoint check found public, even when
the name answers otherwise a moment later (DNS rebinding); TLS checks the name."""

from __future__ import annotations

import datetime as dt
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from push import endpoints, sender
from push.models import Subscription
from tests.push.service import Device, b64url

NAME = "push.test"


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_service(tmp_path: Path) -> Iterator[tuple[int, list[str], Path]]:
    cert_path, key_path = _certificate(tmp_path)
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hosts.append(self.headers["Host"])
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    session = sender._session()
    session.verify = str(cert_path)
    try:
        yield server.server_address[1], hosts, cert_path
    finally:
        session.verify = True
        session.close()
        sender._local.session = None
        server.shutdown()
        server.server_close()


def test_it_connects_to_the_checked_address_and_names_the_host(
    settings, monkeypatch, tls_service: tuple[int, list[str], Path]
) -> None:
    port, hosts, _ = tls_service
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = False
    answers = iter(["127.0.0.1", "10.9.9.9"])  # then the name points inside
    system = socket.getaddrinfo

    def resolve(host: str, port_: Any, *args: Any, **kwargs: Any) -> list[Any]:
        if host != NAME:
            return system(host, port_, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port_))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    # This machine's address stands in for a public one.
    loopback = ipaddress.ip_address("127.0.0.1")
    real = endpoints.is_public
    monkeypatch.setattr(endpoints, "is_public", lambda a: a == loopback or real(a))
    device = Device("tls")
    subscription = Subscription(
        endpoint=f"https://{NAME}:{port}/abc", p256dh=device.p256dh, auth=b64url(device.auth)
    )

    sender.send(subscription=subscription, message=sender.Message("t", "b", "/u", "tag", 60))

    assert hosts == [f"{NAME}:{port}"]
