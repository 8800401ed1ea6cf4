"""VAPID keys (RFC 8292): the server's P-256 key pair that signs each push request.

Both halves travel as base64url without padding: the private key as its 32-byte
scalar, the public key as the 65-byte uncompressed point browsers take as
`applicationServerKey`. Settings reads them from the environment; a local run
without them gets a pair made once and kept under the var directory.
"""

from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(value: str) -> bytes:
    """Strict base64url: padding optional, any other character refused (ValueError)."""
    if not value or any(ch not in _ALPHABET for ch in value.rstrip("=")):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(value.rstrip("=") + "=" * (-len(value.rstrip("=")) % 4))


_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def private_key_of(value: str) -> ec.EllipticCurvePrivateKey:
    raw = b64url_decode(value)
    if len(raw) != 32:
        raise ValueError("a VAPID private key is 32 bytes")
    return ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())


def public_key_of(private_value: str) -> str:
    point = private_key_of(private_value).public_key()
    return b64url(point.public_bytes(Encoding.X962, PublicFormat.UncompressedPoint))


def new_private_key() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def local_private_key(path: Path) -> str:
    """The development key kept at `path`, made on first use (readable by its owner only)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        # Made earlier, or just now by another process starting beside this one.
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(new_private_key())
    return path.read_text().strip()


if __name__ == "__main__":
    # `python -m push.vapid`: a new pair, as the environment takes it.
    _private = new_private_key()
    print(f"VAPID_PRIVATE_KEY={_private}")
    print(f"VAPID_PUBLIC_KEY={public_key_of(_private)}")
