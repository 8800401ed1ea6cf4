"""An email backend for tests that run real worker processes.

It writes each message to its own file, like Django's file backend, but slowly
(`SLOW_EMAIL_SECONDS`), so a test can kill a worker in the middle of a batch.
"""

import os
import time
import uuid
from pathlib import Path
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
