"""Reading the change feed: each entry becomes the object's current data, or a
deletion when the reader may no longer see it.

Data is always read through the same selectors the API's list endpoints use, so
the feed can never show more than the API does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from rest_framework.serializers import BaseSerializer

from accounts import selectors as accounts_selectors
from accounts.models import FeedEntry, Membership, User
from attune.errors import Invalid
from checkins import selectors as checkins_selectors
from checkins.serializers import CheckInSerializer, PartnerCheckInSerializer
from triggers import selectors as triggers_selectors
from triggers.models import Boundary, Trigger
from triggers.serializers import (
    BoundarySerializer,
    PartnerBoundarySerializer,
    PartnerTriggerSerializer,
    QuestionSerializer,
    TriggerSerializer,
)


class Reader:
    """Who reads the feed, and their partnership as it is during this request.

    The partnership is read once a page (and only when a type present needs it),
    not once per type: every type of a page then sees the same state of it.
    """

    def __init__(self, user: User) -> None:
        self.user = user

    @cached_property
    def membership(self) -> Membership | None:
        return accounts_selectors.active_membership(user=self.user)

    @property
    def partnership_id(self) -> Any | None:
        return self.membership.partnership_id if self.membership else None

    @cached_property
    def shared(self) -> dict[str, Any] | None:
        return accounts_selectors.shared_with_me_filter(viewer=self.user)


Visible = Callable[[Reader], QuerySet[Any]]

# type → (what the reader may see of that type, how it is shown)
TYPES: dict[str, tuple[Visible, type[BaseSerializer[Any]]]] = {
    "trigger": (lambda r: triggers_selectors.own_items(Trigger, owner=r.user), TriggerSerializer),
    "boundary": (
        lambda r: triggers_selectors.own_items(Boundary, owner=r.user),
        BoundarySerializer,
    ),
    "partner_trigger": (
        lambda r: triggers_selectors.shared_items(Trigger, visible=r.shared),
        PartnerTriggerSerializer,
    ),
    "partner_boundary": (
        lambda r: triggers_selectors.shared_items(Boundary, visible=r.shared),
        PartnerBoundarySerializer,
    ),
    "question": (
        lambda r: triggers_selectors.questions_visible(
            user=r.user, membership=r.membership, shared=r.shared
        ),
        QuestionSerializer,
    ),
    "checkin": (
        lambda r: checkins_selectors.checkins_within(owner=r.user, partnership_id=r.partnership_id),
        CheckInSerializer,
    ),
    "partner_checkin": (
        lambda r: checkins_selectors.shared_checkins(visible=r.shared),
        PartnerCheckInSerializer,
    ),
}


@dataclass
class Page:
    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, seq = text.partition(":")
        if version != "v1" or not seq.isdigit():
            raise ValueError(text)
        return int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid(
            "This cursor is not one we gave out.", code="invalid_cursor", param="cursor"
        ) from None


def read(*, user: User, cursor: str | None, limit: int) -> Page:
    after = decode_cursor(cursor)
    entries = list(
        FeedEntry.objects.filter(recipient=user, seq__gt=after)
        .order_by("seq")
        .values_list("seq", "type", "object_id")[: limit + 1]
    )
    has_more = len(entries) > limit
    entries = entries[:limit]
    # Each object once, where it last changed in this page.
    latest: dict[tuple[str, Any], int] = {}
    for seq, kind, object_id in entries:
        latest.pop((kind, object_id), None)
        latest[(kind, object_id)] = seq
    current = _current_data(user=user, keys=list(latest))
    changes = []
    for kind, object_id in latest:
        data = current.get((kind, object_id))
        change: dict[str, Any] = {"type": kind, "id": str(object_id)}
        if data is None:
            change["op"] = "delete"
        else:
            change.update(op="upsert", data=data)
        changes.append(change)
    last = entries[-1][0] if entries else after
    return Page(changes=changes, cursor=encode_cursor(last), has_more=has_more)


def _current_data(*, user: User, keys: list[tuple[str, Any]]) -> dict[tuple[str, Any], Any]:
    """One read per type present, through the type's visibility rule."""
    wanted: dict[str, list[Any]] = {}
    for kind, object_id in keys:
        wanted.setdefault(kind, []).append(object_id)
    found: dict[tuple[str, Any], Any] = {}
    reader = Reader(user)
    for kind, ids in wanted.items():
        if kind not in TYPES:
            continue
        visible, serializer = TYPES[kind]
        objects = list(visible(reader).filter(pk__in=ids))
        for obj, data in zip(objects, serializer(objects, many=True).data, strict=True):
            found[(kind, obj.pk)] = data
    return found
