"""Emails say that something happened, never what anyone wrote."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from accounts.models import Invitation


def send_invitation(*, invitation: Invitation, url: str) -> None:
    context = {
        "inviter_name": invitation.inviter.public_name,
        "url": url,
        "expires_at": invitation.expires_at,
    }
    subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
