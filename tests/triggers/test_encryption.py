"""Free text is encrypted at rest; keys rotate without losing a word."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from attune.crypto import DecryptionError, generate_key, keyring
from tests.factories import UserFactory
from triggers.models import Boundary, Question, Trigger

pytestmark = pytest.mark.django_db

SECRETS = {
    "title": "SECRET-title-words",
    "signs": "SECRET-signs-words",
    "helps": "SECRET-helps-words",
    "avoid": "SECRET-avoid-words",
    "notes": "SECRET-notes-words",
}


def raw_row(model, pk) -> dict[str, str]:  # type: ignore[no-untyped-def]
    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(columns)} FROM {table} WHERE id = %s",
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        return dict(zip(columns, cursor.fetchone(), strict=True))


def make_items(owner):  # type: ignore[no-untyped-def]
    trigger = Trigger.objects.create(owner=owner, **SECRETS)
    boundary = Boundary.objects.create(
        owner=owner,
        statement="SECRET-statement",
        why="SECRET-why",
        how_to_honor="SECRET-honor",
        notes="SECRET-bnotes",
    )
    return trigger, boundary


def test_it_stores_no_plaintext(alice) -> None:
    trigger, boundary = make_items(alice)
    question = Question.objects.create(
        trigger=trigger,
        asker=alice,
        partnership_id=_any_partnership(alice),
        text="SECRET-question",
        answer="SECRET-answer",
    )
    for model, pk in ((Trigger, trigger.pk), (Boundary, boundary.pk), (Question, question.pk)):
        row = raw_row(model, pk)
        assert not any("SECRET" in str(value) for value in row.values()), row
    assert raw_row(Trigger, trigger.pk)["title"].startswith(keyring().current_id + ":")
    assert Trigger.objects.get().title == "SECRET-title-words"


def _any_partnership(user):  # type: ignore[no-untyped-def]
    from accounts.models import Partnership

    return Partnership.objects.create().pk


def test_it_gives_the_same_text_a_different_ciphertext_each_time(alice) -> None:
    first = Trigger.objects.create(owner=alice, title="same")
    second = Trigger.objects.create(owner=alice, title="same")
    assert raw_row(Trigger, first.pk)["title"] != raw_row(Trigger, second.pk)["title"]


def test_it_refuses_a_value_moved_to_another_column(alice) -> None:
    trigger = Trigger.objects.create(owner=alice, title="moved", signs="")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE triggers_trigger SET signs = title WHERE id = %s",
            [Trigger._meta.pk.get_db_prep_value(trigger.pk, connection)],
        )
    with pytest.raises(DecryptionError):
        Trigger.objects.get(pk=trigger.pk)


def test_it_rotates_to_a_new_key_and_reads_after_the_old_one_is_dropped(settings) -> None:
    old, new = generate_key(), generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    owner = UserFactory.create()
    trigger, boundary = make_items(owner)
    old_id = keyring().current_id

    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    # Before rotating, both keys read; new writes use the new key.
    assert Trigger.objects.get(pk=trigger.pk).title == SECRETS["title"]
    new_id = keyring().current_id
    assert new_id != old_id
    out = io.StringIO()
    call_command("rotate_encryption_keys", batch_size=1, stdout=out)
    assert "triggers.Trigger: re-encrypted 1 rows" in out.getvalue()

    for model, pk in ((Trigger, trigger.pk), (Boundary, boundary.pk)):
        row = raw_row(model, pk)
        encrypted = [v for k, v in row.items() if isinstance(v, str) and ":" in v and k != "id"]
        assert encrypted and all(v.startswith(new_id + ":") for v in encrypted), row

    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Trigger.objects.get(pk=trigger.pk).notes == SECRETS["notes"]
    assert Boundary.objects.get(pk=boundary.pk).statement == "SECRET-statement"


def test_it_fails_loudly_when_a_needed_key_is_missing(settings) -> None:
    settings.FIELD_ENCRYPTION_KEYS = [generate_key()]
    owner = UserFactory.create()
    Trigger.objects.create(owner=owner, title="kept")
    settings.FIELD_ENCRYPTION_KEYS = [generate_key()]
    with pytest.raises(DecryptionError):
        Trigger.objects.get()


def test_it_refuses_a_malformed_key(settings) -> None:
    settings.FIELD_ENCRYPTION_KEYS = ["too-short"]
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        keyring()
