"""Serializer pieces shared by every app's API."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from django.utils import timezone
from rest_framework import serializers


def timestamp(value: datetime | None, zone: tzinfo | None = None) -> str | None:
    """What DRF's DateTimeField renders (ISO 8601 in the current timezone, "Z" for
    UTC) for the aware datetimes the database returns, at a fraction of its cost:
    the hand-written renderers of long pages use it (a sync page holds 150), and
    tests/triggers/test_partner_representation.py compares the two. `zone` is the
    current timezone, when the caller has it at hand (looking it up is not free)."""
    if value is None:
        return None
    text = value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class StrictBooleanField(serializers.BooleanField):
    """Only JSON `true` and `false`; "yes" or 1 are type errors, not guesses."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        self.fail("invalid")
        raise AssertionError  # unreachable: fail() raises


# A mixin with a comment, not a docstring: the OpenAPI schema would show a
# docstring as the description of every serializer built on it.
class RejectUnknownFields:
    # Refuses keys it does not know, so a typo or a read-only field is not silently ignored.

    fields: Any

    def to_internal_value(self, data: Any) -> Any:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": ["Expected a JSON object."]}, code="invalid"
            )
        writable = {name for name, field in self.fields.items() if not field.read_only}
        unknown = sorted(set(data) - writable)
        if unknown:
            raise serializers.ValidationError(
                {key: ["This field is unknown or cannot be changed."] for key in unknown},
                code="unknown_field",
            )
        return super().to_internal_value(data)  # type: ignore[misc]


class InputSerializer(RejectUnknownFields, serializers.Serializer):
    pass


class StrictCharField(serializers.CharField):
    """Only JSON strings: a number where text belongs is a type error, not text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictIntegerField(serializers.IntegerField):
    """Only JSON integers: `true` or `"3"` are type errors."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)
