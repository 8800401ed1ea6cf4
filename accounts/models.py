from __future__ import annotations

import re
import unicodedata
import uuid
from datetime import datetime
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


class Invitation(models.Model):
    """A single-use link that pairs whoever accepts it with the inviter.

    Only a hash of the token is stored; the token itself is shown once. For an
    invitation sent by email, the token also waits here, encrypted and bound to
    the row (`token_sealed`), until the email has gone: the task's message
    carries only the invitation's id. It is wiped once sent, used or withdrawn.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    inviter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    token_sealed = models.TextField(blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["inviter", "-created_at"])]

    def __str__(self) -> str:
        return f"Invitation {self.pk}"

    def status_at(self, now: datetime) -> str:
        if self.accepted_at:
            return "accepted"
        if self.withdrawn_at:
            return "withdrawn"
        if self.expires_at <= now:
            return "expired"
        return "pending"


class InvitedAddress(models.Model):
    """One invitation email asked for an address: the daily limits count these.
    The address is kept only as a keyed hash, and for a day."""

    address_hash = models.CharField(max_length=64)
    inviter = models.ForeignKey(User, null=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=dj_timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["address_hash", "created_at"])]

    def __str__(self) -> str:
        return f"invited address at {self.created_at:%Y-%m-%d %H:%M}"


class Partnership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=dj_timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Partnership {self.pk}"


class Membership(models.Model):
    """One person's side of a partnership: their own pause switch lives here.

    `ended_at` repeats the partnership's so that the database itself can refuse a
    second active partnership for the same person (a partial unique index).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    sharing_paused = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=dj_timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(ended_at__isnull=True),
                name="one_active_partnership_per_user",
            ),
            models.UniqueConstraint(
                fields=["partnership", "user"], name="membership_once_per_partnership"
            ),
        ]

    def __str__(self) -> str:
        return f"Membership {self.pk}"


class ConsentEvent(models.Model):
    """The append-only consent log: who granted, revoked, paused, paired or unpaired.

    It names items by type and id only, never by their text.
    """

    class Kind(models.TextChoices):
        PAIRED = "paired"
        UNPAIRED = "unpaired"
        SHARING_PAUSED = "sharing_paused"
        SHARING_RESUMED = "sharing_resumed"
        SHARE_GRANTED = "share_granted"
        SHARE_REVOKED = "share_revoked"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consent_events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    partnership = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    item_type = models.CharField(max_length=32, blank=True)
    item_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("The consent log is append-only.")
        super().save(*args, **kwargs)


class Notification(models.Model):
    """A gentle "something happened" for one person, sent by email in batches.

    It records only the kind of event, never what anyone wrote. Pending rows
    (`emailed_at` is null) wait until `due_at`: at most one email an hour, and
    none during the recipient's quiet hours.
    """

    class Kind(models.TextChoices):
        SHARED = "shared"
        QUESTION = "question"
        ANSWER = "answer"
        RESPONSE = "response"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    created_at = models.DateTimeField(default=dj_timezone.now)
    due_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # The sender polls exactly this: pending rows by due time.
            models.Index(
                fields=["due_at"], condition=Q(emailed_at__isnull=True), name="notification_pending"
            ),
            models.Index(fields=["recipient", "-emailed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} notification"


class FeedState(models.Model):
    """One person's change feed counter. Writers lock this row to number their
    entries, so entries are numbered in the order their transactions commit."""

    user = models.OneToOneField(
        User, primary_key=True, on_delete=models.CASCADE, related_name="feed_state"
    )
    last_seq = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"feed of {self.user_id} at {self.last_seq}"


class FeedEntry(models.Model):
    """ "Something the recipient may see changed": the sync feed resolves each entry
    to the current data, or to a deletion when the recipient may no longer see it."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=32)
    object_id = models.UUIDField()
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["recipient", "seq"], name="feed_entry_seq")]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id} for {self.recipient_id} at {self.seq}"
