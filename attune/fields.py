"""Text encrypted at rest and bound to its row (the keys: attune.crypto).

A value is sealed with the model, the column and the row's primary key as
associated data, and stored as `v2:<key id>:<base64>`. Someone who can write to
the database cannot make a value speak elsewhere: one copied into another
column, or into the same column of another row (a private `notes` moved into a
shared field, say), fails to open there.

The database hands over one column at a time (`from_db_value`), without the
row, so a value arrives `Sealed` and is opened once the model instance is whole
(`post_init`, as Django's ImageField reads its sizes). Rows read with
`values()` are opened by `open_values`, given the primary key among the values.
Writes are sealed in `pre_save`, where the instance is at hand: `save()`,
`create()` and `bulk_create()` all pass there. `update()` and `bulk_update()`
prepare values without their row: they are refused, unless each value comes
sealed for its row (`field.seal(instance)`, as `rotate_encryption_keys` does).

Values written before rows were bound (`<key id>:<base64>`, bound to the column
only) are still read; `python manage.py rotate_encryption_keys` rewrites every
one of them in the row-bound form. To refuse the old form afterwards, rotate to
a new key and then drop the old one: nothing opens an old value then.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core import checks
from django.db import models
from django.db.models import signals

from attune.crypto import keyring

ROW_BOUND = "v2:"


class Sealed(str):
    """A stored value as the database holds it, not yet opened for its row."""

    __slots__ = ()


class EncryptedTextField(models.TextField):
    """Text encrypted at rest, bound to its row. It cannot be searched or sorted on."""

    _column_aad: bytes  # "<app>.<model>.<field>", set once the field joins its model

    def contribute_to_class(
        self, cls: type[models.Model], name: str, private_only: bool = False
    ) -> None:
        super().contribute_to_class(cls, name, private_only=private_only)
        self._column_aad = f"{cls._meta.label_lower}.{self.name}".encode()
        if not cls._meta.abstract:
            signals.post_init.connect(self._open_loaded, sender=cls)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        return [*super().check(**kwargs), *self._check_row_key()]

    def _check_row_key(self) -> list[checks.CheckMessage]:
        pk = self.model._meta.pk
        if self.model._meta.abstract or pk is None or pk.has_default():
            return []
        return [
            checks.Error(
                "An encrypted field is bound to its row's primary key, which must be "
                "known before the row is saved.",
                hint="Give the model a primary key with a default, e.g. "
                "UUIDField(primary_key=True, default=uuid.uuid4).",
                obj=self,
                id="attune.E001",
            )
        ]

    def _row_aad(self, pk: Any) -> bytes:
        if pk is None:
            raise ValueError(f"{self.model._meta.label}.{self.name} needs its row's primary key.")
        key = self.model._meta.pk.to_python(pk)  # type: ignore[union-attr]
        return self._column_aad + f":{key}".encode()

    def seal(self, instance: models.Model) -> Sealed:
        """`instance`'s value of this field, encrypted for its row with the newest key."""
        plaintext = str(getattr(instance, self.attname))
        return Sealed(ROW_BOUND + keyring().encrypt(plaintext, aad=self._row_aad(instance.pk)))

    def open(self, stored: str, *, pk: Any) -> str:
        """Raises attune.crypto.DecryptionError for a value not written for this row."""
        if stored.startswith(ROW_BOUND):
            return keyring().decrypt(stored.removeprefix(ROW_BOUND), aad=self._row_aad(pk))
        # Written before values were bound to their row (see the module's docstring).
        return keyring().decrypt(stored, aad=self._column_aad)

    def _open_loaded(self, *, instance: models.Model, **kwargs: Any) -> None:
        value = instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            instance.__dict__[self.attname] = self.open(value, pk=instance.pk)

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return None if value is None else Sealed(value)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = super().pre_save(model_instance, add)
        if value is None or hasattr(value, "resolve_expression"):
            return value
        return self.seal(model_instance)

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None:
            return None
        if isinstance(value, Sealed):
            return str(value)
        raise ValueError(
            f"{self.model._meta.label}.{self.name} is encrypted for its row: write it "
            "through the model instance (save, create, bulk_create), not update() or "
            "bulk_update(), and do not filter on it."
        )


def open_values(model: type[models.Model], row: Mapping[str, Any]) -> dict[str, Any]:
    """A row read with `values()`, with its encrypted values opened. The primary
    key must be among the values read."""
    pk_name = model._meta.pk.attname  # type: ignore[union-attr]
    pk = row["pk"] if "pk" in row else row[pk_name]
    opened = dict(row)
    for name, value in row.items():
        if isinstance(value, Sealed):
            field = model._meta.get_field(name)
            assert isinstance(field, EncryptedTextField)
            opened[name] = field.open(value, pk=pk)
    return opened
