"""The kernel's API shapes: invitations, the partnership, the consent log, the inbox."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from attune.api.fields import InputSerializer, StrictBooleanField, StrictCharField, timestamp
from partners import stream
from partners.agreement import OverTimeAgreement
from partners.models import ConsentEvent, Invitation, Membership, Notification


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
    """What the holder of a link may learn before accepting: who, and until when;
    and, to a signed-in holder, whether the link is their own."""

    inviter = InviterSerializer()
    expires_at = serializers.DateTimeField()
    yours = serializers.SerializerMethodField()

    def get_yours(self, invitation: Invitation) -> bool:
        viewer_id = self.context.get("viewer_id")
        return viewer_id is not None and invitation.inviter_id == viewer_id


class PartnerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    display_name = serializers.CharField()


class OverTimeAgreementSerializer(serializers.Serializer):
    mine = serializers.BooleanField(help_text="I agree to look back together.")
    partner = serializers.BooleanField(help_text="My partner agrees to look back together.")


class PartnershipSerializer(serializers.Serializer):
    """My side of the partnership: the partner is named, and nothing else of them
    but whether they agree to look back together."""

    id = serializers.UUIDField(source="partnership_id")
    partner = serializers.SerializerMethodField()
    since = serializers.DateTimeField(source="partnership.created_at")
    sharing_paused = serializers.BooleanField()
    over_time = serializers.SerializerMethodField(
        help_text="Who agrees to the weekly view of both people's shared check-ins "
        "(`GET /checkins/over-time`); it opens only while both do."
    )

    @extend_schema_field(PartnerSerializer(allow_null=True))
    def get_partner(self, membership: Membership) -> dict[str, Any] | None:
        partner = self.context.get("partner")
        if partner is None:
            return None
        return {"id": partner.pk, "display_name": partner.public_name}

    @extend_schema_field(OverTimeAgreementSerializer)
    def get_over_time(self, membership: Membership) -> dict[str, bool]:
        agreement = OverTimeAgreement.of(
            mine=membership, partner=self.context.get("partner_membership")
        )
        return {"mine": agreement.mine, "partner": agreement.partner}


class PartnershipUpdateSerializer(InputSerializer):
    """Either switch, or both: my pause, and my agreement to look back together."""

    sharing_paused = StrictBooleanField(required=False)
    over_time = StrictBooleanField(
        required=False, help_text="Agree (true) or stop agreeing (false) to look back together."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(
                "Say what to change: sharing_paused, over_time, or both.", code="required"
            )
        return attrs


ENDING_MESSAGE_MAX_LENGTH = 500


def _no_control_characters(value: str) -> None:
    if any(unicodedata.category(ch) == "Cc" and ch != "\n" for ch in value):
        raise serializers.ValidationError(
            "Please write this as plain text, without control characters.",
            code="control_characters",
        )


class PartnershipEndSerializer(InputSerializer):
    """The body of `DELETE /partnership`, itself optional. A message, if given, is
    emailed once to the other person and kept nowhere."""

    message = StrictCharField(
        required=False,
        allow_blank=True,
        max_length=ENDING_MESSAGE_MAX_LENGTH,
        trim_whitespace=True,
        validators=[_no_control_characters],
    )


class ConsentEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConsentEvent
        fields = ["id", "kind", "partnership", "item_type", "item_id", "created_at"]


class InboxTargetSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.UUIDField()


class InboxItemSerializer(serializers.ModelSerializer):
    """One activity: what happened and where to look, never what anyone wrote."""

    read = serializers.SerializerMethodField()
    target = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "created_at", "read", "target", "url"]

    # What `to_representation` reads: the inbox reads its page as rows of these.
    columns = ("id", "kind", "created_at", "read_at", "target_type", "target_id")

    def to_representation(self, activity: Notification | Mapping[str, Any]) -> dict[str, Any]:
        # Read directly, from a row or an instance: DRF's generic path, one field
        # and three method fields per activity, was about a fifth of an inbox
        # page of 50 (bench/RESULTS.md, "Issue 12, session 5"). The declared
        # fields still describe the schema, and tests/partners/test_inbox.py
        # holds this to what they render, key order included.
        row = activity if isinstance(activity, Mapping) else vars(activity)
        kind, target_type, target_id = row["kind"], row["target_type"], row["target_id"]
        has_target = bool(target_type) and target_id is not None
        return {
            "id": str(row["id"]),
            "kind": kind,
            "created_at": timestamp(row["created_at"]),
            "read": row["read_at"] is not None,
            "target": {"type": target_type, "id": str(target_id)} if has_target else None,
            "url": stream.url_of(kind=kind, target_type=target_type, target_id=target_id),
        }

    def get_read(self, activity: Notification) -> bool:
        return activity.read_at is not None

    @extend_schema_field(InboxTargetSerializer(allow_null=True))
    def get_target(self, activity: Notification) -> dict[str, Any] | None:
        if not activity.target_type or activity.target_id is None:
            return None
        return {"type": activity.target_type, "id": str(activity.target_id)}

    def get_url(self, activity: Notification) -> str:
        """A path on the web app (see `partners.stream`'s URL scheme)."""
        return stream.url_of(
            kind=activity.kind, target_type=activity.target_type, target_id=activity.target_id
        )


class InboxReadSerializer(InputSerializer):
    """Either `ids` (some of mine) or `all: true`."""

    ids = serializers.ListField(child=serializers.UUIDField(), max_length=100, required=False)
    all = StrictBooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("all") is True:
            if "ids" in attrs:
                raise serializers.ValidationError({"ids": ["Give either ids or all, not both."]})
            return attrs
        if "ids" not in attrs:
            raise serializers.ValidationError(
                {"ids": ["Say which to mark read, or all: true."]}, code="required"
            )
        return attrs


class UnreadCountSerializer(serializers.Serializer):
    unread_count = serializers.IntegerField()
