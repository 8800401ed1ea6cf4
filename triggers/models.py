"""Triggers, boundaries and self-care notes: private until their owner shares
them, item by item.

A share names one partnership (`shared_with`). The partner sees the item only
while that partnership is the current one and the owner has not paused sharing;
when the partnership ends the share ends with it.
"""

from __future__ import annotations

import functools
import operator
import uuid
from datetime import datetime
from typing import Any

from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from accounts.models import User
from attune.fields import EncryptedTextField
from partners.consent import ShareableQuerySet
from partners.models import Partnership

NEEDS = ("comfort", "space", "listening", "help", "company", "nothing")


class SharedItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    notes = EncryptedTextField(blank=True, default="")  # never shared
    shared_with = models.ForeignKey(
        Partnership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    shared_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # When what the partner can see last changed (edits to `notes` do not count).
    content_changed_at = models.DateTimeField(default=timezone.now)

    objects = ShareableQuerySet.as_manager()

    # The fields a partner may see, besides the item's id and dates (what this
    # kind registers with `partners.kinds` as its shared fields).
    SHARED_FIELDS: tuple[str, ...] = ()
    KIND = ""

    class Meta:
        abstract = True

    @property
    def changed_since_acknowledged(self) -> bool:
        return changed_since(self.acknowledged_at, changed_at=self.content_changed_at)

    @property
    def changed_for_partner_at(self) -> datetime | None:
        return changed_for_partner(self.content_changed_at, shared_at=self.shared_at)


def changed_for_partner(changed_at: datetime, *, shared_at: datetime | None) -> datetime | None:
    """When what the partner sees of an item last changed for them: the last edit
    of its shared content, or the share itself when that came later. When the
    item was written, or edited before it was shared, is the owner's to keep:
    an item never edited would otherwise show its creation time."""
    if shared_at is None:
        return None
    return max(changed_at, shared_at)


def changed_since(acknowledged_at: datetime | None, *, changed_at: datetime) -> bool:
    """Whether what the partner sees changed after they acknowledged it."""
    return acknowledged_at is not None and changed_at > acknowledged_at


class Trigger(SharedItem):
    class Category(models.TextChoices):
        WORDS_OR_TONE = "words_or_tone"
        SITUATION = "situation"
        PHYSICAL = "physical"
        PAST_EXPERIENCE = "past_experience"
        OTHER = "other"

    title = EncryptedTextField()
    category = models.CharField(max_length=32, choices=Category.choices, default=Category.OTHER)
    intensity = models.PositiveSmallIntegerField(default=3)
    signs = EncryptedTextField(blank=True, default="")
    helps = EncryptedTextField(blank=True, default="")
    avoid = EncryptedTextField(blank=True, default="")
    needs = models.JSONField(default=list, blank=True)

    SHARED_FIELDS = ("title", "category", "intensity", "signs", "helps", "avoid", "needs")
    KIND = "trigger"

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["shared_with", "owner", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(intensity__gte=1, intensity__lte=5), name="trigger_intensity_1_to_5"
            )
        ]

    def __str__(self) -> str:
        return f"Trigger {self.pk}"


class Boundary(SharedItem):
    class Area(models.TextChoices):
        TIME = "time"
        PHYSICAL = "physical"
        EMOTIONAL = "emotional"
        DIGITAL = "digital"
        MONEY = "money"
        SOCIAL = "social"
        OTHER = "other"

    class Firmness(models.TextChoices):
        FIRM = "firm"
        FLEXIBLE = "flexible"

    statement = EncryptedTextField()
    area = models.CharField(max_length=32, choices=Area.choices, default=Area.OTHER)
    firmness = models.CharField(max_length=16, choices=Firmness.choices, default=Firmness.FIRM)
    why = EncryptedTextField(blank=True, default="")
    how_to_honor = EncryptedTextField(blank=True, default="")

    SHARED_FIELDS = ("statement", "area", "firmness", "why", "how_to_honor")
    KIND = "boundary"

    class Meta:
        verbose_name_plural = "boundaries"
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["shared_with", "owner", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Boundary {self.pk}"


class SelfCareNote(SharedItem):
    """What restores me and what drains me, and what my partner can do about it."""

    class Effect(models.TextChoices):
        RESTORES = "restores"
        DRAINS = "drains"

    title = EncryptedTextField()
    effect = models.CharField(max_length=16, choices=Effect.choices, default=Effect.RESTORES)
    how_you_can_help = EncryptedTextField(blank=True, default="")

    SHARED_FIELDS = ("title", "effect", "how_you_can_help")
    KIND = "self_care"

    class Meta:
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["shared_with", "owner", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"Self-care note {self.pk}"


def asked_models() -> list[type[SharedItem]]:
    """The registered kinds one can ask about: every shareable `SharedItem`."""
    from partners import kinds

    return [k.model for k in kinds.all_kinds() if issubclass(k.model, SharedItem)]


def asked_model(item_type: str | None) -> type[SharedItem] | None:
    return next((m for m in asked_models() if item_type == m.KIND), None)


class QuestionQuerySet(models.QuerySet["Question"]):
    def about(self, item: SharedItem) -> QuestionQuerySet:
        """The questions on one item."""
        return self.filter(item_type=item.KIND, item_id=item.pk)

    def about_any(self, items_by_model: dict[type[SharedItem], Any]) -> QuestionQuerySet:
        """The questions on any of these items ({model: a queryset of its items})."""
        return self.filter(about_any_q(items_by_model))


class QuestionManager(models.Manager.from_queryset(QuestionQuerySet)):  # type: ignore[misc]
    """Every question read comes with its thread's `reply_count`, in the same query."""

    def get_queryset(self) -> QuestionQuerySet:
        return super().get_queryset().annotate(reply_count=_reply_count())


@functools.cache
def _reply_count() -> Coalesce:
    """The count of a question's replies, as a subquery. Built once: an expression
    is copied each time a queryset takes it, and building it anew for every
    question read cost 0.36 ms of each (against 0.12 ms), paid several times on
    every sync page and inbox page (bench/RESULTS.md, "Issue 12, session 5")."""
    replies = (
        Reply.objects.filter(question=OuterRef("pk"))
        .order_by()
        .values("question")
        .annotate(n=models.Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(replies), 0)


def about_any_q(items_by_model: dict[type[SharedItem], Any]) -> Q:
    """Questions on any of these items; matches nothing when none is given."""
    each = [
        Q(item_type=m.KIND, item_id__in=items.values("pk")) for m, items in items_by_model.items()
    ]
    return functools.reduce(operator.or_, each) if each else Q(pk__in=[])


class Question(models.Model):
    """A partner's question about a shared item ("ask, don't guess") and its answer.

    The item is named by its kind (`item_type`, the kind's `KIND`) and id, so
    any registered `SharedItem` kind takes questions with no change here. The
    question's text belongs to the asker, the answer to the item's owner. When
    the item is deleted the question stays with its asker, detached (no item)
    and without the answer, so that what the asker keeps never tells whether
    the item exists.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Null with `item_id` when detached: "no item", which an empty kind would blur.
    item_type = models.CharField(max_length=32, null=True, blank=True)  # noqa: DJ001
    item_id = models.UUIDField(null=True, blank=True)
    asker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()
    answer = EncryptedTextField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = QuestionManager()

    class Meta:
        indexes = [
            models.Index(fields=["item_type", "item_id", "partnership", "-created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(item_type__isnull=True, item_id__isnull=True)
                | Q(item_type__isnull=False, item_id__isnull=False),
                name="question_item_whole_or_none",
            )
        ]

    def __str__(self) -> str:
        return f"Question {self.pk}"

    @cached_property
    def item(self) -> SharedItem | None:
        model = asked_model(self.item_type)
        if model is None or self.item_id is None:
            return None
        return model._default_manager.filter(pk=self.item_id).first()


class Reply(models.Model):
    """A follow-up in a question's thread, by its asker or by the item's owner.

    Each reply is its author's words. When the item is deleted the owner's replies
    go with it (as the answer does) and the asker keeps theirs, with the question,
    detached: nothing the asker keeps tells whether the item still exists.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="replies")
    author = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "replies"
        indexes = [models.Index(fields=["question", "created_at", "id"])]

    def __str__(self) -> str:
        return f"Reply {self.pk}"


def question_item_owner() -> Case:
    """An annotation: the id of the owner of a question's item (null when detached)."""
    return Case(
        *[
            When(
                item_type=model.KIND,
                then=Subquery(
                    model._default_manager.filter(pk=OuterRef("item_id")).values("owner_id")[:1]
                ),
            )
            for model in asked_models()
        ],
        default=None,
        output_field=models.UUIDField(),
    )
