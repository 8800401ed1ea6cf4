from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import ConsentEvent, Invitation, Membership, User, validate_display_name
from attune.api.fields import InputSerializer, StrictBooleanField, StrictCharField


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


class MeSerializer(serializers.ModelSerializer):
    quiet_hours = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "email", "display_name", "timezone", "quiet_hours", "created_at"]

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


class PasswordSerializer(InputSerializer):
    password = StrictCharField(max_length=4096, trim_whitespace=False)


class InvitationSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "status",
            "created_at",
            "expires_at",
            "accepted_at",
            "withdrawn_at",
        ]

    def get_status(self, invitation: Invitation) -> str:
        return invitation.status_at(self.context.get("now") or timezone.now())


class NewInvitationSerializer(InvitationSerializer):
    token = serializers.CharField(read_only=True)
    url = serializers.URLField(read_only=True)

    class Meta(InvitationSerializer.Meta):
        fields = [*InvitationSerializer.Meta.fields, "token", "url"]


class InvitationCreateSerializer(InputSerializer):
    email = serializers.EmailField(required=False, allow_blank=True, max_length=254)


class InvitationAcceptSerializer(InputSerializer):
    token = StrictCharField(max_length=200)


class InvitationPreviewInputSerializer(InputSerializer):
    token = StrictCharField(max_length=200)


class InviterSerializer(serializers.Serializer):
    display_name = serializers.CharField(source="name_for_invitee")


class InvitationPreviewSerializer(serializers.Serializer):
    """What the holder of a link may learn before accepting: who, and until when."""

    inviter = InviterSerializer()
    expires_at = serializers.DateTimeField()


class PartnerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class PartnershipSerializer(serializers.Serializer):
    """My side of the partnership: the partner is named, and nothing else of them."""

    id = serializers.UUIDField(source="partnership_id")
    partner = serializers.SerializerMethodField()
    since = serializers.DateTimeField(source="partnership.created_at")
    sharing_paused = serializers.BooleanField()

    @extend_schema_field(PartnerSerializer(allow_null=True))
    def get_partner(self, membership: Membership) -> dict[str, Any] | None:
        partner = self.context.get("partner")
        if partner is None:
            return None
        return {"id": partner.pk, "display_name": partner.public_name}


class PartnershipUpdateSerializer(InputSerializer):
    sharing_paused = StrictBooleanField()


class ConsentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentEvent
        fields = ["id", "kind", "partnership", "item_type", "item_id", "created_at"]
