"""Encryption at rest for free text: AES-256-GCM from `cryptography`, several keys.

A stored value reads `<key id>:<base64(nonce + ciphertext + tag)>`. The newest key
(the first in FIELD_ENCRYPTION_KEYS) encrypts; any listed key decrypts, found by
its id, so keys can rotate without downtime. The caller binds each value to
where it is stored through associated data, so that a copy elsewhere does not
decrypt: attune.fields binds the model, the column and the row's primary key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value that no configured key opens (a dropped key, or tampering)."""


def generate_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def _key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


def _decode_key(text: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ImproperlyConfigured(
            "Each FIELD_ENCRYPTION_KEYS entry must be 32 bytes in URL-safe base64 "
            '(make one with: python -c "from attune.crypto import generate_key; '
            'print(generate_key())")'
        )
    return key


@dataclass(frozen=True)
class Keyring:
    current_id: str
    ciphers: dict[str, AESGCM]

    def encrypt(self, plaintext: str, *, aad: bytes) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self.ciphers[self.current_id].encrypt(nonce, plaintext.encode(), aad)
        return f"{self.current_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, *, aad: bytes) -> str:
        key_id, _, body = stored.partition(":")
        cipher = self.ciphers.get(key_id)
        if cipher is None:
            raise DecryptionError(f"No configured key has id {key_id!r}.")
        try:
            raw = base64.b64decode(body)
            return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad).decode()
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise DecryptionError("A stored value failed authentication.") from exc


def _build_keyring() -> Keyring:
    texts = list(settings.FIELD_ENCRYPTION_KEYS)
    if texts:
        keys = [_decode_key(text) for text in texts]
    else:
        # Development only (settings refuse an empty list when DEBUG is off):
        # a key derived from SECRET_KEY, so a fresh checkout just works.
        keys = [hashlib.sha256(b"attune-field-encryption:" + settings.SECRET_KEY.encode()).digest()]
    ciphers = {_key_id(key): AESGCM(key) for key in keys}
    return Keyring(current_id=_key_id(keys[0]), ciphers=ciphers)


_keyring: Keyring | None = None


def keyring() -> Keyring:
    global _keyring
    if _keyring is None:
        _keyring = _build_keyring()
    return _keyring


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: object) -> None:
    global _keyring
    if setting in ("FIELD_ENCRYPTION_KEYS", "SECRET_KEY"):
        _keyring = None
