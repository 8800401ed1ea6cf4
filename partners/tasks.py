from smtplib import SMTPException

from celery import shared_task

from partners import services

# The names these tasks had in `accounts`: messages queued before the move still
# find their task.


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
    name="accounts.tasks.send_invitation_email",
)
def send_invitation_email(invitation_id: str, *_old_token: str) -> None:
    """Safe to run twice: the service claims the invitation before it sends.

    Only the id travels through the broker; the token waits on the row, sealed.
    (A message queued before that carried the token too: it is ignored, and
    such an invitation, having nothing sealed, sends nothing.)
    """
    services.invitation_email_send(invitation_id=invitation_id)


@shared_task(
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=1800,
    max_retries=6,
    name="accounts.tasks.send_notifications",
)
def send_notifications(recipient_id: str) -> None:
    """Safe to run twice: the service claims the pending rows before it sends."""
    services.notifications_send(recipient_id=recipient_id)


@shared_task
def compact_stream() -> None:
    """Safe to run twice: the second run finds nothing old left to drop."""
    services.stream_compact()
