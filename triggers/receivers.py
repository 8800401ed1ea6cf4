"""How triggers follow accounts' hooks without accounts knowing about them."""

from typing import Any

from django.dispatch import receiver

from accounts import hooks
from accounts.models import Partnership
from triggers.models import Boundary, Trigger


@receiver(hooks.partnership_ended)
def end_shares(sender: Any, partnership: Partnership, **kwargs: Any) -> None:
    """A share belongs to one partnership: it ends with it (same transaction)."""
    for model in (Trigger, Boundary):
        model.objects.filter(shared_with=partnership).update(
            shared_with=None, shared_at=None, acknowledged_at=None
        )
