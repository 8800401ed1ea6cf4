from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts import email_preferences
from accounts.models import User, validate_display_name
from attune.api.fields import InputSerializer, StrictBooleanField, StrictCharField
from push import preferences as push_preferences
from push.serializers import PushPreferencesSerializer


@cache
def _iana_names() -> frozenset[str]:
    return frozenset(available_timezones())


def validate_timezone_name(value: str) -> None:
    if value not in _iana_names():
        raise serializers.ValidationError(
            "Not a known IANA timezone name (for example Europe/Berlin).", code="invalid_timezone"
        )


class QuietHoursSerializer(InputSerializer):
    start = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])
    end = serializers.TimeField(format="%H:%M", input_formats=["%H:%M"])

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["start"] == attrs["end"]:
            raise serializers.ValidationError(
                {"end": ["Quiet hours must end at a different time than they start."]}
            )
        return attrs


class EmailPreferencesSerializer(InputSerializer):
    """Which non-essential emails come (`accounts.email_preferences`)."""

    reminders = StrictBooleanField(required=False)
    partner_activity = StrictBooleanField(required=False)


class MeSerializer(serializers.ModelSerializer):
    quiet_hours = serializers.SerializerMethodField()
    email_preferences = serializers.SerializerMethodField()
    push_preferences = serializers.SerializerMethodField()
    # What waits unread in my inbox; the view counts it (`partners.stream.unread_count`).
    unread_count = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "display_name",
            "timezone",
            "quiet_hours",
            "email_preferences",
            "push_preferences",
            "created_at",
            "unread_count",
        ]

    def get_unread_count(self, user: User) -> int:
        return int(self.context.get("unread_count", 0))

    @extend_schema_field(EmailPreferencesSerializer)
    def get_email_preferences(self, user: User) -> dict[str, bool]:
        return email_preferences.of(user)

    @extend_schema_field(PushPreferencesSerializer)
    def get_push_preferences(self, user: User) -> dict[str, bool]:
        return push_preferences.of(user)

    def get_quiet_hours(self, user: User) -> dict[str, str] | None:
        if user.quiet_hours_start is None or user.quiet_hours_end is None:
            return None
        return {
            "start": user.quiet_hours_start.strftime("%H:%M"),
            "end": user.quiet_hours_end.strftime("%H:%M"),
        }


class MeUpdateSerializer(InputSerializer):
    display_name = StrictCharField(
        max_length=80, allow_blank=True, required=False, validators=[validate_display_name]
    )
    timezone = StrictCharField(max_length=64, required=False, validators=[validate_timezone_name])
    quiet_hours = QuietHoursSerializer(allow_null=True, required=False)
    email_preferences = EmailPreferencesSerializer(required=False)
    push_preferences = PushPreferencesSerializer(required=False)


class PasswordSerializer(InputSerializer):
    password = StrictCharField(max_length=4096, trim_whitespace=False)
