"""Push sending as Celery tasks, and the calls the email senders make.

The email senders push in line (`prompts_push_now`, `news_push_now`), beside their
own email, so a push goes as soon as its email would. A push service that cannot
take a message now leaves its claim released and a retry task with backoff; the
retry sends only what has not gone (each device's delivery is claimed apart).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from kombu.exceptions import OperationalError

from push.sender import PushUnavailable

log = logging.getLogger(__name__)

# 10 s, 20 s, 40 s … up to 10 minutes, 8 times: as the reminder emails.
RETRY_AFTER = 10


@shared_task(
    autoretry_for=(PushUnavailable,),
    retry_backoff=RETRY_AFTER,
    retry_backoff_max=600,
    max_retries=8,
)
def push_prompts(prompt_ids: list[str]) -> None:
    """Safe to run twice: each device's message is claimed before it goes."""
    from push import services

    outcome = services.prompts_push(prompt_ids=prompt_ids)
    if outcome.unavailable is not None:
        raise outcome.unavailable


@shared_task(
    autoretry_for=(PushUnavailable,),
    retry_backoff=RETRY_AFTER,
    retry_backoff_max=600,
    max_retries=8,
)
def push_news(recipient_id: str, topic: str, urls: list[str] | str) -> None:
    """Safe to run twice: the digest's topic is claimed per device. What it
    announces is asked of consent again here, at retry time. (A message queued
    before that carries the one url it links to.)"""
    from accounts.models import User
    from push import services

    recipient = User.objects.filter(pk=recipient_id).first()
    if recipient is None:
        return
    still = services.news_still_visible(
        recipient=recipient, urls=[urls] if isinstance(urls, str) else urls
    )
    if not still:
        return
    outcome = services.news_push(recipient=recipient, topic=topic, url=still[0])
    if outcome.unavailable is not None:
        raise outcome.unavailable


def _later(task: Any, args: tuple[Any, ...]) -> None:
    try:
        task.apply_async(args, countdown=RETRY_AFTER)
    except (OperationalError, OSError):
        log.warning("The broker refused a push retry; those messages are not sent.")


def prompts_push_now(prompt_ids: list[str]) -> None:
    """From the reminders' send task, before its emails."""
    from push import services

    if services.prompts_push(prompt_ids=prompt_ids).unavailable is not None:
        _later(push_prompts, (list(prompt_ids),))


def news_push_now(*, recipient: Any, urls: list[str]) -> None:
    """From the partner-activity email's sender, with that email's news (newest
    first): one push whose link opens the newest."""
    from push import services

    if not urls:
        return
    topic = services.news_topic(recipient_id=recipient.pk, urls=urls)
    outcome = services.news_push(recipient=recipient, topic=topic, url=urls[0])
    if outcome.unavailable is not None:
        _later(push_news, (str(recipient.pk), topic, list(urls)))


@shared_task
def compact_deliveries() -> None:
    """Safe to run twice: the second run finds nothing old left."""
    from push import services

    services.deliveries_compact()
