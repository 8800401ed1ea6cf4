"""The kernel's API shapes: invitations, the partnership, the consent log."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from attune.api.fields import InputSerializer, StrictBooleanField, StrictCharField
from partners.models import ConsentEvent, Invitation, Membership


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
