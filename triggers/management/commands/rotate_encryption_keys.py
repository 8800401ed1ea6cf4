"""Re-encrypt every encrypted column with the newest key in FIELD_ENCRYPTION_KEYS.

Run it after putting a new key first in the list (keeping the old ones after it);
once it has finished, the old keys can be dropped. It also rewrites values from
before encryption was bound to each row (attune.fields) in the row-bound form.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.db.models import Value

from attune.fields import EncryptedTextField


def encrypted_models() -> list[tuple[type[models.Model], list[EncryptedTextField]]]:
    found = []
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found.append((model, fields))
    return found


def rotate(model: type[models.Model], fields: list[EncryptedTextField], *, batch_size: int) -> int:
    """Rewrite rows in primary-key order, one locked batch per transaction."""
    names = [field.name for field in fields]
    done, last_pk = 0, None
    while True:
        with transaction.atomic():
            rows = model._default_manager.select_for_update().order_by("pk").only("pk", *names)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            # Loading opens each value with whichever key and form wrote it.
            batch = list(rows[:batch_size])
            if not batch:
                return done
            for row in batch:
                _seal_for_bulk_update(row, fields)
            model._default_manager.bulk_update(batch, names)
        done += len(batch)
        last_pk = batch[-1].pk


def _seal_for_bulk_update(row: models.Model, fields: list[EncryptedTextField]) -> None:
    """bulk_update prepares values without their row, so each comes sealed for
    its own row (with the newest key) as a ready value."""
    for field in fields:
        if getattr(row, field.attname) is not None:
            setattr(row, field.attname, Value(field.seal(row), output_field=field))


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the newest key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        for model, fields in encrypted_models():
            count = rotate(model, fields, batch_size=options["batch_size"])
            self.stdout.write(f"{model._meta.label}: re-encrypted {count} rows")
