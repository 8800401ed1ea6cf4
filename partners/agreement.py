"""Looking back together ("Us over time"): the kernel's rule for who has agreed.

Each member of a partnership agrees for themselves (`Membership.over_time_since`,
written by `services.partnership_set_over_time`); the weekly view of both
people's shared check-ins opens only while both agree. What each side of that
view may hold is the ordinary consent rule (`partners.consent`), asked once from
each person's side: `partner_side(viewer)` is the same snapshot seen by the partner.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from accounts.models import User
from partners.models import Membership
from partners.viewer import Viewer


@dataclass(frozen=True)
class OverTimeAgreement:
    mine: bool
    partner: bool

    @property
    def both(self) -> bool:
        return self.mine and self.partner

    @classmethod
    def of(cls, *, mine: Membership, partner: Membership | None) -> OverTimeAgreement:
        """From both memberships as read already (an ended side agrees to nothing)."""
        return cls(
            mine=_agrees(mine),
            partner=partner is not None and _agrees(partner),
        )


def _agrees(membership: Membership) -> bool:
    return membership.ended_at is None and membership.over_time_since is not None


def over_time_agreement(viewer: Viewer) -> OverTimeAgreement | None:
    """Who agrees in the viewer's current partnership; None without one. One query."""
    if not viewer.paired:
        return None
    since: dict[Any, Any] = dict(
        Membership.objects.filter(
            partnership_id=viewer.partnership_id, ended_at__isnull=True
        ).values_list("user_id", "over_time_since")
    )
    return OverTimeAgreement(
        mine=since.get(viewer.user_id) is not None,
        partner=viewer.partner_id is not None and since.get(viewer.partner_id) is not None,
    )


def partner_side(viewer: Viewer) -> Viewer:
    """The viewer's snapshot as their partner stands in it: `shared_with` of this
    answers "what my partner can see of mine right now" by the one consent rule."""
    if viewer.partner_id is None:
        return Viewer(user=viewer.user)  # sees nothing of anyone
    return replace(
        viewer,
        user=User(pk=viewer.partner_id),
        membership_id=None,
        partner_id=viewer.user_id,
        partner_pauses=viewer.i_pause,
        i_pause=viewer.partner_pauses,
    )
