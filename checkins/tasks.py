from collections.abc import Sequence
from smtplib import SMTPException

from celery import shared_task
from kombu.exceptions import OperationalError

from checkins import services

# One message carries this many reminders: a worker sends them over one mail
# connection, and 100,000 reminders are 2,000 messages, not 100,000.
SEND_BATCH = 50

# What publishing raises when the broker cannot be reached.
BROKER_ERRORS = (OperationalError, OSError)

# Mail errors retry with backoff: 10 s, 20 s, 40 s … up to 10 minutes, 8 times.
RETRY_ON = (SMTPException, OSError)


@shared_task(autoretry_for=RETRY_ON, retry_backoff=10, retry_backoff_max=600, max_retries=8)
def send_prompts(prompt_ids: list[str]) -> None:
    """Safe to run twice, and to retry whole: the service claims each prompt
    before it sends, so the ones already sent are not sent again.

    Push goes first, with claims of its own (push.services): while the emails are
    unsent the sweep hands the prompts on again, so a worker killed before or
    during the push repeats it at most once per device, like the email."""
    from push import tasks as push_tasks

    push_tasks.prompts_push_now(prompt_ids)
    services.prompts_send(prompt_ids=prompt_ids)


@shared_task(autoretry_for=RETRY_ON, retry_backoff=10, retry_backoff_max=600, max_retries=8)
def send_prompt(prompt_id: str) -> None:
    """One reminder: the message earlier versions queued, still understood."""
    send_prompts(prompt_ids=[prompt_id])


@shared_task
def dispatch_checkins() -> None:
    """Beat runs this every minute (see CELERY_BEAT_SCHEDULE)."""
    from push import services as push_services

    services.dispatch()
    push_services.deliveries_compact()


def enqueue_prompt_sends(prompt_ids: Sequence[str]) -> None:
    """Called after commit. Raises one of BROKER_ERRORS when the broker is down;
    the prompts are in the database, so the sweep sends them later."""
    for start in range(0, len(prompt_ids), SEND_BATCH):
        send_prompts.delay(list(prompt_ids[start : start + SEND_BATCH]))
