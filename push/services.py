"""Every write about push: subscriptions, and sending each message once per device.

Sending follows the email's rules (`checkins.services.prompts_send`,
`partners.services.notifications_send`): a message is claimed before it goes and
recorded as soon as the push service took it, per device (`Delivery`, unique on
subscription and topic), so a repeated or redelivered task sends nothing twice and
a worker killed mid-send repeats at most the one message in flight. A claim left by
a killed worker is taken again after CLAIM_STALE. Push and email claim apart: one
channel failing never holds back or repeats the other.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from attune.errors import Invalid, NotFound
from push import endpoints, selectors, sender
from push.models import Delivery, Subscription

log = logging.getLogger(__name__)

# Longer than one send can take (sender.TIMEOUT), shorter than the reminders'
# sweep (checkins.services.SWEEP_AFTER), which hands a killed worker's prompts on.
CLAIM_STALE = timedelta(minutes=2)
# Deliveries are kept this long, then forgotten: a reminder or news that old is
# not sent again anyway (reminders expire, news waits in the inbox).
KEEP_SENT = timedelta(days=7)

REMINDER_TTL = 4 * 60 * 60  # a reminder held longer than this for an offline phone is stale
NEWS_TTL = 24 * 60 * 60


# --- Subscriptions ----------------------------------------------------------------


def subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, label: str
) -> tuple[Subscription, bool]:
    """Keep the device's subscription (the same endpoint again updates it).
    Returns (subscription, created)."""
    try:
        endpoints.check(endpoint)
    except endpoints.RefusedEndpoint as refused:
        raise Invalid(str(refused), code="invalid_endpoint", param="endpoint") from None
    now = timezone.now()
    with transaction.atomic():
        # The same browser subscription (its endpoint and its secret) now signed in
        # as someone else: the device is theirs, and no longer the earlier person's.
        Subscription.objects.filter(endpoint=endpoint, auth=auth).exclude(user=user).delete()
        subscription, created = Subscription.objects.update_or_create(
            user=user,
            endpoint=endpoint,
            defaults={"p256dh": p256dh, "auth": auth, "label": label, "updated_at": now},
            create_defaults={
                "p256dh": p256dh,
                "auth": auth,
                "label": label,
                "created_at": now,
                "updated_at": now,
            },
        )
    return subscription, created


def subscription_delete(*, user: User, subscription_id: Any) -> None:
    """Forget one of my devices (a client does this when it signs out)."""
    deleted, _ = Subscription.objects.filter(user=user, pk=subscription_id).delete()
    if not deleted:
        raise NotFound()


# --- Sending ------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: int = 0
    gone: int = 0
    # The first transient failure, raised once the rest of the batch went.
    unavailable: sender.PushUnavailable | None = None
    retry: list[tuple[Any, str]] = field(default_factory=list)


def _claim(pairs: Iterable[tuple[Any, str]], *, now: datetime) -> dict[tuple[Any, str], Any]:
    """Take the unsent (subscription id, topic) pairs among `pairs`; return those
    taken, each with its delivery's id.

    Rows are made first (a conflict means one exists), then taken with a guarded
    update under row locks: a second claimer skips what the first holds and finds
    it claimed or sent afterwards."""
    wanted = set(pairs)
    if not wanted:
        return {}
    Delivery.objects.bulk_create(
        [Delivery(subscription_id=s, topic=t, created_at=now) for s, t in wanted],
        ignore_conflicts=True,
    )
    stale = now - CLAIM_STALE
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(
                subscription_id__in={s for s, _ in wanted},
                topic__in={t for _, t in wanted},
                sent_at__isnull=True,
            )
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
            .values_list("pk", "subscription_id", "topic")
        )
        taken = {(s, t): pk for pk, s, t in rows if (s, t) in wanted}
        Delivery.objects.filter(pk__in=list(taken.values())).update(claimed_at=now)
    return taken


def _deliver(
    messages: dict[tuple[Any, str], sender.Message],
    subscriptions: dict[Any, Subscription],
    taken: dict[tuple[Any, str], Any],
) -> Outcome:
    """Send each claimed (subscription, topic) its message, recording each as it goes."""
    outcome = Outcome()
    for (subscription_id, topic), message in messages.items():
        done = Delivery.objects.filter(pk=taken[subscription_id, topic])
        try:
            sender.send(subscription=subscriptions[subscription_id], message=message)
        except sender.Gone:
            # The browser unsubscribed, or the push service forgot it: so do we.
            Subscription.objects.filter(pk=subscription_id).delete()
            outcome.gone += 1
            continue
        except sender.PushUnavailable as exc:
            done.update(claimed_at=None)
            outcome.unavailable = outcome.unavailable or exc
            outcome.retry.append((subscription_id, topic))
            continue
        except (sender.Refused, endpoints.RefusedEndpoint) as exc:
            # Not for retrying: record it done, say so without the address.
            log.warning("A push service refused a message for good: %s", type(exc).__name__)
        done.update(sent_at=timezone.now())
        outcome.sent += 1
    return outcome


def prompts_push(*, prompt_ids: list[Any]) -> Outcome:
    """The reminders among `prompt_ids` still waiting, by push to each device of
    whoever wants reminders by push. Raises nothing for a push service's failure:
    the outcome says what to retry."""
    from checkins.models import Prompt

    prompts = {
        pk: (user_id, reminder_topic(prompt_id=pk, snoozes_ended=snoozes_ended))
        for pk, user_id, snoozes_ended in Prompt.objects.filter(
            pk__in=prompt_ids, status=Prompt.Status.PENDING, snoozed_until__isnull=True
        ).values_list("pk", "user_id", "snoozes_ended")
    }
    if not prompts:
        return Outcome()
    devices: dict[Any, list[Subscription]] = {}
    for subscription in selectors.subscriptions_wanting(
        user_ids=list({user_id for user_id, _ in prompts.values()}), kind="reminders"
    ):
        devices.setdefault(subscription.user_id, []).append(subscription)
    wanted = {
        (subscription.pk, topic): (subscription, prompt_id)
        for prompt_id, (user_id, topic) in prompts.items()
        for subscription in devices.get(user_id, [])
    }
    taken = _claim(wanted, now=timezone.now())
    messages = {pair: reminder_message(prompt_id=wanted[pair][1]) for pair in taken}
    return _deliver(messages, {wanted[pair][0].pk: wanted[pair][0] for pair in taken}, taken)


def reminder_topic(*, prompt_id: Any, snoozes_ended: int) -> str:
    """A reminder's push, once per time it comes due.

    It comes due when its slot arrives and again each time a snooze ends (the
    dispatcher then counts it on the prompt and clears `sent_at`, so the email
    goes again too): each is pushed once, and a repeated or retried task, or the
    sweep that hands on a killed worker's unsent prompts, finds its delivery
    taken."""
    return f"prompt:{prompt_id}:{snoozes_ended}"


def reminder_message(*, prompt_id: Any) -> sender.Message:
    """What a lock screen shows of a reminder: the same for everyone, and a link."""
    return sender.Message(
        title="attune",
        body="A gentle check-in: how are you, right now?",
        url=f"/today?prompt={prompt_id}",
        tag="reminder",
        ttl=REMINDER_TTL,
    )


def news_topic(*, recipient_id: Any, urls: list[str]) -> str:
    """One digest's topic: the same news for the same person is the same message."""
    digest = hashlib.sha256("\n".join([str(recipient_id), *sorted(urls)]).encode()).hexdigest()
    return f"news:{digest[:40]}"


def news_message(*, url: str) -> sender.Message:
    """What a lock screen shows of partner activity: that there is some, never what."""
    return sender.Message(
        title="attune",
        body="There's something new from your partner.",
        url=url,
        tag="partner",
        ttl=NEWS_TTL,
    )


def news_push(*, recipient: User, topic: str, url: str) -> Outcome:
    """One digest of partner news (already filtered by consent and batched, see
    `partners.services.notifications_send`) to each device that wants it."""
    subscriptions = {
        s.pk: s
        for s in selectors.subscriptions_wanting(user_ids=[recipient.pk], kind="partner_activity")
    }
    taken = _claim(((pk, topic) for pk in subscriptions), now=timezone.now())
    message = news_message(url=url)
    return _deliver(dict.fromkeys(taken, message), subscriptions, taken)


def news_still_visible(*, recipient: User, urls: list[str]) -> list[str]:
    """Those of `urls` (a digest's news) the recipient may still know about now,
    newest first, by the kernel's rule (`partners.stream.visible`). A retried push
    asks again, as the email's retry does: a share taken back, a pause or an
    ending since the first try leaves nothing to announce."""
    from partners import stream
    from partners.viewer import viewer_of

    recent = timezone.now() - KEEP_SENT
    rows = (
        stream.visible(viewer_of(user=recipient))
        .filter(kind__in=stream.EMAILED, created_at__gte=recent)
        .order_by("-created_at", "-id")
        .values_list("kind", "target_type", "target_id")
    )
    wanted = set(urls)
    found = (stream.url_of(kind=k, target_type=t, target_id=i) for k, t, i in rows)
    return [url for url in dict.fromkeys(found) if url in wanted]


def deliveries_compact(*, now: datetime | None = None) -> int:
    """Forget deliveries made more than KEEP_SENT ago, sent or given up; how many went."""
    cutoff = (now or timezone.now()) - KEEP_SENT
    deleted, _ = Delivery.objects.filter(created_at__lt=cutoff).delete()
    return deleted
