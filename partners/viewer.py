"""Who is asking, and where they stand with their partner, resolved once per request.

    viewer = request_viewer(request)     # in a view: one query, then cached
    viewer = viewer_of(user=user)        # elsewhere (a task, a service, sync)

A `Viewer` is a snapshot: the user, their active membership and partnership,
the partner's id, whether the partner pauses their sharing and whether I pause
mine. The consent rule (`partners.consent`) reads nothing else, so every read
of one request sees the same state. A service that changes the partnership
reads it again itself; the snapshot is for reads.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import HttpRequest
from rest_framework.request import Request

from accounts.models import User
from partners.models import Membership

_CACHE_ATTRIBUTE = "_attune_viewer"


@dataclass(frozen=True)
class Viewer:
    user: User
    membership_id: Any = None
    partnership_id: Any = None
    partner_id: Any = None
    partner_pauses: bool = False
    i_pause: bool = False

    @property
    def user_id(self) -> Any:
        return self.user.pk

    @property
    def paired(self) -> bool:
        return self.partnership_id is not None

    @property
    def sees_partner_shares(self) -> bool:
        """Whether anything my partner shares is visible to me right now."""
        return self.partner_id is not None and not self.partner_pauses


def viewer_of(*, user: User) -> Viewer:
    """One statement: my active membership and the other active member of its partnership.

    Hand-written, not the ORM: it runs on every request that reads anything
    shared. bench/RESULTS.md, "Partner reads", round 2, item 5 ("The consent
    check is one hand-written statement": partner/triggers 4.9 → 3.1 ms of CPU
    per request in-process, with the other round-2 changes). Measured again for
    this function on PostgreSQL, in-process, 3,000 calls: this statement
    0.29-0.32 ms a call, the same read through the ORM (a subquery or a join
    over the partnership) 0.94-1.17 ms.
    """
    table = connection.ops.quote_name(Membership._meta.db_table)
    user_id = Membership._meta.get_field("user").get_db_prep_value(user.pk, connection)
    with connection.cursor() as cursor:
        # Only the quoted table name goes into the text; the user is a parameter.
        cursor.execute(
            f"""
            SELECT mine.id, mine.partnership_id, mine.sharing_paused,
                   partner.user_id, partner.sharing_paused
            FROM {table} AS mine
            LEFT JOIN {table} AS partner
              ON partner.partnership_id = mine.partnership_id
             AND partner.user_id <> mine.user_id
             AND partner.ended_at IS NULL
            WHERE mine.user_id = %s AND mine.ended_at IS NULL
            LIMIT 1
            """,  # noqa: S608
            [user_id],
        )
        row = cursor.fetchone()
    if row is None:
        return Viewer(user=user)
    membership_id, partnership_id, i_pause, partner_id, partner_pauses = row
    return Viewer(
        user=user,
        membership_id=_uuid(membership_id),
        partnership_id=_uuid(partnership_id),
        partner_id=_uuid(partner_id),
        partner_pauses=bool(partner_pauses),
        i_pause=bool(i_pause),
    )


def _uuid(value: Any) -> uuid.UUID | None:
    """A UUID column as the driver returns it (SQLite: hex text) as a UUID."""
    if value is None or isinstance(value, uuid.UUID):
        return value
    return uuid.UUID(str(value))


def request_viewer(request: Request | HttpRequest) -> Viewer:
    """The signed-in caller's viewer, read once per request."""
    target = getattr(request, "_request", request)
    viewer = getattr(target, _CACHE_ATTRIBUTE, None)
    if viewer is None or viewer.user.pk != request.user.pk:
        viewer = viewer_of(user=request.user)  # type: ignore[arg-type]
        setattr(target, _CACHE_ATTRIBUTE, viewer)
    return viewer
