"""How triggers follow accounts' hooks without accounts knowing about them."""

from typing import Any

from django.db.models import Q
from django.dispatch import receiver

from accounts import hooks
from accounts.models import Partnership, User
from triggers.models import Boundary, Question, Trigger


@receiver(hooks.partnership_ended)
def end_shares(sender: Any, partnership: Partnership, **kwargs: Any) -> None:
    """A share belongs to one partnership: it ends with it (same transaction)."""
    for model in (Trigger, Boundary):
        model.objects.filter(shared_with=partnership).update(
            shared_with=None, shared_at=None, acknowledged_at=None
        )


@receiver(hooks.account_deleting)
def erase_answers(sender: Any, user: User, **kwargs: Any) -> None:
    """Answers are the owner's words: they go with the account. The partner's
    questions stay theirs, detached from the items that are going."""
    Question.objects.filter(Q(trigger__owner=user) | Q(boundary__owner=user)).update(
        answer=None, answered_at=None
    )
