"""Reading the change feed: each entry becomes the object's current data, or a
deletion when the reader may no longer see it.

Data is always read through the same selectors the API's list endpoints use
(each registered kind's, `partners.kinds`), so the feed can never show more
than the API does.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, fields
from rest_framework.relations import PKOnlyObject
from rest_framework.serializers import BaseSerializer, Serializer
from rest_framework.settings import api_settings

from accounts.models import User
from attune.api.fields import timestamp
from attune.errors import Invalid
from partners import compiled, feed, kinds
from partners.errors import ResyncRequired
from partners.viewer import Viewer, viewer_of


def types() -> dict[str, tuple[kinds.Rows, type[BaseSerializer[Any]]]]:
    """type → (what the viewer may see of that type, how it is shown): every
    registered kind's own and partner copies, and what follows them."""
    return kinds.sync_types()


@dataclass
class Page:
    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool


def encode_cursor(seq: int, *, compacted: int = 0) -> str:
    """A position in the reader's feed. Once the feed was compacted, the cursor
    also carries how far, so a later compaction can tell whether it took
    entries this reader still needed (`read`)."""
    text = f"v2:{seq}:{compacted}" if compacted else f"v1:{seq}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    return decode_position(cursor)[0]


def decode_position(cursor: str | None) -> tuple[int, int]:
    """(the last entry read, how far the feed was compacted when it was given out)."""
    if not cursor:
        return 0, 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        version, _, rest = text.partition(":")
        numbers = rest.split(":")
        if (version, len(numbers)) not in (("v1", 1), ("v2", 2)) or not all(
            n.isdigit() for n in numbers
        ):
            raise ValueError(text)
        return int(numbers[0]), int(numbers[-1]) if version == "v2" else 0
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid(
            "This cursor is not one we gave out.", code="invalid_cursor", param="cursor"
        ) from None


def read(*, user: User, cursor: str | None, limit: int) -> Page:
    after, compacted_then = decode_position(cursor)
    entries, compacted = feed.entries_after(user=user, after=after, limit=limit + 1)
    if cursor and after < compacted and compacted_then < compacted:
        # A compaction since this cursor was given out dropped entries after its
        # place (STREAM_RETENTION_DAYS): the client starts again from no cursor.
        # A reader who started after it may still page through older entries.
        raise ResyncRequired(param="cursor")
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
    return Page(changes=changes, cursor=encode_cursor(last, compacted=compacted), has_more=has_more)


def _current_data(*, user: User, keys: list[tuple[str, Any]]) -> dict[tuple[str, Any], Any]:
    """One read per type present, through the type's visibility rule."""
    wanted: dict[str, list[Any]] = {}
    for kind, object_id in keys:
        wanted.setdefault(kind, []).append(object_id)
    found: dict[tuple[str, Any], Any] = {}
    # The viewer is read once a page, so every type of a page sees one state of
    # the partnership.
    viewer = viewer_of(user=user)
    served = types()
    together = _read_together(viewer, wanted)
    for kind, ids in wanted.items():
        if kind not in served:
            continue
        rows_of, serializer = served[kind]
        columns = getattr(serializer, "columns", None)
        objects: list[Any]
        if kind in together:
            objects = together[kind]
            keys_of = [row["id"] for row in objects]
        elif columns is not None:
            # A serializer that names its columns shows rows read with `values()`,
            # as the partner's lists do: no model instances, and no private
            # column read or decrypted. bench/RESULTS.md, "Reading the HTTP
            # figures", round 3 (55 partner items of a 100-entry page). The
            # read is compiled once per shape of viewer (`partners.compiled`).
            model = serializer.Meta.model  # type: ignore[attr-defined]
            objects = compiled.values_among(rows_of, viewer, ids, tuple(columns(model)))
            keys_of = [row["id"] for row in objects]
        else:
            objects = list(kinds.rows_among(kind, rows_of, viewer, ids))
            keys_of = [obj["id"] if isinstance(obj, Mapping) else obj.pk for obj in objects]
        show = _shown_by_fields(serializer)
        if show is not None:
            shown = [show(obj) for obj in objects]
        else:
            shown = serializer(objects, many=True).data
        for pk, data in zip(keys_of, shown, strict=True):
            found[(kind, pk)] = data
    return found


def _read_together(viewer: Viewer, wanted: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """{sync type: its rows} for the kinds that read their own and partner
    copies in one statement (`Kind.rows_among`), split by owner. One read
    fewer per such kind: a page's check-ins, own and partner's, were four
    statements (bench/RESULTS.md, "Issue 12, session 5")."""
    together: dict[str, list[Any]] = {}
    for kind in kinds.all_kinds():
        own, theirs = kind.sync_type, kind.partner_sync_type
        if kind.rows_among is None or (own not in wanted and theirs not in wanted):
            continue
        own_ids, their_ids = set(wanted.get(own, ())), set(wanted.get(theirs, ()))
        mine, partners = together[own], together[theirs] = [], []
        for row in kind.rows_among(viewer, [*own_ids, *their_ids]):
            if row["owner"] == viewer.user_id and row["id"] in own_ids:
                mine.append(row)
            elif row["owner"] != viewer.user_id and row["id"] in their_ids:
                partners.append(row)
    return together


Show = Callable[[Any], dict[str, Any]]


_shown: dict[type[BaseSerializer[Any]], Show | None] = {}


def _shown_by_fields(serializer_class: type[BaseSerializer[Any]]) -> Show | None:
    """What `serializer_class(obj).data` gives, from its declared fields built
    once per process, or None when the serializer renders by its own code.

    DRF builds a ModelSerializer's fields anew for every serializer (reading the
    model's fields each time), then goes through a generic path per value; a
    sync page does that for each of the owner's types. bench/RESULTS.md,
    "Issue 12, session 4": the owner's copies of a 100-entry page. A test holds
    this to DRF's own output for every type the feed serves."""
    if serializer_class not in _shown:
        _shown[serializer_class] = _show_for(serializer_class)
    return _shown[serializer_class]


def _show_for(serializer_class: type[BaseSerializer[Any]]) -> Show | None:
    if (
        not issubclass(serializer_class, Serializer)
        or serializer_class.to_representation is not Serializer.to_representation
    ):
        return None
    serializer = serializer_class()
    parts = [
        (name, _value_of(field, serializer))
        for name, field in serializer.fields.items()
        if not field.write_only
    ]

    def show(obj: Any) -> dict[str, Any]:
        zone = timezone.get_current_timezone()
        return {name: value(obj, zone) for name, value in parts}

    return show


def _value_of(field: fields.Field, serializer: Serializer[Any]) -> Callable[[Any, Any], Any]:
    """How one readable field shows an object, as `Serializer.to_representation`
    does it (an absent value shows as None), with timestamps and ids written
    directly."""
    read, represent = field.get_attribute, field.to_representation
    if (
        isinstance(field, fields.DateTimeField)
        and getattr(field, "format", api_settings.DATETIME_FORMAT) == ISO_8601
        and not hasattr(field, "timezone")
        and settings.USE_TZ
    ):
        return lambda obj, zone: timestamp(read(obj), zone)
    if type(field) is fields.UUIDField and field.uuid_format == "hex_verbose":

        def uuid(obj: Any, zone: Any) -> Any:
            value = read(obj)
            return None if value is None else str(value)

        return uuid

    def value(obj: Any, zone: Any) -> Any:
        raw = read(obj)
        if (raw.pk if isinstance(raw, PKOnlyObject) else raw) is None:
            return None
        return represent(raw)

    return value
