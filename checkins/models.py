"""Check-ins: a schedule per person, the prompts the dispatcher creates from it,
the answers, and the partner's small responses to a shared answer."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone as dj_timezone

from accounts.models import User
from attune.fields import EncryptedTextField
from partners.consent import ShareableQuerySet
from partners.models import Partnership
from triggers.models import Trigger

NEEDS = ("comfort", "space", "listening", "help", "company", "nothing")


class Schedule(models.Model):
    """When to ask. `next_slot_at` is the next wall-clock slot; `next_due_at` is
    when to act on it (the same instant, or the end of quiet hours)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="checkin_schedule")
    active = models.BooleanField(default=False)
    weekdays = models.JSONField(default=list)  # 0 = Monday
    times = models.JSONField(default=list)  # ["20:00"], local wall times
    timezone = models.CharField(max_length=64, default="UTC")
    next_slot_at = models.DateTimeField(null=True, blank=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    last_question = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        indexes = [
            # The dispatcher reads exactly this: active schedules by due time.
            models.Index(
                fields=["next_due_at"],
                condition=Q(active=True, next_due_at__isnull=False),
                name="schedule_due",
            )
        ]

    def __str__(self) -> str:
        return f"Schedule {self.pk}"


class Prompt(models.Model):
    """One reminder for one slot. Sending claims it (`claimed_at`) before the email
    goes out and marks it `sent_at` after; the sweep retries claims left behind."""

    class Status(models.TextChoices):
        PENDING = "pending"
        ANSWERED = "answered"
        SKIPPED = "skipped"
        EXPIRED = "expired"
        # The person had already checked in since the previous slot.
        SUPPRESSED = "suppressed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="prompts")
    slot_at = models.DateTimeField()
    due_at = models.DateTimeField()
    question = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    snoozed_until = models.DateTimeField(null=True, blank=True)
    # How many snoozes of this reminder have ended: each one hands it to the
    # senders again (push names a delivery by it; the sweep after a killed
    # worker hands a prompt on again without counting).
    snoozes_ended = models.PositiveSmallIntegerField(default=0)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "slot_at"], name="one_prompt_per_slot")
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"]),
            # The sweep: pending prompts not yet sent.
            models.Index(
                fields=["enqueued_at"],
                condition=Q(status="pending", sent_at__isnull=True),
                name="prompt_unsent",
            ),
            models.Index(
                fields=["snoozed_until"],
                condition=Q(status="pending", snoozed_until__isnull=False),
                name="prompt_snoozed",
            ),
        ]

    def __str__(self) -> str:
        return f"Prompt {self.pk}"


class CheckIn(models.Model):
    class Need(models.TextChoices):
        COMFORT = "comfort"
        SPACE = "space"
        LISTENING = "listening"
        HELP = "help"
        COMPANY = "company"
        NOTHING = "nothing"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="checkins")
    prompt = models.OneToOneField(
        Prompt, null=True, blank=True, on_delete=models.SET_NULL, related_name="checkin"
    )
    pleasantness = models.SmallIntegerField()
    energy = models.SmallIntegerField()
    feelings = models.JSONField(default=list, blank=True)
    need = models.CharField(max_length=16, choices=Need.choices, blank=True)
    note = EncryptedTextField(blank=True, default="")
    triggers = models.ManyToManyField(Trigger, blank=True, related_name="+")
    shared_with = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=128, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(default=dj_timezone.now)

    objects = ShareableQuerySet.as_manager()

    KIND = "checkin"
    # What the partner sees of an answer (`PartnerCheckInSerializer`); the linked
    # triggers are the owner's alone.
    SHARED_FIELDS = ("pleasantness", "energy", "feelings", "need", "note")

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["shared_with", "owner", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="checkin_idempotency_key",
            ),
            models.CheckConstraint(
                condition=Q(
                    pleasantness__gte=-2, pleasantness__lte=2, energy__gte=-2, energy__lte=2
                ),
                name="checkin_scales",
            ),
        ]

    def __str__(self) -> str:
        return f"Check-in {self.pk}"


def linked_trigger_ids(checkin_ids: Iterable[Any]) -> dict[Any, list[Any]]:
    """Each check-in's linked trigger ids ({check-in id: [trigger id, ...]}, in
    the ids' order), read from the link table alone: no trigger row is read, so
    no trigger's text is opened to name it."""
    links = CheckIn.triggers.through.objects.filter(checkin_id__in=list(checkin_ids))
    linked: dict[Any, list[Any]] = {}
    for checkin_id, trigger_id in links.order_by("trigger_id").values_list(
        "checkin_id", "trigger_id"
    ):
        linked.setdefault(checkin_id, []).append(trigger_id)
    return linked


class Response(models.Model):
    """A small act of attunement from the partner to a shared check-in.

    It is the responder's: when the check-in is deleted it stays with them,
    detached, so what they keep never tells whether the check-in still exists.
    One per person per check-in: a second one replaces the first.
    """

    class Kind(models.TextChoices):
        HEARD = "heard"
        HERE_FOR_YOU = "here_for_you"
        GIVING_SPACE = "giving_space"
        WANT_TO_TALK = "want_to_talk"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    checkin = models.ForeignKey(
        CheckIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    responder = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = EncryptedTextField(blank=True, default="")
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        indexes = [models.Index(fields=["checkin", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["checkin", "responder"],
                condition=Q(checkin__isnull=False),
                name="one_response_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} response"
