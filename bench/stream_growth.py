"""How the stream (sync feed and inbox) grows per active couple per month.

Plays one month of an active couple through attune's own services on a
throwaway SQLite database, counts the feed and inbox rows it leaves, then ages
them past `STREAM_RETENTION_DAYS` and compacts, to show what a quiet year
leaves behind. Prints the figures; bench/RESULTS.md reads them by hand.

    .venv/bin/python bench/stream_growth.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DAYS = 30


def main() -> None:
    var = tempfile.mkdtemp(prefix="attune-stream-")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="attune.settings",
        ATTUNE_VAR_DIR=var,
        DATABASE_URL=f"sqlite:///{var}/bench.sqlite3",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    import django

    django.setup()
    from datetime import timedelta

    from django.core.management import call_command
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from accounts.models import User
    from checkins import services as checkins
    from partners import services as partners
    from partners.models import FeedEntry, Notification
    from triggers import services as triggers
    from triggers.models import Boundary, Trigger

    setup_test_environment()
    call_command("migrate", verbosity=0)
    alice = User.objects.create_user(email="alice@example.com", password="a long passphrase")
    bob = User.objects.create_user(email="bob@example.com", password="a long passphrase")
    partners.invitation_accept(token=partners.invitation_create(inviter=alice).token, user=bob)
    couple = (alice, bob)

    # A month of two people who use attune every day.
    for person, partner in (couple, couple[::-1]):
        items = [
            triggers.item_create(model=Trigger, owner=person, fields={"title": f"t{n}"})
            for n in range(4)
        ] + [
            triggers.item_create(model=Boundary, owner=person, fields={"statement": f"b{n}"})
            for n in range(2)
        ]
        for item in items:
            triggers.item_share(item=item, by=person)
        for n in range(8):  # edits the partner sees
            triggers.item_update(
                item=items[n % 6], fields={"helps" if n % 6 < 4 else "why": f"{n}"}
            )
        for n in range(4):  # edits of private notes: nothing for the partner
            triggers.item_update(item=items[n], fields={"notes": f"private {n}"})
        for n in range(3):
            seen = Trigger.objects.get(pk=items[n].pk)
            triggers.item_acknowledge(item=seen, by=partner)
            question = triggers.question_ask(item=seen, by=partner, text="?")
            triggers.question_answer(question=question, text="!")
        for day in range(DAYS):
            fields = {"pleasantness": 1, "energy": 0, "need": "listening", "shared": day % 2 == 0}
            checkin, *_ = checkins.checkin_create(owner=person, fields=fields)
            if day % 4 == 0:
                checkins.response_create(checkin=checkin, by=partner, kind="heard")
        partners.partnership_set_paused(user=person, paused=True)
        partners.partnership_set_paused(user=person, paused=False)

    feed_month = FeedEntry.objects.count()
    inbox_month = Notification.objects.count()
    print(f"one active couple, one month ({DAYS} days):")
    print(f"  feed entries:  {feed_month} ({feed_month // 2} a person)")
    print(f"  inbox entries: {inbox_month} ({inbox_month // 2} a person)")

    # A year later, with nothing new: what compaction keeps.
    long_ago = timezone.now() - timedelta(days=365)
    FeedEntry.objects.update(created_at=long_ago)
    Notification.objects.update(created_at=long_ago)
    partners.stream_compact()
    print("after compaction, that month a year on:")
    print(f"  feed entries:  {FeedEntry.objects.count()} (the last entry of each object)")
    print(f"  inbox entries: {Notification.objects.count()}")


if __name__ == "__main__":
    main()
