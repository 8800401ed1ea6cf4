from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives.asymmetric import ec
from rest_framework import serializers

from attune.api.fields import InputSerializer, StrictBooleanField, StrictCharField
from push import vapid
from push.models import Subscription

_KEY_MESSAGE = (
    "This key doesn't look like the one a browser gives: please send the "
    "subscription exactly as the browser made it."
)


def _decoded(value: str, *, length: int) -> bytes:
    try:
        raw = vapid.b64url_decode(value)
    except ValueError:
        raise serializers.ValidationError(_KEY_MESSAGE, code="invalid_key") from None
    if len(raw) != length:
        raise serializers.ValidationError(_KEY_MESSAGE, code="invalid_key")
    return raw


class SubscriptionKeysSerializer(InputSerializer):
    p256dh = StrictCharField(max_length=100)
    auth = StrictCharField(max_length=32)

    def validate_p256dh(self, value: str) -> str:
        raw = _decoded(value, length=65)
        try:
            # A point on P-256, uncompressed: what RFC 8291 encrypts to.
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise serializers.ValidationError(_KEY_MESSAGE, code="invalid_key") from None
        return value.rstrip("=")

    def validate_auth(self, value: str) -> str:
        _decoded(value, length=16)
        return value.rstrip("=")


class SubscriptionCreateSerializer(InputSerializer):
    """The browser's `PushSubscription.toJSON()`, and a label naming the device."""

    endpoint = StrictCharField(max_length=2048)
    keys = SubscriptionKeysSerializer()
    # A field named like Field.label: DRF's metaclass takes it as a field.
    label = StrictCharField(  # type: ignore[assignment]
        max_length=80, allow_blank=True, required=False, default=""
    )
    # Part of what browsers give; accepted as they send it, and not kept.
    expirationTime = serializers.IntegerField(allow_null=True, required=False, min_value=0)


class SubscriptionSerializer(serializers.ModelSerializer):
    """One of my devices. Its keys are never shown again."""

    class Meta:
        model = Subscription
        fields = ["id", "label", "endpoint", "created_at", "updated_at"]
        read_only_fields = fields


class PushKeySerializer(serializers.Serializer):
    public_key = serializers.CharField(
        help_text="The VAPID public key (base64url, 65 bytes): the browser's "
        "`applicationServerKey` for `PushManager.subscribe`."
    )


class PushPreferencesSerializer(InputSerializer):
    """Which kinds come by push, beside the email ones (`email_preferences`)."""

    reminders = StrictBooleanField(required=False)
    partner_activity = StrictBooleanField(required=False)


def subscription_fields(data: dict[str, Any]) -> dict[str, str]:
    return {
        "endpoint": data["endpoint"],
        "p256dh": data["keys"]["p256dh"],
        "auth": data["keys"]["auth"],
        "label": data.get("label", "").strip(),
    }
