from collections.abc import Iterable
from smtplib import SMTPException

from celery import shared_task

from checkins import services


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
)
def send_prompt(prompt_id: str) -> None:
    """Safe to run twice: the service claims the prompt before it sends."""
    services.prompt_send(prompt_id=prompt_id)


@shared_task
def dispatch_checkins() -> None:
    """Beat runs this every minute (see CELERY_BEAT_SCHEDULE)."""
    services.dispatch()


def enqueue_prompt_sends(prompt_ids: Iterable[str]) -> None:
    # Called after commit: if the broker is down now, the sweep re-sends later.
    for prompt_id in prompt_ids:
        send_prompt.delay(prompt_id)
