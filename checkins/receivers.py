"""How check-ins follow accounts' hooks without accounts knowing about them."""

from typing import Any

from django.dispatch import receiver

from accounts import feed, hooks, selectors
from accounts.models import Membership, Partnership
from checkins.models import CheckIn
from checkins.services import checkin_touches


@receiver(hooks.partnership_ended)
def end_shares(sender: Any, partnership: Partnership, **kwargs: Any) -> None:
    """A shared answer belongs to one partnership: the share ends with it, and
    both feeds hear of it."""
    members = dict(
        Membership.objects.filter(partnership=partnership).values_list("user_id", "sharing_paused")
    )
    touches: list[feed.Touch] = []
    for checkin in CheckIn.objects.filter(shared_with=partnership):
        visible_to = [
            uid for uid in members if uid != checkin.owner_id and not members[checkin.owner_id]
        ]
        touches += checkin_touches(checkin, partner_ids=visible_to)
    CheckIn.objects.filter(shared_with=partnership).update(shared_with=None, shared_at=None)
    feed.touch(touches)


@receiver(hooks.sharing_paused_changed)
def pause_changed(sender: Any, membership: Membership, **kwargs: Any) -> None:
    partner_id = selectors.other_member_id(
        partnership_id=membership.partnership_id, user_id=membership.user_id
    )
    partner_ids = [partner_id] if partner_id else []
    shared = CheckIn.objects.filter(
        owner_id=membership.user_id, shared_with_id=membership.partnership_id
    ).values_list("pk", flat=True)
    feed.touch([(uid, "partner_checkin", pk) for pk in shared for uid in partner_ids])
