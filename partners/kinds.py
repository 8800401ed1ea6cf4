"""The registry of shareable kinds: everything the kernel knows about a kind of
thing a person can share with their partner.

A kind registers once, from its app's `AppConfig.ready()`::

    kinds.register(Kind(
        model=Trigger,
        sync_type="trigger",                  # the owner's copy in `sync`
        partner_sync_type="partner_trigger",  # the partner's copy in `sync`
        owner_serializer=TriggerSerializer,
        partner_serializer=PartnerTriggerSerializer,
        shared_fields=("title", "category", ...),  # all a partner can see of it
        export=("triggers", export_triggers),       # its section of `me/export`
    ))

The model has `owner` (a user), `shared_with` (a `partners.Partnership`, null
when private) and `shared_at`, and uses `partners.consent.ShareableQuerySet` as
its manager (`objects = ShareableQuerySet.as_manager()`), which answers "what I
own" and "what my partner shares with me now" given a `partners.viewer.Viewer`.

From the registry the kernel ends a kind's shares with the partnership, tells
the partner's feed when a pause hides or shows them, builds `sync`'s types and
`me/export`. Things that hang on shared items without being shareable
themselves (questions on an item) register with `register_related`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Model, QuerySet
from rest_framework.serializers import BaseSerializer

if TYPE_CHECKING:
    from accounts.models import User
    from partners.viewer import Viewer

Rows = Callable[["Viewer"], QuerySet[Any]]
Section = Callable[..., Any]  # section(user=...) -> JSON-ready data
Touch = tuple[Any, str, Any]  # (recipient id, sync type, object id), as partners.feed takes


@dataclass(frozen=True)
class Kind:
    model: type[Model]
    sync_type: str
    partner_sync_type: str
    owner_serializer: type[BaseSerializer[Any]]
    partner_serializer: type[BaseSerializer[Any]]
    # What the partner can see of an item, besides its id and share dates. A
    # change to none of these tells the partner nothing.
    shared_fields: tuple[str, ...]
    export: tuple[str, Section] | None = None
    # Set to None when a share ends (e.g. the partner's acknowledgement).
    cleared_when_unshared: tuple[str, ...] = ()
    # How `sync` reads the owner's and the partner's copies, when more than
    # `owned_by` / `shared_with` (e.g. with prefetched details).
    owner_rows: Rows | None = None
    partner_rows: Rows | None = None
    # (viewer, ids) -> rows: both copies among `ids` in one read (`visible_to`,
    # with what the copies need, as rows both serializers show), for a kind
    # whose partner's copy reads no column the partner may not see: `sync`
    # then reads a page's own and partner copies of the kind together.
    rows_among: Callable[[Viewer, list[Any]], list[dict[str, Any]]] | None = None
    # (items, partnership id) -> [(sync type, id)]: what the partner sees along
    # with these items (the threads on them), so it hides and shows with them.
    threads: Callable[[QuerySet[Any], Any], Iterable[tuple[str, Any]]] | None = None

    def shared_values(self, item: Any) -> tuple[Any, ...]:
        """What the partner sees of `item`'s content: compare it before and after a change."""
        return tuple(getattr(item, name) for name in self.shared_fields)

    def rows_for_owner(self, viewer: Viewer) -> QuerySet[Any]:
        if self.owner_rows is not None:
            return self.owner_rows(viewer)
        return self.model._default_manager.owned_by(viewer)  # type: ignore[attr-defined,no-any-return]

    def rows_for_partner(self, viewer: Viewer) -> QuerySet[Any]:
        if self.partner_rows is not None:
            return self.partner_rows(viewer)
        return self.model._default_manager.shared_with(viewer)  # type: ignore[attr-defined,no-any-return]


@dataclass(frozen=True)
class Related:
    """A sync type that is not shared by itself but follows shared items."""

    sync_type: str
    rows: Rows
    serializer: type[BaseSerializer[Any]]
    # `rows(viewer).filter(pk__in=ids)` read a cheaper way, when the type has one
    # (as rows its serializer shows, e.g. dicts).
    rows_among: Callable[[Viewer, list[Any]], Iterable[Any]] | None = None
    # (partnership id, member ids) -> touches, inside the ending's transaction.
    on_partnership_end: Callable[[Any, list[Any]], Iterable[Touch]] | None = None
    # Called inside the deletion's transaction, before the user row goes.
    on_owner_leaving: Callable[[User], None] | None = None


_kinds: dict[type[Model], Kind] = {}
_related: dict[str, Related] = {}
_exports: dict[str, Section] = {}


def register(kind: Kind) -> None:
    _kinds[kind.model] = kind
    if kind.export is not None:
        register_export(*kind.export)


def register_related(related: Related) -> None:
    _related[related.sync_type] = related


def register_export(name: str, section: Section) -> None:
    """A section of `me/export` that is not one kind's (e.g. questions)."""
    _exports[name] = section


def all_kinds() -> list[Kind]:
    return list(_kinds.values())


def all_related() -> list[Related]:
    return list(_related.values())


def of(item_or_model: Any) -> Kind:
    """The registered kind of an item or a model."""
    model = item_or_model if isinstance(item_or_model, type) else type(item_or_model)
    return _kinds[model]


def export_sections() -> dict[str, Section]:
    return dict(_exports)


def sync_types() -> dict[str, tuple[Rows, type[BaseSerializer[Any]]]]:
    """Every type the sync feed serves: (what the viewer may see of it, how it is shown)."""
    types: dict[str, tuple[Rows, type[BaseSerializer[Any]]]] = {}
    for kind in _kinds.values():
        types[kind.sync_type] = (kind.rows_for_owner, kind.owner_serializer)
        types[kind.partner_sync_type] = (kind.rows_for_partner, kind.partner_serializer)
    for related in _related.values():
        types[related.sync_type] = (related.rows, related.serializer)
    return types


def rows_among(sync_type: str, rows: Rows, viewer: Viewer, ids: list[Any]) -> Iterable[Any]:
    """What the viewer may see of `sync_type` among `ids`: its `rows` (as
    `sync_types` gives them) narrowed, or its own cheaper read when it has one."""
    related = _related.get(sync_type)
    if related is not None and related.rows_among is not None:
        return related.rows_among(viewer, ids)
    return rows(viewer).filter(pk__in=ids)
