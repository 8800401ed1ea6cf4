from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from django.utils import timezone
from rest_framework import serializers

from attune.api.fields import (
    RejectUnknownFields,
    StrictCharField,
    StrictIntegerField,
    timestamp,
)
from attune.fields import EncryptedTextField, open_values
from triggers.models import (
    NEEDS,
    Boundary,
    Question,
    Reply,
    SelfCareNote,
    SharedItem,
    Trigger,
    changed_for_partner,
    changed_since,
)

SHORT_TEXT = 200
LONG_TEXT = 2000
NOTES_TEXT = 5000
QUESTION_TEXT = 1000


class NeedsField(serializers.ListField):
    child = serializers.ChoiceField(choices=NEEDS)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=len(NEEDS), **kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            raise serializers.ValidationError("Each need may appear once.", code="duplicate")
        return values


class OwnItemSerializer(RejectUnknownFields, serializers.ModelSerializer):
    """The owner's view of an item, and what the owner may write."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        EncryptedTextField: StrictCharField,
    }
    shared = serializers.SerializerMethodField()
    changed_since_acknowledged = serializers.BooleanField(read_only=True)

    # What every kind's owner view ends with, after the kind's own fields.
    OWN_FIELDS = (
        "notes",
        "shared",
        "shared_at",
        "acknowledged_at",
        "changed_since_acknowledged",
        "created_at",
        "updated_at",
    )
    READ_ONLY = (
        "id",
        "shared",
        "shared_at",
        "acknowledged_at",
        "changed_since_acknowledged",
        "created_at",
        "updated_at",
    )

    def get_shared(self, item: SharedItem) -> bool:
        # Ending a partnership clears its shares (`partners.sharing`), so a set
        # `shared_with` always names the current partnership.
        return item.shared_with_id is not None

    @staticmethod
    def columns(model: type[SharedItem]) -> list[str]:
        """What `to_representation` reads of a row: a sync page reads the
        owner's items with `values()`. Building model instances (with their
        encrypted fields opened on `post_init`) was a quarter of the owner's
        types' cost in a 100-entry page (bench/RESULTS.md, "Issue 12, session 6")."""
        return [
            "id",
            *model.SHARED_FIELDS,
            "notes",
            "shared_with",
            "shared_at",
            "acknowledged_at",
            "content_changed_at",
            "created_at",
            "updated_at",
        ]

    def to_representation(self, item: SharedItem | Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(item, Mapping):
            return super().to_representation(item)
        # A row: rendered directly, as the declared fields would render the
        # item (a test holds the two together, key order included).
        row = open_values(self.Meta.model, item)
        zone = timezone.get_current_timezone()
        shown = {
            "id": str(row["id"]),
            "shared": row["shared_with"] is not None,
            "changed_since_acknowledged": changed_since(
                row["acknowledged_at"], changed_at=row["content_changed_at"]
            ),
            **{name: timestamp(row[name], zone) for name in self._TIMES},
        }
        return {name: shown[name] if name in shown else row[name] for name in self.Meta.fields}

    _TIMES = ("shared_at", "acknowledged_at", "created_at", "updated_at")


class TriggerSerializer(OwnItemSerializer):
    intensity = StrictIntegerField(min_value=1, max_value=5, required=False)
    needs = NeedsField(required=False)

    class Meta:
        model = Trigger
        fields = [
            "id",
            "title",
            "category",
            "intensity",
            "signs",
            "helps",
            "avoid",
            "needs",
            *OwnItemSerializer.OWN_FIELDS,
        ]
        read_only_fields = OwnItemSerializer.READ_ONLY
        extra_kwargs = {
            "title": {"max_length": SHORT_TEXT},
            "signs": {"max_length": LONG_TEXT},
            "helps": {"max_length": LONG_TEXT},
            "avoid": {"max_length": LONG_TEXT},
            "notes": {"max_length": NOTES_TEXT},
        }


class BoundarySerializer(OwnItemSerializer):
    class Meta:
        model = Boundary
        fields = [
            "id",
            "statement",
            "area",
            "firmness",
            "why",
            "how_to_honor",
            *OwnItemSerializer.OWN_FIELDS,
        ]
        read_only_fields = OwnItemSerializer.READ_ONLY
        extra_kwargs = {
            "statement": {"max_length": LONG_TEXT},
            "why": {"max_length": LONG_TEXT},
            "how_to_honor": {"max_length": LONG_TEXT},
            "notes": {"max_length": NOTES_TEXT},
        }


class SelfCareNoteSerializer(OwnItemSerializer):
    class Meta:
        model = SelfCareNote
        fields = [
            "id",
            "title",
            "effect",
            "how_you_can_help",
            *OwnItemSerializer.OWN_FIELDS,
        ]
        read_only_fields = OwnItemSerializer.READ_ONLY
        extra_kwargs = {
            "title": {"max_length": SHORT_TEXT},
            "how_you_can_help": {"max_length": LONG_TEXT},
            "notes": {"max_length": NOTES_TEXT},
        }


class PartnerItemSerializer(serializers.ModelSerializer):
    """What the partner sees: the shared fields, never `notes`.

    `updated_at` is when the shared content last changed for the partner (never
    before the share: `changed_for_partner`), so an edit to private notes leaves
    no trace here, and neither does when the item was written.
    """

    updated_at = serializers.DateTimeField(source="changed_for_partner_at", read_only=True)
    changed_since_acknowledged = serializers.BooleanField(read_only=True)

    COMMON = ("shared_at", "acknowledged_at", "changed_since_acknowledged", "updated_at")

    @staticmethod
    def columns(model: type[SharedItem]) -> list[str]:
        """What `to_representation` reads. A list fetches these with `values()`:
        building 50 model instances cost a fifth of a page's time."""
        return ["id", *model.SHARED_FIELDS, "shared_at", "acknowledged_at", "content_changed_at"]

    def to_representation(self, item: SharedItem | Mapping[str, Any]) -> dict[str, Any]:
        # Read directly, not through one DRF field per value (a page holds 50 items).
        # The declared fields still describe the schema, and a test holds this to
        # what they would render, key order included.
        model: type[SharedItem] = self.Meta.model
        if isinstance(item, Mapping):
            row = open_values(model, item)
        else:
            row = {name: getattr(item, name) for name in self.columns(model)}
        data: dict[str, Any] = {"id": str(row["id"])}
        for name in model.SHARED_FIELDS:
            data[name] = row[name]
        acknowledged_at, changed_at = row["acknowledged_at"], row["content_changed_at"]
        zone = timezone.get_current_timezone()
        data["shared_at"] = timestamp(row["shared_at"], zone)
        data["acknowledged_at"] = timestamp(acknowledged_at, zone)
        data["changed_since_acknowledged"] = changed_since(acknowledged_at, changed_at=changed_at)
        data["updated_at"] = timestamp(
            changed_for_partner(changed_at, shared_at=row["shared_at"]), zone
        )
        return data


class PartnerTriggerSerializer(PartnerItemSerializer):
    class Meta:
        model = Trigger
        fields = ["id", *Trigger.SHARED_FIELDS, *PartnerItemSerializer.COMMON]
        read_only_fields = fields


class PartnerBoundarySerializer(PartnerItemSerializer):
    class Meta:
        model = Boundary
        fields = ["id", *Boundary.SHARED_FIELDS, *PartnerItemSerializer.COMMON]
        read_only_fields = fields


class PartnerSelfCareNoteSerializer(PartnerItemSerializer):
    class Meta:
        model = SelfCareNote
        fields = ["id", *SelfCareNote.SHARED_FIELDS, *PartnerItemSerializer.COMMON]
        read_only_fields = fields


class QuestionSerializer(RejectUnknownFields, serializers.ModelSerializer):
    item_type = serializers.CharField(
        read_only=True, allow_null=True, help_text="The item's kind; null once it is gone."
    )
    item_id = serializers.UUIDField(read_only=True, allow_null=True)
    text = StrictCharField(max_length=QUESTION_TEXT)
    reply_count = serializers.SerializerMethodField(
        help_text="How many follow-up replies the thread has, from either side "
        "(read them at questions/{id}/replies)."
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "item_type",
            "item_id",
            "text",
            "answer",
            "answered_at",
            "reply_count",
            "created_at",
        ]
        read_only_fields = ["id", "answer", "answered_at", "reply_count", "created_at"]

    def get_reply_count(self, question: Question | Mapping[str, Any]) -> int:
        # Every read through `Question.objects` carries the count (a row read
        # with `values()` too); a question just made has none.
        if isinstance(question, Mapping):
            return int(question.get("reply_count") or 0)
        return int(getattr(question, "reply_count", 0) or 0)


class ListedQuestionSerializer(QuestionSerializer):
    """A question in the list of every thread I can read: whose item it is on."""

    about = serializers.ChoiceField(choices=["mine", "partner"], read_only=True)

    class Meta(QuestionSerializer.Meta):
        fields = [*QuestionSerializer.Meta.fields, "about"]
        read_only_fields = [*QuestionSerializer.Meta.read_only_fields, "about"]


class ReplySerializer(RejectUnknownFields, serializers.ModelSerializer):
    """A follow-up in a question's thread. `by` says whose side wrote it: the
    question's asker or the item's owner; `mine` whether it is the reader's."""

    text = StrictCharField(max_length=LONG_TEXT)
    by = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()

    class Meta:
        model = Reply
        fields = ["id", "text", "by", "mine", "created_at"]
        read_only_fields = ["id", "by", "mine", "created_at"]

    def get_by(self, reply: Reply) -> Literal["asker", "owner"]:
        asker_id = self.context.get("asker_id") or reply.question.asker_id
        return "asker" if reply.author_id == asker_id else "owner"

    def get_mine(self, reply: Reply) -> bool:
        return bool(reply.author_id == self.context.get("reader_id"))


class AnswerSerializer(RejectUnknownFields, serializers.Serializer):
    text = StrictCharField(max_length=LONG_TEXT)
