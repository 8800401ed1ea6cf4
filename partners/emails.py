"""Emails say that something happened, never what anyone wrote."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from accounts.models import User
from partners.models import Invitation


def send_invitation(*, invitation: Invitation, url: str) -> None:
    context = {
        # Checked as a name when saved; an older unchecked one reads "Someone".
        "inviter_name": invitation.inviter.name_for_invitee,
        "url": url,
        "expires_at": invitation.expires_at,
    }
    # No free text in the subject: it is what a stranger's mail client shows first.
    subject = render_to_string("partners/email/invitation_subject.txt").strip()
    body = render_to_string("partners/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])


NOTIFICATION_LINES = {
    "shared": "Your partner shared something with you.",
    "question": "Your partner asked you a question.",
    "answer": "Your partner answered a question you asked.",
    "response": "Your partner responded to your check-in.",
}


def send_notification_digest(*, recipient: User, kinds: set[str]) -> None:
    context = {
        "lines": [line for kind, line in NOTIFICATION_LINES.items() if kind in kinds],
        "url": settings.SITE_URL,
    }
    body = render_to_string("partners/email/notification_body.txt", context)
    send_mail("Something new on attune", body, settings.DEFAULT_FROM_EMAIL, [recipient.email])
