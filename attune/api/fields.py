"""Serializer pieces shared by every app's API."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


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
