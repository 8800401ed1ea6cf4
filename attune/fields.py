from __future__ import annotations

from typing import Any

from django.db import models

from attune.crypto import keyring


class EncryptedTextField(models.TextField):
    """Text encrypted at rest (see attune.crypto). It cannot be searched or sorted on."""

    @property
    def _aad(self) -> bytes:
        return f"{self.model._meta.label_lower}.{self.name}".encode()

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None:
            return None
        return keyring().decrypt(value, aad=self._aad)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return keyring().encrypt(value, aad=self._aad)
