"""An email backend for tests that run real worker processes.

It writes each message to its own file, like Django's file backend, but slowly
(`SLOW_EMAIL_SECONDS`), so a test can kill a worker in the middle of a batch.
"""

import os
import time
import uuid
from pathlib import Path
from smtplib import SMTPRecipientsRefused
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages: Any) -> int:
        folder = Path(os.environ["EMAIL_FILE_PATH"])
        delay = float(os.environ.get("SLOW_EMAIL_SECONDS", "0"))
        for message in email_messages:
            time.sleep(delay)
            name = folder / f"{uuid.uuid4().hex}.eml"
            partial = name.with_suffix(".part")
            partial.write_bytes(message.message().as_bytes())
            partial.rename(name)  # a reader never sees half a message
        return len(email_messages)


class RefusingBackend(BaseEmailBackend):
    """Django's test outbox, except that a mail server refuses any address at
    refused.test. Counts the connections it opens (`opened`)."""

    opened = 0

    def open(self) -> bool:
        RefusingBackend.opened += 1
        return True

    def send_messages(self, email_messages: Any) -> int:
        from django.core import mail

        for message in email_messages:
            refused = [to for to in message.to if to.endswith("@refused.test")]
            if refused:
                raise SMTPRecipientsRefused({to: (550, b"No such mailbox") for to in refused})
            mail.outbox.append(message)
        return len(email_messages)
