from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Field, Model
from django.db.models.manager import BaseManager
from django.utils import timezone
from rest_framework import serializers

from accounts.serializers import validate_timezone_name
from attune.api.fields import (
    InputSerializer,
    RejectUnknownFields,
    StrictBooleanField,
    StrictCharField,
    StrictIntegerField,
    timestamp,
)
from checkins.content import FEELINGS, QUESTIONS
from checkins.models import CheckIn, Prompt, Response, Schedule, linked_trigger_ids
from checkins.selectors import COLUMNS, RESPONSE_COLUMNS

MAX_TIMES = 4
NOTE_TEXT = 2000
RESPONSE_NOTE_TEXT = 500


class ScheduleSerializer(RejectUnknownFields, serializers.ModelSerializer):
    active = StrictBooleanField()
    weekdays = serializers.ListField(
        child=StrictIntegerField(min_value=0, max_value=6), max_length=7
    )
    times = serializers.ListField(
        child=serializers.TimeField(format="%H:%M", input_formats=["%H:%M"]),
        max_length=MAX_TIMES,
    )
    timezone = StrictCharField(max_length=64, required=False, validators=[validate_timezone_name])

    class Meta:
        model = Schedule
        fields = ["active", "weekdays", "times", "timezone", "next_due_at"]
        read_only_fields = ["next_due_at"]

    def to_representation(self, schedule: Schedule) -> dict[str, Any]:
        return {
            "active": schedule.active,
            "weekdays": schedule.weekdays,
            "times": schedule.times,
            "timezone": schedule.timezone,
            "next_due_at": serializers.DateTimeField().to_representation(schedule.next_due_at)
            if schedule.next_due_at
            else None,
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        for name in ("weekdays", "times"):
            if len(set(attrs[name])) != len(attrs[name]):
                raise serializers.ValidationError({name: ["Each value may appear once."]})
        if attrs["active"]:
            # Each missing part is told on its own field, so a form can point at it.
            missing = {
                name: [f"Reminders need at least one {one}: pick one, or turn them off."]
                for name, one in (("weekdays", "day"), ("times", "time"))
                if not attrs[name]
            }
            if missing:
                raise serializers.ValidationError(missing)
        return attrs


class PromptSerializer(serializers.ModelSerializer):
    question = serializers.SerializerMethodField()

    class Meta:
        model = Prompt
        fields = [
            "id",
            "status",
            "slot_at",
            "due_at",
            "question",
            "sent_at",
            "snoozed_until",
            "answered_at",
            "created_at",
        ]
        read_only_fields = fields

    def get_question(self, prompt: Prompt) -> str:
        return QUESTIONS[prompt.question]


class SnoozeSerializer(InputSerializer):
    minutes = StrictIntegerField(min_value=5, max_value=24 * 60)


class ResponseSerializer(RejectUnknownFields, serializers.ModelSerializer):
    note = StrictCharField(max_length=RESPONSE_NOTE_TEXT, required=False, allow_blank=True)

    class Meta:
        model = Response
        fields = ["id", "kind", "note", "created_at"]
        read_only_fields = ["id", "created_at"]


def _response(response: Response | Mapping[str, Any], zone: Any) -> dict[str, Any]:
    """What `ResponseSerializer` renders for a response (an instance, or a row
    read with `values()`), read directly: a check-in list renders one
    serializer per check-in's responses otherwise (see
    `CheckInSerializer.to_representation`)."""
    row = response if isinstance(response, Mapping) else _response_row(response)
    return {
        "id": str(row["id"]),
        "kind": row["kind"],
        "note": row["note"],
        "created_at": timestamp(row["created_at"], zone),
    }


def _response_row(response: Response) -> dict[str, Any]:
    """An instance as the row `checkins.selectors.checkin_rows_among` reads."""
    return {name: getattr(response, attname) for name, attname in _RESPONSE_ATTRIBUTES}


def _answer(row: Mapping[str, Any]) -> dict[str, Any]:
    """The answer itself, as both views show it, in their order."""
    return {name: row[name] for name in CheckIn.SHARED_FIELDS}


def _checkin_row(checkin: CheckIn) -> dict[str, Any]:
    """An instance as the row `checkins.selectors.checkin_rows_among` reads."""
    row = {name: getattr(checkin, attname) for name, attname in _CHECKIN_ATTRIBUTES}
    for name in ("visible_responses", "linked_trigger_ids"):
        if hasattr(checkin, name):
            row[name] = getattr(checkin, name)
    return row


def _attributes(model: type[Model], columns: tuple[str, ...]) -> list[tuple[str, str]]:
    """(the column as `values()` names it, the instance attribute holding it)."""
    fields = [model._meta.get_field(name) for name in columns]
    return [(field.name, field.attname) for field in fields if isinstance(field, Field)]


_CHECKIN_ATTRIBUTES = _attributes(CheckIn, COLUMNS)
_RESPONSE_ATTRIBUTES = _attributes(Response, RESPONSE_COLUMNS)


class CheckInListSerializer(serializers.ListSerializer):
    """Check-ins rendered together read their linked trigger ids in one statement."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        checkins = list(data.all() if isinstance(data, BaseManager) else data)
        # Rows a sync page read bring their links (`checkin_rows_among`).
        unread = [c for c in checkins if not isinstance(c, dict) or "linked_trigger_ids" not in c]
        if unread:
            linked = linked_trigger_ids([c["id"] if isinstance(c, dict) else c.pk for c in unread])
            for checkin in unread:
                if isinstance(checkin, dict):
                    checkin["linked_trigger_ids"] = linked.get(checkin["id"], [])
                else:
                    checkin.linked_trigger_ids = linked.get(checkin.pk, [])
        return super().to_representation(checkins)


class CheckInSerializer(RejectUnknownFields, serializers.ModelSerializer):
    """The owner's view of an answer, and what they may write."""

    prompt = serializers.UUIDField(required=False, allow_null=True, source="prompt_id")
    pleasantness = StrictIntegerField(min_value=-2, max_value=2)
    energy = StrictIntegerField(min_value=-2, max_value=2)
    feelings = serializers.ListField(
        child=serializers.ChoiceField(choices=FEELINGS), max_length=10, required=False
    )
    note = StrictCharField(max_length=NOTE_TEXT, required=False, allow_blank=True)
    trigger_ids = serializers.ListField(
        child=serializers.UUIDField(), max_length=50, required=False, write_only=True
    )
    shared = StrictBooleanField(required=False)
    responses = ResponseSerializer(many=True, read_only=True, source="visible_responses")

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "prompt",
            "pleasantness",
            "energy",
            "feelings",
            "need",
            "note",
            "trigger_ids",
            "shared",
            "shared_at",
            "responses",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "shared_at", "responses", "created_at", "updated_at"]
        list_serializer_class = CheckInListSerializer

    def to_representation(self, checkin: CheckIn | Mapping[str, Any]) -> dict[str, Any]:
        # Read directly, as the partner's view is (below): DRF's generic path
        # with its nested responses was about a fifth of a sync page
        # (bench/RESULTS.md, "Issue 12, session 4": "DRF rendering the
        # check-ins ... about 20 %"). An instance, or a row as a sync page
        # reads it (`checkins.selectors.checkin_rows_among`). The declared
        # fields still describe the schema and what is written; a test holds
        # this to what they would render, key order included (`trigger_ids`
        # and `shared`, which the model has no attribute for, after them, and
        # `responses` last when the check-in was read without them).
        row = checkin if isinstance(checkin, Mapping) else _checkin_row(checkin)
        zone = timezone.get_current_timezone()
        responses = row.get("visible_responses")
        data: dict[str, Any] = {
            "id": str(row["id"]),
            "prompt": None if row["prompt"] is None else str(row["prompt"]),
            **_answer(row),
            "shared_at": timestamp(row["shared_at"], zone),
        }
        if responses is not None:
            data["responses"] = [_response(r, zone) for r in responses]
        data["created_at"] = timestamp(row["created_at"], zone)
        data["updated_at"] = timestamp(row["updated_at"], zone)
        linked = row.get("linked_trigger_ids")
        if linked is None:
            linked = linked_trigger_ids([row["id"]]).get(row["id"], [])
        data["trigger_ids"] = [str(pk) for pk in linked]
        data["shared"] = row["shared_with"] is not None
        if responses is None:
            data["responses"] = []
        return data

    def validate_feelings(self, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise serializers.ValidationError("Each feeling may appear once.", code="duplicate")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "prompt_id" in attrs:
            attrs["prompt"] = attrs.pop("prompt_id")
        return attrs


class CheckInUpdateSerializer(CheckInSerializer):
    """What may change later: everything but the prompt it answered."""

    prompt = serializers.UUIDField(read_only=True, source="prompt_id")


class PartnerCheckInSerializer(serializers.ModelSerializer):
    """The partner's view: the answer as shared, and the responses in this partnership."""

    responses = ResponseSerializer(many=True, read_only=True, source="visible_responses")
    # Declared so the schema admits "" (no need named), as it does for the owner.
    need = serializers.ChoiceField(choices=CheckIn.Need.choices, allow_blank=True, read_only=True)

    class Meta:
        model = CheckIn
        fields = [
            "id",
            "pleasantness",
            "energy",
            "feelings",
            "need",
            "note",
            "shared_at",
            "responses",
            "created_at",
        ]
        read_only_fields = fields

    def to_representation(self, checkin: CheckIn | Mapping[str, Any]) -> dict[str, Any]:
        # Read directly, not through one DRF field per value, as the partner's
        # view of an item is (triggers.serializers.PartnerItemSerializer): 10
        # check-ins 0.64-0.73 → 0.12-0.16 ms (bench/RESULTS.md, "Reading the
        # HTTP figures", round 3). An instance or a row, as the owner's view.
        # The declared fields still describe the schema; a test holds this to
        # what they would render.
        row = checkin if isinstance(checkin, Mapping) else _checkin_row(checkin)
        zone = timezone.get_current_timezone()
        responses = row.get("visible_responses")
        return {
            "id": str(row["id"]),
            **_answer(row),
            "shared_at": timestamp(row["shared_at"], zone),
            "responses": [_response(r, zone) for r in responses] if responses else [],
            "created_at": timestamp(row["created_at"], zone),
        }
