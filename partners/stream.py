"""The stream: every change a person may learn about, as an activity for them.

One stream feeds the inbox (`GET /api/v1/inbox`) and the emails. Services call
`record` inside their transaction; what is recorded is the kind of event and
what it is about (a sync type and an id), never what anyone wrote:

- `shared` / `changed`: an item became visible to me, or what I can see of it
  changed (`partners.sharing.item_changed` decides, for every kind);
- `question`: a question about my item; `answer`: an answer to my question;
- `acknowledged`: my partner acknowledged my item; `response`: a response to
  my check-in; `paused` / `resumed` / `paired` / `unpaired`: the partnership.

Reading goes through `visible(viewer)`, the consent rule applied at read time
in two statements whatever the number of rows: an activity shows while its
target is one the viewer can see now (`partners.consent` for every registered
kind, each related type's own rows) within their current partnership. Revoking,
pausing, unpairing or deleting an account therefore empties the inbox of what
it hid on the very next request. Only the news that a partnership ended stays.

URL scheme (the web page that shows an activity; the web app builds on it):

======================================  =====================================
target                                  url
======================================  =====================================
my partner's item ``partner_<type>``    ``/partner#<type>-<id>``
                                        (``trigger``, ``boundary``,
                                        ``self-care``)
my partner's check-in                   ``/today#checkin-<id>``
a question about my item (`question`)   ``/partner#question-<id>``
an answer to my question (`answer`)     ``/partner#question-<id>``
my own item (acknowledged)              ``/mine#<type>-<id>``
my own check-in (a response)            ``/today#checkin-<id>``
no target (pause, resume, pairing)      ``/partner``
======================================  =====================================

Underscores in a type become hyphens in the anchor (``self_care`` →
``self-care``). Emails link to ``SITE_URL`` + the same url.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.quiet_hours import quiet_until
from partners import compiled, kinds, tasks
from partners.models import Notification
from partners.viewer import Viewer

Kind = Notification.Kind

# What is worth an email; the rest waits in the inbox.
EMAILED = frozenset({Kind.SHARED, Kind.QUESTION, Kind.ANSWER, Kind.RESPONSE})
# At most one email an hour.
EMAIL_INTERVAL = timedelta(hours=1)
# Types the web app shows on a page other than /mine (mine) or /partner (my
# partner's): check-ins on Today, every question thread on the partner page.
_OWNER_PAGES = {"checkin": "/today", "question": "/partner"}
_PARTNER_PAGES = {"checkin": "/today"}
_PARTNER_PREFIX = "partner_"


def url_of(*, kind: str, target_type: str, target_id: Any) -> str:
    """The page (and the place on it) that shows an activity: see the module's table."""
    if not target_type or target_id is None:
        return "/partner"
    if target_type.startswith(_PARTNER_PREFIX):
        anchor = target_type.removeprefix(_PARTNER_PREFIX)
        page = _PARTNER_PAGES.get(anchor, "/partner")
    elif kind == Kind.ANSWER:
        page, anchor = "/partner", target_type
    else:
        page, anchor = _OWNER_PAGES.get(target_type, "/mine"), target_type
    return f"{page}#{anchor.replace('_', '-')}-{target_id}"


def record(
    *,
    recipient_id: Any,
    kind: str,
    partnership_id: Any,
    target_type: str = "",
    target_id: Any = None,
) -> None:
    """Tell `recipient_id` that something happened (inside the write's transaction).

    A change of an item that waits unread already adds nothing: one entry says
    "look at it". A new share replaces the earlier news of the item. Emailed
    kinds are queued for the next email (`EMAILED`).
    """
    if recipient_id is None:
        return
    about = Notification.objects.filter(
        recipient_id=recipient_id, target_type=target_type, target_id=target_id
    )
    news = about.filter(kind__in=[Kind.SHARED, Kind.CHANGED])
    if kind == Kind.CHANGED and news.filter(read_at__isnull=True).exists():
        return
    if kind == Kind.SHARED and target_id is not None:
        # Shared again: the news of the earlier share gives way (an email
        # already sent stays on record, for the hourly limit).
        news.filter(emailed_at__isnull=True).delete()
    due = _queue_email(recipient_id=recipient_id) if kind in EMAILED else None
    Notification.objects.create(
        recipient_id=recipient_id,
        kind=kind,
        partnership_id=partnership_id,
        target_type=target_type,
        target_id=target_id,
        due_at=due,
    )


def _queue_email(*, recipient_id: Any) -> datetime:
    """When this activity's email may go. One that joins a waiting email goes with it;
    the first one due now has its send enqueued after commit."""
    now = timezone.now()
    waiting = (
        Notification.objects.filter(
            recipient_id=recipient_id, emailed_at__isnull=True, due_at__isnull=False
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    if waiting is not None:
        return waiting
    recipient = User.objects.get(pk=recipient_id)
    due = next_email_at(recipient=recipient, after=now)
    if due <= now:
        recipient_key = str(recipient_id)
        transaction.on_commit(lambda: tasks.send_notifications.delay(recipient_key))
    return due


def next_email_at(*, recipient: User, after: datetime) -> datetime:
    """The first moment after `after` an email may go: an hour after the last,
    outside quiet hours."""
    last = (
        Notification.objects.filter(recipient=recipient, emailed_at__isnull=False)
        .order_by("-emailed_at")
        .values_list("emailed_at", flat=True)
        .first()
    )
    due = max(after, last + EMAIL_INTERVAL) if last else after
    return quiet_until(user=recipient, at=due) or due


def visible(
    viewer: Viewer, *, unread: bool = False, named: Collection[tuple[Any, str]] | None = None
) -> QuerySet[Notification]:
    """The viewer's activities they may still know about (only the unread ones
    when `unread`), in two statements whatever the number of rows.

    The first reads which target types the viewer's activities in this
    partnership name; the condition then checks only those (`_visible_q`). A
    type no activity names needs no check, and building the checks of every
    kind was most of an inbox page (bench/RESULTS.md, issue 12: inbox 0.33x
    the floor; 3.4 ms to build and 1.4 ms to compile the 15 subqueries,
    against one small read of the types). `named`, when the caller read them
    already (`unread_named`), saves that read.
    """
    mine = Notification.objects.filter(recipient_id=viewer.user_id)
    if unread:
        mine = mine.filter(read_at__isnull=True)
    if not viewer.paired:
        return mine.filter(kind=Kind.UNPAIRED)
    if named is None:
        here = mine.filter(partnership_id=viewer.partnership_id).exclude(target_type="")
        types = set(here.values_list("target_type", flat=True).distinct())
    else:
        types = {kind for partnership, kind in named if partnership == viewer.partnership_id}
        types.discard("")
    # Built and compiled once per shape of viewer and set of types (`partners.compiled`).
    return mine.filter(compiled.rows_where(Notification, _visible_q, viewer, frozenset(types)))


def _visible_q(viewer: Viewer, types: frozenset[str]) -> Q:
    """The news that a partnership ended, and what happened within the current
    one about a target the viewer can see now: for a registered kind, the
    partner's items shared with me now or my items shared in my partnership;
    for a related type, its own rows."""
    about = Q(target_type="")
    for kind in kinds.all_kinds():
        items = kind.model._default_manager
        if kind.partner_sync_type in types:
            about |= Q(
                target_type=kind.partner_sync_type,
                target_id__in=items.shared_with(viewer).values("pk"),  # type: ignore[attr-defined]
            )
        if kind.sync_type in types:
            about |= Q(
                target_type=kind.sync_type,
                target_id__in=items.owned_by(viewer)  # type: ignore[attr-defined]
                .filter(shared_with_id=viewer.partnership_id)
                .values("pk"),
            )
    for related in kinds.all_related():
        if related.sync_type in types:
            about |= Q(
                target_type=related.sync_type, target_id__in=related.rows(viewer).values("pk")
            )
    here = Q(recipient_id=viewer.user_id, partnership_id=viewer.partnership_id) & about
    return Q(recipient_id=viewer.user_id, kind=Kind.UNPAIRED) | here


def unread_named(*, user_id: Any) -> set[tuple[Any, str]]:
    """(partnership id, target type) of what waits unread for `user_id`, visible
    or not; empty when nothing waits.

    A cheap first question: most reads of `me` find nothing unread, and then
    neither the viewer nor the consent filter (whose compilation, not its run,
    made `me` 0.33x the floor in bench/RESULTS.md's issue 12 figures) is needed.
    When something waits, `unread_count` takes the answer as `visible`'s first
    read: one statement fewer for `me` (5 -> 4).
    """
    rows = Notification.objects.filter(recipient_id=user_id, read_at__isnull=True)
    return set(rows.values_list("partnership_id", "target_type").distinct())


def unread_count(viewer: Viewer, *, named: Collection[tuple[Any, str]] | None = None) -> int:
    """How many of the viewer's activities wait unread that they may still see;
    `named` is `unread_named`'s answer for them, when read already."""
    if named is not None and not named:
        return 0
    return visible(viewer, unread=True, named=named).count()


def mark_read(*, viewer: Viewer, ids: list[Any] | None = None) -> int:
    """Mark the given activities (all when `ids` is None) read; others' ids and
    ids the viewer may no longer see are ignored alike."""
    rows = visible(viewer, unread=True)
    if ids is not None:
        rows = rows.filter(pk__in=ids)
    # Through a plain filter on ids: some databases refuse an UPDATE whose
    # WHERE reads the same table in a subquery.
    chosen = list(rows.values_list("pk", flat=True))
    return Notification.objects.filter(pk__in=chosen).update(read_at=timezone.now())


def compact(*, before: datetime) -> int:
    """Forget activities created before `before`; how many went."""
    deleted, _ = Notification.objects.filter(created_at__lt=before).delete()
    return deleted
