"""The consent rule, written once: who can see a shared item right now.

An item is visible to its owner, and to the owner's current partner only while
the owner shares it with that very partnership (`shared_with`) and has not
paused sharing. Every reader asks here:

- `Model.objects.owned_by(viewer)`: what the viewer owns;
- `Model.objects.shared_with(viewer)`: what the viewer's partner shares with
  them now (`shared_q` is the same rule for a relation, e.g. questions on items);
- `Model.objects.visible_to(viewer)`: both at once, in one condition;
- `audience(item)`: the id of the one person besides the owner who can see it
  now, or None.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from partners.models import Membership
from partners.viewer import Viewer

_M = TypeVar("_M", bound=models.Model)


def shared_q(viewer: Viewer, *, prefix: str = "") -> Q:
    """Items (reached through `prefix`, e.g. "trigger__") that the viewer's
    partner shares with them now. Matches nothing when nothing can be visible."""
    if not viewer.sees_partner_shares:
        return Q(pk__in=[])
    return Q(
        **{f"{prefix}owner_id": viewer.partner_id, f"{prefix}shared_with_id": viewer.partnership_id}
    )


class ShareableQuerySet(models.QuerySet[_M]):
    """The manager of every registered shareable kind (`partners.kinds`)."""

    def owned_by(self, viewer: Viewer) -> ShareableQuerySet[_M]:
        return self.filter(owner_id=viewer.user_id)

    def shared_with(self, viewer: Viewer) -> ShareableQuerySet[_M]:
        if not viewer.sees_partner_shares:
            return self.none()
        return self.filter(shared_q(viewer))

    def visible_to(self, viewer: Viewer) -> ShareableQuerySet[_M]:
        """`owned_by` and `shared_with` together, as one condition: what hangs on
        either (questions) is then one subquery per kind, not two."""
        if not viewer.sees_partner_shares:
            return self.owned_by(viewer)
        return self.filter(Q(owner_id=viewer.user_id) | shared_q(viewer))


def shareable(model: type[_M]) -> ShareableQuerySet[_M]:
    """`model.objects` of a registered kind, typed as the consent queryset."""
    queryset = model._default_manager.all()
    assert isinstance(queryset, ShareableQuerySet)
    return queryset


def audience(item: Any) -> Any | None:
    """The id of the partner who can see `item` right now, or None."""
    if item.shared_with_id is None:
        return None
    members = dict(
        Membership.objects.filter(
            partnership_id=item.shared_with_id, ended_at__isnull=True
        ).values_list("user_id", "sharing_paused")
    )
    return audience_among(members, owner_id=item.owner_id)


def audience_among(members: dict[Any, bool], *, owner_id: Any) -> Any | None:
    """`audience` given the partnership's members ({user id: pauses}) as read already."""
    if members.get(owner_id, True):  # the owner left, or pauses
        return None
    others = [user_id for user_id in members if user_id != owner_id]
    return others[0] if others else None
