from __future__ import annotations

import re
import unicodedata
import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone as dj_timezone

# Characters nobody types in a name but an attacker uses to disguise one: line
# breaks and tabs (Cc), zero-width and bidirectional controls (Cf), line and
# paragraph separators, and code points with no meaning (private, surrogate,
# unassigned).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})
_ZERO_WIDTH_JOINER = "\u200d"
# Anything a mail client may turn into a link: a scheme, an address, or a
# dotted name ending like a domain (also with the full-width dots of some scripts).
_LINK_LIKE = re.compile(
    r"://|@|www[.\u3002\uff0e\uff61]|[^\s.][.\u3002\uff0e\uff61](?:[^\W\d_]{2,}|xn--)"
)
NEUTRAL_NAME = "Someone"


def _joins_emoji(value: str, index: int) -> bool:
    """The zero-width joiner inside an emoji sequence (👩‍❤️‍👨) is part of the emoji."""
    if index == 0 or index == len(value) - 1:
        return False
    return all(
        unicodedata.category(ch) == "So" or ch == "\ufe0f"
        for ch in (value[index - 1], value[index + 1])
    )


def validate_display_name(value: str) -> None:
    """A display name is shown to a partner and put in invitation emails: a name only."""
    for index, ch in enumerate(value):
        if unicodedata.category(ch) in _HIDDEN_CATEGORIES and not (
            ch == _ZERO_WIDTH_JOINER and _joins_emoji(value, index)
        ):
            raise ValidationError(
                "A name can't hold line breaks, tabs or invisible characters. "
                "Just the name you'd like your partner to see is perfect.",
                code="invalid_display_name",
            )
    if _LINK_LIKE.search(value):
        raise ValidationError(
            "A name can't look like a web or email address. "
            "Just the name you'd like your partner to see is perfect.",
            code="invalid_display_name",
        )


def is_valid_display_name(value: str) -> bool:
    try:
        validate_display_name(value)
    except ValidationError:
        return False
    return True


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. Logs in with email; the profile lives here to spare a join."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    display_name = models.CharField(max_length=80, blank=True, validators=[validate_display_name])
    timezone = models.CharField(max_length=64, default="UTC")
    quiet_hours_start = models.TimeField(null=True, blank=True)
    quiet_hours_end = models.TimeField(null=True, blank=True)
    # Emails that are not essential, each kind off on request (accounts.email_preferences);
    # a database default too, so rows written by older code (or migrations) get one.
    email_reminders = models.BooleanField(default=True, db_default=True)
    email_partner_activity = models.BooleanField(default=True, db_default=True)
    # The same kinds by Web Push, to the devices that subscribed (push.preferences).
    push_reminders = models.BooleanField(default=True, db_default=True)
    push_partner_activity = models.BooleanField(default=True, db_default=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=dj_timezone.now)

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(quiet_hours_start__isnull=True, quiet_hours_end__isnull=True)
                    | Q(quiet_hours_start__isnull=False, quiet_hours_end__isnull=False)
                ),
                name="user_quiet_hours_both_or_neither",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def public_name(self) -> str:
        """What a partner or an invitee sees: the display name, else the email's local part."""
        return self.display_name or self.email.split("@", 1)[0]

    @property
    def name_for_invitee(self) -> str:
        """What someone holding an invitation link (or its email) sees of the inviter.

        Never a part of the email address, and never a name saved before names
        were checked that would fail the check now: then a neutral word.
        """
        if self.display_name and is_valid_display_name(self.display_name):
            return self.display_name
        return NEUTRAL_NAME
