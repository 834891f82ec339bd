"""An email backend for tests whose sender is another process (a real Celery worker).

Each message becomes one file, written whole (a temporary name, then renamed), in the
directory BOOKCLUB_TEST_MAIL_DIR names, after BOOKCLUB_TEST_MAIL_DELAY seconds: slow enough
that a test can kill the worker in the middle of a batch. While a file named `smtp-down`
is in that directory, every send fails as a mail server refusing connections would.
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        directory = Path(os.environ["BOOKCLUB_TEST_MAIL_DIR"])
        delay = float(os.environ.get("BOOKCLUB_TEST_MAIL_DELAY", "0"))
        for message in email_messages:
            if (directory / "smtp-down").exists():
                raise ConnectionRefusedError(111, "Connection refused")
            time.sleep(delay)
            name = uuid.uuid4().hex
            partial = directory / f".{name}.partial"
            partial.write_bytes(message.message().as_bytes())
            os.replace(partial, directory / f"{name}.eml")
        return len(email_messages)
