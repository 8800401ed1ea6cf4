"""How check-ins follow accounts' hooks without accounts knowing about them."""

from typing import Any

from django.dispatch import receiver

from accounts import hooks
from accounts.models import Partnership
from checkins.models import CheckIn


@receiver(hooks.partnership_ended)
def end_shares(sender: Any, partnership: Partnership, **kwargs: Any) -> None:
    """A shared answer belongs to one partnership: the share ends with it."""
    CheckIn.objects.filter(shared_with=partnership).update(shared_with=None, shared_at=None)
