"""Free text is encrypted at rest; keys rotate without losing a word."""

import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, transaction

from attune.crypto import DecryptionError, generate_key, keyring
from attune.fields import EncryptedTextField, open_values
from checkins.models import CheckIn
from partners.models import Membership
from tests.factories import UserFactory
from triggers import services as trigger_services
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
        item_type="trigger",
        item_id=trigger.pk,
        asker=alice,
        partnership_id=_any_partnership(alice),
        text="SECRET-question",
        answer="SECRET-answer",
    )
    for model, pk in ((Trigger, trigger.pk), (Boundary, boundary.pk), (Question, question.pk)):
        row = raw_row(model, pk)
        assert not any("SECRET" in str(value) for value in row.values()), row
    assert raw_row(Trigger, trigger.pk)["title"].startswith(f"v2:{keyring().current_id}:")
    assert Trigger.objects.get().title == "SECRET-title-words"


def _any_partnership(user):  # type: ignore[no-untyped-def]
    from partners.models import Partnership

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
        encrypted = [
            row[f.attname] for f in model._meta.fields if isinstance(f, EncryptedTextField)
        ]
        assert encrypted and all(v.startswith(f"v2:{new_id}:") for v in encrypted), row

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


def write_raw(model, pk, **columns: str) -> None:  # type: ignore[no-untyped-def]
    """What someone with write access to the database can do, bypassing attune."""
    assignments = ", ".join(f"{column} = %s" for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {model._meta.db_table} SET {assignments} WHERE id = %s",
            [*columns.values(), model._meta.pk.get_db_prep_value(pk, connection)],
        )


def test_it_refuses_a_private_value_copied_into_another_row(alice, bob) -> None:
    private = Trigger.objects.create(owner=alice, title="mine", notes="SECRET-only-mine")
    shared = Trigger.objects.create(owner=alice, title="ours", signs="")
    trigger_services.item_share(item=shared, by=alice)

    # Into a shared column of another row, and into the same column of another row.
    for column, source in (("signs", "notes"), ("title", "title"), ("notes", "notes")):
        write_raw(Trigger, shared.pk, **{column: raw_row(Trigger, private.pk)[source]})
        with pytest.raises(DecryptionError):
            Trigger.objects.get(pk=shared.pk)
        # The partner's list reads rows with values(): refused there too.
        row = Trigger.objects.filter(pk=shared.pk).values("id", column).get()
        with pytest.raises(DecryptionError):
            open_values(Trigger, row)
    assert Trigger.objects.get(pk=private.pk).notes == "SECRET-only-mine"


def test_it_refuses_a_copied_answer_and_a_copied_check_in_note(alice, bob) -> None:
    trigger = Trigger.objects.create(owner=alice, title="t")
    partnership = Membership.objects.get(user=alice, ended_at=None).partnership
    first = Question.objects.create(
        item_type="trigger",
        item_id=trigger.pk,
        asker=bob,
        partnership=partnership,
        text="q1",
        answer="SECRET-a1",
    )
    second = Question.objects.create(
        item_type="trigger", item_id=trigger.pk, asker=bob, partnership=partnership, text="q2"
    )
    write_raw(Question, second.pk, answer=raw_row(Question, first.pk)["answer"])
    with pytest.raises(DecryptionError):
        Question.objects.get(pk=second.pk)

    mine = CheckIn.objects.create(owner=alice, pleasantness=0, energy=0, note="SECRET-note")
    other = CheckIn.objects.create(owner=alice, pleasantness=0, energy=0, note="")
    write_raw(CheckIn, other.pk, note=raw_row(CheckIn, mine.pk)["note"])
    with pytest.raises(DecryptionError):
        CheckIn.objects.get(pk=other.pk)


def legacy_value(model, field_name: str, plaintext: str) -> str:  # type: ignore[no-untyped-def]
    """A value as stored before values were bound to their row: column only."""
    aad = f"{model._meta.label_lower}.{field_name}".encode()
    return keyring().encrypt(plaintext, aad=aad)


def test_it_reads_values_from_before_rows_were_bound_until_rotation_rewrites_them(
    alice, settings
) -> None:
    old = generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [old]
    trigger = Trigger.objects.create(owner=alice, title="placeholder")
    before = legacy_value(Trigger, "title", "written long ago")
    write_raw(Trigger, trigger.pk, title=before, notes=legacy_value(Trigger, "notes", "old notes"))
    loaded = Trigger.objects.get(pk=trigger.pk)
    assert (loaded.title, loaded.notes) == ("written long ago", "old notes")

    new = generate_key()
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_encryption_keys", stdout=io.StringIO())
    row = raw_row(Trigger, trigger.pk)
    assert row["title"].startswith(f"v2:{keyring().current_id}:")
    assert row["notes"].startswith(f"v2:{keyring().current_id}:")
    loaded = Trigger.objects.get(pk=trigger.pk)
    assert (loaded.title, loaded.notes) == ("written long ago", "old notes")

    # With the old key dropped, a value in the old form (a copy kept from
    # before the rotation, planted back) opens nowhere.
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Trigger.objects.get(pk=trigger.pk).title == "written long ago"
    write_raw(Trigger, trigger.pk, title=before)
    with pytest.raises(DecryptionError):
        Trigger.objects.get(pk=trigger.pk)


def test_it_binds_rows_written_in_bulk(alice) -> None:
    made = Trigger.objects.bulk_create(
        [Trigger(owner=alice, title=f"bulk {n}", notes=f"SECRET-{n}") for n in range(3)]
    )
    for item in made:
        row = raw_row(Trigger, item.pk)
        assert "SECRET" not in row["notes"] and row["notes"].startswith("v2:")
    loaded = {t.title: t.notes for t in Trigger.objects.all()}
    assert loaded == {f"bulk {n}": f"SECRET-{n}" for n in range(3)}


def test_it_refuses_writes_that_cannot_be_bound_to_their_row(alice) -> None:
    trigger = Trigger.objects.create(owner=alice, title="kept")
    trigger.title = "changed"
    with pytest.raises(ValueError, match="encrypted for its row"), transaction.atomic():
        Trigger.objects.bulk_update([trigger], ["title"])
    with pytest.raises(ValueError, match="encrypted for its row"), transaction.atomic():
        Trigger.objects.filter(pk=trigger.pk).update(title="changed")
    assert Trigger.objects.get(pk=trigger.pk).title == "kept"
    # Clearing is fine: nothing to bind.
    Question.objects.about(trigger).update(answer=None)


def test_it_reads_deferred_and_related_values(alice, bob) -> None:
    trigger = Trigger.objects.create(owner=alice, title="deferred", notes="n")
    assert Trigger.objects.only("id").get(pk=trigger.pk).title == "deferred"
    checkin = CheckIn.objects.create(owner=alice, pleasantness=0, energy=0, note="why?")
    checkin.triggers.add(trigger)
    link = CheckIn.triggers.through.objects.select_related("checkin", "trigger").get()
    assert (link.checkin.note, link.trigger.title) == ("why?", "deferred")
