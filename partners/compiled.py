"""The consent rule's larger conditions, built by the ORM once per shape of viewer.

Django builds and compiles a queryset's conditions anew for every request. For
the rule's simple conditions (`owned_by`, `shared_with`) that costs little; the
ones that ask several kinds at once in subqueries (what an inbox may show, which
question threads I can read) cost more to build than to run: 2.9 ms of a 7.3 ms
inbox page (bench/RESULTS.md, "Issue 12, session 6").

`rows_where(model, build, viewer, *args)` asks `build(viewer, *args)` for its
condition once per shape of viewer (paired or not, a partner or not, who
pauses) and per `args` (hashable: e.g. the types an inbox names), with a
stand-in viewer whose ids are random values nobody holds. The ORM compiles
that once; each later call only puts the real viewer's ids where the
stand-in's were. The condition stays written once, in the ORM, where it was
(`partners.consent`, `partners.stream`, the selectors).

`values_among(rows, viewer, ids, columns)` does the same for a whole read:
`rows(viewer).filter(pk__in=ids).values(*columns)`, the read of one type in a
sync page. One compiled statement serves any number of ids (their
placeholders are written out per call), and its rows go through the ORM's own
converters. Building and compiling each type's read was about 0.3 ms of a
1.3 ms read of 50 rows (bench/RESULTS.md, "Issue 12, session 6").

`build` and `rows` may read only the viewer's ids and flags, never other
fields of the user. If a stand-in id shows up anywhere but as a whole
parameter (or a read's primary key is not a UUID), nothing is kept: the
condition or read is built every time, as before.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, Q, QuerySet, UUIDField
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler

from accounts.models import User
from partners.viewer import Viewer

# The viewer's ids, by the attribute that holds each.
_IDS = ("user_id", "membership_id", "partnership_id", "partner_id")
_MOST = 512  # shapes kept per process: a handful of flags times the types an inbox names


@dataclass(frozen=True)
class _Compiled:
    sql: str | None  # None: the condition matches nothing
    # Per parameter: (viewer attribute, how it is written) or (None, the constant).
    params: tuple[tuple[str | None, Any], ...]


_compiled: dict[Hashable, _Compiled | None] = {}


def rows_where(model: type[Model], build: Callable[..., Q], viewer: Viewer, *args: Hashable) -> Q:
    """`Q(pk__in=<the rows of model that build(viewer, *args) selects>)`,
    compiled once per shape of viewer and `args`."""
    key = (model, build, args, _flags(viewer))
    if key not in _compiled:
        if len(_compiled) >= _MOST:
            _compiled.clear()
        _compiled[key] = _compile(model, lambda v: build(v, *args), viewer)
    found = _compiled[key]
    if found is None:  # not kept: built as written
        return Q(pk__in=model._base_manager.filter(build(viewer, *args)).values("pk"))
    if found.sql is None:
        return Q(pk__in=[])
    params = [
        _written(getattr(viewer, name), form) if name else form for name, form in found.params
    ]
    # The text is the ORM's own, compiled above; values go as parameters.
    return Q(pk__in=RawSQL(found.sql, params))  # noqa: S611


def _flags(viewer: Viewer) -> tuple[bool, ...]:
    """What, besides the ids, the condition's shape may depend on."""
    return (
        *(getattr(viewer, name) is None for name in _IDS),
        viewer.partner_pauses,
        viewer.i_pause,
    )


def _compile(model: type[Model], build: Callable[[Viewer], Q], viewer: Viewer) -> _Compiled | None:
    stand_in, ids = _stand_in(viewer)
    rows = model._base_manager.filter(build(stand_in)).values("pk")
    try:
        sql, raw = rows.query.get_compiler(rows.db).as_sql()
    except EmptyResultSet:
        return _Compiled(sql=None, params=())
    forms = {value: (name, kind) for name, id_ in ids.items() for value, kind in _forms(id_)}
    params: list[tuple[str | None, Any]] = []
    for value in raw:
        if not isinstance(value, Hashable):
            return None
        slot = forms.get(value)
        params.append(slot if slot is not None else (None, value))
    written = sql.lower()
    if any(value.hex in written or str(value) in written for value in ids.values()):
        return None  # an id went into the text itself: it cannot be swapped
    return _Compiled(sql=sql, params=tuple(params))


def _stand_in(viewer: Viewer) -> tuple[Viewer, dict[str, uuid.UUID]]:
    """A viewer of the same shape as `viewer` whose ids nobody holds."""
    ids = {name: uuid.uuid4() for name in _IDS if getattr(viewer, name) is not None}
    stand_in = Viewer(
        user=User(pk=ids["user_id"]),
        membership_id=ids.get("membership_id"),
        partnership_id=ids.get("partnership_id"),
        partner_id=ids.get("partner_id"),
        partner_pauses=viewer.partner_pauses,
        i_pause=viewer.i_pause,
    )
    return stand_in, ids


def _written(value: Any, form: str) -> Any:
    if form == "hex":
        return value.hex
    if form == "str":
        return str(value)
    return value


@dataclass(frozen=True)
class _Read:
    using: str
    compiler: SQLCompiler  # as compiled: its converters read every row
    names: tuple[str, ...]
    parts: tuple[str, ...]  # the text around each parameter
    params: tuple[tuple[str | None, Any], ...]  # as _Compiled's; "ids" marks the id list
    id_form: str

    def statement(self, viewer: Viewer, ids: list[Any]) -> tuple[str, list[Any]]:
        text, params = [self.parts[0]], list[Any]()
        for (name, form), after in zip(self.params, self.parts[1:], strict=True):
            if name == "ids":
                text.append(", ".join(["%s"] * len(ids)))
                params.extend(_written(_as_uuid(pk), self.id_form) for pk in ids)
            else:
                text.append("%s")
                params.append(_written(getattr(viewer, name), form) if name else form)
            text.append(after)
        return "".join(text), params


_reads: dict[Hashable, _Read | None] = {}


def values_among(
    rows: Callable[[Viewer], QuerySet[Any]],
    viewer: Viewer,
    ids: list[Any],
    columns: tuple[str, ...],
    *,
    by: str = "pk",
) -> list[dict[str, Any]]:
    """`list(rows(viewer).filter(<by>__in=ids).values(*columns))`, from a
    statement compiled once per shape of viewer. `by` names the primary key or
    a foreign key (e.g. the check-in a response is to)."""
    if not ids:
        return []
    key = (rows, columns, by, _flags(viewer))
    if key not in _reads:
        if len(_reads) >= _MOST:
            _reads.clear()
        _reads[key] = _compile_read(rows, viewer, columns, by)
    read = _reads[key]
    if read is None:  # not kept: read as written
        return list(rows(viewer).filter(**{f"{by}__in": ids}).values(*columns))
    sql, params = read.statement(viewer, list(dict.fromkeys(ids)))
    with connections[read.using].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    return [
        dict(zip(read.names, row, strict=True)) for row in read.compiler.results_iter([fetched])
    ]


def _compile_read(
    rows: Callable[[Viewer], QuerySet[Any]], viewer: Viewer, columns: tuple[str, ...], by: str
) -> _Read | None:
    stand_in, ids = _stand_in(viewer)
    one = uuid.uuid4()
    queryset = rows(stand_in).values(*columns)
    meta = queryset.model._meta
    field = meta.pk if by == "pk" else meta.get_field(by)
    if not isinstance(getattr(field, "target_field", field), UUIDField):
        return None
    queryset = queryset.filter(**{f"{by}__in": [one]})
    query = queryset.query
    if query.extra_select or query.is_empty():
        return None
    compiler = query.get_compiler(queryset.db)
    try:
        sql, raw = compiler.as_sql()
    except EmptyResultSet:
        return None
    forms = {value: (name, kind) for name, id_ in ids.items() for value, kind in _forms(id_)}
    forms.update({value: ("ids", kind) for value, kind in _forms(one)})
    params: list[tuple[str | None, Any]] = []
    id_form = ""
    for value in raw:
        if not isinstance(value, Hashable):
            return None
        slot = forms.get(value)
        if slot is not None and slot[0] == "ids":
            id_form = slot[1]
            params.append(("ids", None))
        else:
            params.append(slot if slot is not None else (None, value))
    parts = sql.split("%s")
    written = sql.lower()
    if (
        "%%" in sql
        or len(parts) != len(raw) + 1
        or sum(name == "ids" for name, _ in params) != 1
        or any(v.hex in written or str(v) in written for v in [one, *ids.values()])
    ):
        return None  # the ids cannot be put in safely: read as written
    # As the ORM names a `values()` row's keys (ValuesIterable).
    names = (
        tuple(query.selected)
        if query.selected
        else (*query.values_select, *query.annotation_select)
    )
    return _Read(
        using=queryset.db,
        compiler=compiler,
        names=names,
        parts=tuple(parts),
        params=tuple(params),
        id_form=id_form,
    )


def _forms(value: uuid.UUID) -> list[tuple[Any, str]]:
    return [(value, "uuid"), (value.hex, "hex"), (str(value), "str")]


def _as_uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
