"""The reminder email: kind, short, a link; never anything anyone wrote."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string

from accounts import email_preferences
from checkins import links
from checkins.content import QUESTIONS
from checkins.models import Prompt


def connection() -> BaseEmailBackend:
    """One connection for a batch of reminders (`with connection() as mail:`)."""
    return get_connection(fail_silently=False)


def send_prompt(*, prompt: Prompt, connection: BaseEmailBackend | None = None) -> None:
    base = settings.SITE_URL
    context = {
        "question": QUESTIONS[prompt.question],
        "answer_url": f"{base}/today?prompt={prompt.pk}",
        # Tokens ride in the fragment, which no request carries (checkins/links.py).
        "snooze_url": base + links.path_for(prompt=prompt, action="snooze"),
        "skip_url": base + links.path_for(prompt=prompt, action="skip"),
        "unsubscribe_url": email_preferences.unsubscribe_page_url(prompt.user, "reminders"),
    }
    message = EmailMessage(
        subject="A gentle check-in from attune",
        body=render_to_string("checkins/email/prompt_body.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[prompt.user.email],
        headers={
            # One Message-ID per prompt: a mail system can drop a repeat.
            "Message-ID": f"<prompt-{prompt.pk}@attune>",
            **email_preferences.unsubscribe_headers(prompt.user, "reminders"),
        },
        connection=connection,
    )
    message.send()
