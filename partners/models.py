"""The consent kernel's tables: partnerships and their members, invitations, the
consent log, notifications and the change feed.

They were born in `accounts` and keep their tables (`Meta.db_table`); only
Django's migration state moved here (see migrations/0001_initial.py).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone as dj_timezone

from accounts.models import User


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
        db_table = "accounts_invitation"
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
        db_table = "accounts_invitedaddress"
        indexes = [models.Index(fields=["address_hash", "created_at"])]

    def __str__(self) -> str:
        return f"invited address at {self.created_at:%Y-%m-%d %H:%M}"


class Partnership(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=dj_timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_partnership"

    def __str__(self) -> str:
        return f"Partnership {self.pk}"


class Membership(models.Model):
    """One person's side of a partnership: their own pause switch and their
    agreement to look back together live here.

    `ended_at` repeats the partnership's so that the database itself can refuse a
    second active partnership for the same person (a partial unique index).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    sharing_paused = models.BooleanField(default=False)
    # Since when this person agrees to look back together ("Us over time"): the
    # weekly view of both people's shared check-ins shows only while both agree.
    # Null: not agreed. It belongs to this membership, so it ends with it.
    over_time_since = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_membership"
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
    """The append-only consent log: who granted, revoked, paused, paired or unpaired,
    and who agreed to look back together or stopped agreeing.

    It names items by type and id only, never by their text.
    """

    class Kind(models.TextChoices):
        PAIRED = "paired"
        UNPAIRED = "unpaired"
        SHARING_PAUSED = "sharing_paused"
        SHARING_RESUMED = "sharing_resumed"
        SHARE_GRANTED = "share_granted"
        SHARE_REVOKED = "share_revoked"
        OVER_TIME_AGREED = "over_time_agreed"
        OVER_TIME_WITHDRAWN = "over_time_withdrawn"

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
        db_table = "accounts_consentevent"
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise ValueError("The consent log is append-only.")
        super().save(*args, **kwargs)


class Notification(models.Model):
    """One activity of the stream: something its recipient may know happened.

    The inbox lists these (filtered at read time by the consent rule, see
    `partners.stream`) and the email digest sends those with a `due_at`. A row
    records only the kind of event and what it is about (`target_type`, a sync
    type, and `target_id`), never what anyone wrote. Pending emails (`due_at`
    set, `emailed_at` null) wait until `due_at`: at most one email an hour, and
    none during the recipient's quiet hours.
    """

    class Kind(models.TextChoices):
        SHARED = "shared"  # an item became visible to me
        CHANGED = "changed"  # what I can see of an item changed
        QUESTION = "question"  # a question about my item
        ANSWER = "answer"  # an answer to my question
        ACKNOWLEDGED = "acknowledged"  # my partner acknowledged my item
        RESPONSE = "response"  # a response to my check-in
        PAUSED = "paused"  # my partner paused their sharing
        RESUMED = "resumed"
        PAIRED = "paired"
        UNPAIRED = "unpaired"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    # The partnership it happened in; the inbox shows it only while that is the
    # recipient's current one (except the news that it ended).
    partnership = models.ForeignKey(
        "Partnership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_type = models.CharField(max_length=32, blank=True, default="")
    target_id = models.UUIDField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Null: shown in the inbox, never emailed.
    due_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "accounts_notification"
        indexes = [
            # The sender polls exactly this: pending rows by due time.
            models.Index(
                fields=["due_at"],
                condition=Q(emailed_at__isnull=True, due_at__isnull=False),
                name="notification_pending_email",
            ),
            models.Index(fields=["recipient", "-emailed_at"]),
            # The inbox: mine, newest first.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notification_inbox"),
            models.Index(fields=["created_at"], name="notification_created"),
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
    # Entries up to this number may have been compacted away: a cursor before it
    # can no longer be answered (`sync` says 410 resync_required).
    compacted_seq = models.BigIntegerField(default=0)

    class Meta:
        db_table = "accounts_feedstate"

    def __str__(self) -> str:
        return f"feed of {self.user_id} at {self.last_seq}"


class FeedEntry(models.Model):
    """ "Something the recipient may see changed": the sync feed resolves each entry
    to the current data, or to a deletion when the recipient may no longer see it."""

    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    seq = models.BigIntegerField()
    type = models.CharField(max_length=32)
    object_id = models.UUIDField()
    created_at = models.DateTimeField(default=dj_timezone.now, db_index=True)

    class Meta:
        db_table = "accounts_feedentry"
        constraints = [models.UniqueConstraint(fields=["recipient", "seq"], name="feed_entry_seq")]

    def __str__(self) -> str:
        return f"{self.type} {self.object_id} for {self.recipient_id} at {self.seq}"
