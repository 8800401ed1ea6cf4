"""Second factors for tests: RFC 6238 codes, and a software passkey.

`totp_code` computes what an authenticator app shows (allauth's parameters:
SHA-1, 30-second steps, six digits); `fresh_code` waits, when needed, so that a
code has a few seconds of life left.

`SoftPasskey` tests WebAuthn through the API without a browser. It does what a
platform authenticator does, with the `fido2` package's data types: makes an
ES256 key pair per credential, answers a creation request with a "none"
attestation, and signs assertions with a counter. The JSON it returns
is what a browser's `PublicKeyCredential.toJSON()` gives a client app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import struct
import time
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.webauthn import (
    Aaguid,
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
)


def totp_code(secret: str, *, at: float | None = None) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def fresh_code(secret: str, *, margin: float = 4) -> str:
    """A code with at least `margin` seconds of life left (each is good for its 30 s only)."""
    if 30 - time.time() % 30 < margin:
        time.sleep(30 - time.time() % 30 + 0.1)
    return totp_code(secret)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Credential:
    credential_id: bytes
    private_key: ec.EllipticCurvePrivateKey
    rp_id: str
    user_handle: bytes
    sign_count: int = 0


@dataclass
class SoftPasskey:
    origin: str = "http://testserver"
    credentials: list[Credential] = field(default_factory=list)

    FLAGS = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        """Answer `publicKey` creation options (the JSON allauth sends)."""
        rp_id = options["rp"]["id"]
        key = ec.generate_private_key(ec.SECP256R1())
        credential = Credential(
            credential_id=os.urandom(32),
            private_key=key,
            rp_id=rp_id,
            user_handle=unb64url(options["user"]["id"]),
        )
        attested = AttestedCredentialData.create(
            Aaguid.NONE, credential.credential_id, ES256.from_cryptography_key(key.public_key())
        )
        auth_data = AuthenticatorData.create(
            hashlib.sha256(rp_id.encode()).digest(),
            self.FLAGS | AuthenticatorData.FLAG.AT,
            0,
            bytes(attested),
        )
        attestation = AttestationObject.create("none", auth_data, {})
        client_data = self._client_data("webauthn.create", options["challenge"])
        self.credentials.append(credential)
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {"credProps": {"rk": True}},
            "response": {
                "clientDataJSON": b64url(client_data),
                "attestationObject": b64url(bytes(attestation)),
                "transports": ["internal"],
            },
        }

    def get(self, options: dict[str, Any]) -> dict[str, Any]:
        """Answer `publicKey` request options with the newest matching credential."""
        allowed = {unb64url(c["id"]) for c in options.get("allowCredentials") or []}
        credential = next(
            c
            for c in reversed(self.credentials)
            if c.rp_id == options["rpId"] and (not allowed or c.credential_id in allowed)
        )
        credential.sign_count += 1
        auth_data = bytes(
            AuthenticatorData.create(
                hashlib.sha256(credential.rp_id.encode()).digest(),
                self.FLAGS,
                credential.sign_count,
            )
        )
        client_data = self._client_data("webauthn.get", options["challenge"])
        signature = credential.private_key.sign(
            auth_data + hashlib.sha256(client_data).digest(), ec.ECDSA(hashes.SHA256())
        )
        return {
            "id": b64url(credential.credential_id),
            "rawId": b64url(credential.credential_id),
            "type": "public-key",
            "authenticatorAttachment": "platform",
            "clientExtensionResults": {},
            "response": {
                "clientDataJSON": b64url(client_data),
                "authenticatorData": b64url(auth_data),
                "signature": b64url(signature),
                "userHandle": b64url(credential.user_handle),
            },
        }

    def _client_data(self, kind: str, challenge: str) -> bytes:
        return json.dumps(
            {"type": kind, "challenge": challenge, "origin": self.origin, "crossOrigin": False},
            separators=(",", ":"),
        ).encode()
