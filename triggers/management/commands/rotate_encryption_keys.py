"""Re-encrypt every encrypted column with the newest key in FIELD_ENCRYPTION_KEYS.

Run it after putting a new key first in the list (keeping the old ones after it);
once it has finished, the old keys can be dropped.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction

from attune.fields import EncryptedTextField


def encrypted_models() -> list[tuple[type[models.Model], list[str]]]:
    found = []
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def rotate(model: type[models.Model], fields: list[str], *, batch_size: int) -> int:
    """Rewrite rows in primary-key order, one locked batch per transaction."""
    done, last_pk = 0, None
    while True:
        with transaction.atomic():
            rows = model._default_manager.select_for_update().order_by("pk").only("pk", *fields)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            batch = list(rows[:batch_size])
            if not batch:
                return done
            # Reading decrypted with whichever key fits; saving encrypts with the newest.
            model._default_manager.bulk_update(batch, fields)
        done += len(batch)
        last_pk = batch[-1].pk


class Command(BaseCommand):
    help = "Re-encrypt all encrypted fields with the newest key in FIELD_ENCRYPTION_KEYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, **options: Any) -> None:
        for model, fields in encrypted_models():
            count = rotate(model, fields, batch_size=options["batch_size"])
            self.stdout.write(f"{model._meta.label}: re-encrypted {count} rows")
