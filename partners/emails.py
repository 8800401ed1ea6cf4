"""Emails say that something happened, never what anyone wrote."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.template.loader import render_to_string

from accounts import email_preferences
from accounts.models import User
from partners.models import Invitation
from push import tasks as push_tasks


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


# What happened, by whom, never what: the subject is what a mail client shows
# first, so it names the partner and the kind of event, and nothing written.
SUBJECTS = {
    "shared": "{name} shared something with you",
    "question": "{name} asked you something",
    "answer": "{name} answered your question",
    "response": "{name} responded to your check-in",
}


@dataclass(frozen=True)
class News:
    kind: str
    url: str  # a path on the site (`partners.stream.url_of`)


def notification_subject(*, partner_name: str, news: list[News]) -> str:
    first = SUBJECTS[news[0].kind].format(name=partner_name)
    others = len(news) - 1
    if others == 0:
        return first
    return f"{first}, and {others} more {'thing' if others == 1 else 'things'}"


def send_notification_digest(*, recipient: User, partner_name: str, news: list[News]) -> None:
    context = {
        "lines": [
            {
                "text": SUBJECTS[item.kind].format(name=partner_name),
                "url": settings.SITE_URL + item.url,
            }
            for item in news
        ],
    }
    # Push beside the email, claimed apart (push.services): the same news, never
    # what it says, and a link to the newest.
    push_tasks.news_push_now(recipient=recipient, urls=[item.url for item in news])
    if not email_preferences.wants(recipient, "partner_activity"):
        # Turned off after this news was queued: it waits in the inbox alone.
        return
    subject = notification_subject(partner_name=partner_name, news=news)
    body = render_to_string("partners/email/notification_body.txt", context)
    EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers=email_preferences.unsubscribe_headers(recipient, "partner_activity"),
    ).send()


def send_ending_message(*, sender_name: str, to: str, message: str) -> None:
    """The one email about an ending, sent only because its sender chose to write.

    The subject says only who wrote, never what: the words are the sender's own,
    for the body alone."""
    subject = render_to_string(
        "partners/email/ending_subject.txt", {"sender_name": sender_name}
    ).strip()
    context = {
        "sender_name": sender_name,
        "message": message,
        "support_url": settings.SUPPORT_URL,
        "site_url": settings.SITE_URL,
    }
    body = render_to_string("partners/email/ending_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
