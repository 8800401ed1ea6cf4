"""How triggers follow accounts' hooks without accounts knowing about them."""

from typing import Any

from django.db.models import Q
from django.dispatch import receiver

from accounts import feed, hooks, selectors
from accounts.models import Membership, Partnership, User
from triggers.models import Boundary, Question, Trigger
from triggers.services import item_touches


@receiver(hooks.partnership_ended)
def end_shares(sender: Any, partnership: Partnership, **kwargs: Any) -> None:
    """A share belongs to one partnership: it ends with it (same transaction).

    Both feeds hear of it: each owner's copy shows the item unshared, and the
    other partner drops what they could see, with the threads on it.
    """
    members = dict(
        Membership.objects.filter(partnership=partnership).values_list("user_id", "sharing_paused")
    )
    touches: list[feed.Touch] = []
    for model in (Trigger, Boundary):
        shared = list(model.objects.filter(shared_with=partnership))
        for item in shared:
            others = [uid for uid in members if uid != item.owner_id]
            other = others[0] if others else None
            visible_to = None if members.get(item.owner_id, True) else other
            touches += item_touches(item, partner_id=visible_to)
        model.objects.filter(shared_with=partnership).update(
            shared_with=None, shared_at=None, acknowledged_at=None
        )
    for question in Question.objects.filter(partnership=partnership).select_related(
        "trigger", "boundary"
    ):
        about = question.item
        touches += [
            (about.owner_id if about else None, "question", question.pk),
            (question.asker_id, "question", question.pk),
        ]
    feed.touch(touches)


@receiver(hooks.sharing_paused_changed)
def pause_changed(sender: Any, membership: Membership, **kwargs: Any) -> None:
    """Pausing hides, resuming shows again: the partner's feed hears of each item."""
    partner_id = selectors.other_member_id(
        partnership_id=membership.partnership_id, user_id=membership.user_id
    )
    mine = {"owner_id": membership.user_id, "shared_with_id": membership.partnership_id}
    touches: list[feed.Touch] = []
    for model in (Trigger, Boundary):
        ids = model.objects.filter(**mine).values_list("pk", flat=True)
        touches += [(partner_id, f"partner_{model.KIND}", pk) for pk in ids]
    # The threads on those items, in one query rather than one per item.
    on_mine = Q()
    for model in (Trigger, Boundary):
        on_mine |= Q(**{f"{model.KIND}__{name}": value for name, value in mine.items()})
    questions = Question.objects.filter(on_mine, partnership_id=membership.partnership_id)
    touches += [(partner_id, "question", pk) for pk in questions.values_list("pk", flat=True)]
    feed.touch(touches)


@receiver(hooks.account_deleting)
def erase_answers(sender: Any, user: User, **kwargs: Any) -> None:
    """Answers are the owner's words: they go with the account. The partner's
    questions stay theirs, detached from the items that are going."""
    Question.objects.filter(Q(trigger__owner=user) | Q(boundary__owner=user)).update(
        answer=None, answered_at=None
    )
