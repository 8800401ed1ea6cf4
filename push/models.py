"""Web Push: the devices a person lets attune reach, and each message's claim.

A `Subscription` is what a browser's PushManager gave one device: the push
service's endpoint and the keys that encrypt for it (RFC 8291). A `Delivery` is one
message to one device about one thing (a reminder, a digest of partner news): its
row is the claim taken before sending and the record after, so each thing reaches
each device once whatever fails, independently of the email about it.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone as dj_timezone

from accounts.models import User


class Subscription(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="push_subscriptions")
    endpoint = models.URLField(max_length=2048)
    # The browser's P-256 public key (65 bytes) and auth secret (16 bytes), base64url.
    p256dh = models.CharField(max_length=100)
    auth = models.CharField(max_length=32)
    label = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(default=dj_timezone.now)
    updated_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        constraints = [
            # The same browser subscribing again updates its row.
            models.UniqueConstraint(fields=["user", "endpoint"], name="push_one_row_per_endpoint")
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"Push subscription {self.pk}"


class Delivery(models.Model):
    """One message to one device. `topic` names what it is about: `prompt:<id>:<moment>` for
    a reminder each time it is handed to the senders (`services.reminder_topic`),
    `news:<digest>` for partner activity."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    topic = models.CharField(max_length=80)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "topic"], name="push_one_delivery_per_topic"
            )
        ]
        # Compaction reads rows by age.
        indexes = [models.Index(fields=["created_at"], name="push_delivery_created")]

    def __str__(self) -> str:
        return f"Push delivery {self.topic}"
