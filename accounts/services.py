"""Every write `accounts` makes about the person. One transaction per use case.

Everything about partners (invitations, the partnership, shares) is the consent
kernel's: `partners.services`.
"""

from __future__ import annotations

from datetime import time

from django.db import transaction

from accounts import email_preferences as email_preferences_rules
from accounts.errors import WrongPassword
from accounts.models import User
from partners import services as partner_services
from push import preferences as push_preference_rules

_UNSET = object()


def profile_update(
    *,
    user: User,
    display_name: str | None = None,
    timezone_name: str | None = None,
    quiet_hours: tuple[time, time] | object | None = _UNSET,
    email_preferences: dict[str, bool] | None = None,
    push_preferences: dict[str, bool] | None = None,
) -> User:
    fields = []
    # Each channel's switches, per kind: the kind's name → the person's field.
    for chosen, field_of in (
        (email_preferences, email_preferences_rules.KINDS),
        (push_preferences, push_preference_rules.KINDS),
    ):
        for kind, wanted in (chosen or {}).items():
            setattr(user, field_of[kind], wanted)
            fields.append(field_of[kind])
    if display_name is not None:
        user.display_name = display_name
        fields.append("display_name")
    if timezone_name is not None:
        user.timezone = timezone_name
        fields.append("timezone")
    if quiet_hours is not _UNSET:
        start, end = quiet_hours if isinstance(quiet_hours, tuple) else (None, None)
        user.quiet_hours_start, user.quiet_hours_end = start, end
        fields += ["quiet_hours_start", "quiet_hours_end"]
    if fields:
        user.save(update_fields=fields)
    return user


def email_unsubscribe(*, token: str) -> str | None:
    """Stop the kind of email an unsubscribe link names; the kind, or None when
    the link is not ours or its person is gone. Pressing it twice is harmless."""
    found = email_preferences_rules.read(token)
    if found is None:
        return None
    user_id, kind = found
    field = email_preferences_rules.KINDS[kind]
    changed = User.objects.filter(pk=user_id).update(**{field: False})
    return kind if changed else None


def account_delete(*, user: User, password: str) -> None:
    """Erase the account and everything it owns; the partner sees it end."""
    if not user.check_password(password):
        raise WrongPassword(param="password")
    with transaction.atomic():
        partnership_ids = partner_services.account_leave(user=user)
        user.delete()
        partner_services.partnerships_forget(partnership_ids=partnership_ids)
