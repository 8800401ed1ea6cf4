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

from dataclasses import dataclass
from typing import Any

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
    """One query: the active memberships of the partnership `user` is in now."""
    mine = Membership.objects.filter(user=user, ended_at__isnull=True).values("partnership_id")
    rows = list(
        Membership.objects.filter(partnership_id__in=mine, ended_at__isnull=True).values_list(
            "id", "partnership_id", "user_id", "sharing_paused"
        )[:2]
    )
    own = next((row for row in rows if row[2] == user.pk), None)
    if own is None:
        return Viewer(user=user)
    other = next((row for row in rows if row[2] != user.pk), None)
    return Viewer(
        user=user,
        membership_id=own[0],
        partnership_id=own[1],
        partner_id=other[2] if other else None,
        partner_pauses=other[3] if other else False,
        i_pause=own[3],
    )


def request_viewer(request: Request | HttpRequest) -> Viewer:
    """The signed-in caller's viewer, read once per request."""
    target = getattr(request, "_request", request)
    viewer = getattr(target, _CACHE_ATTRIBUTE, None)
    if viewer is None or viewer.user.pk != request.user.pk:
        viewer = viewer_of(user=request.user)  # type: ignore[arg-type]
        setattr(target, _CACHE_ATTRIBUTE, viewer)
    return viewer
