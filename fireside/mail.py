"""The default e-mail backend when no mail server is configured (the demo, `make run`):
each message is kept whole as an .eml file under FIRESIDE_DATA_DIR/mail/ and the terminal
gets a short summary with its text part (where sign-up and reset links are), instead of
pages of base64 from the weekly report's inline charts."""

from __future__ import annotations

import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend

MAX_LINES = 30
_lock = threading.Lock()


def _text_part(message: EmailMessage) -> str:
    if message.content_subtype == "plain":
        return str(message.body)
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/plain":
            return str(content)
    return ""


class FileAndSummaryBackend(BaseEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.directory = Path(settings.DATA_DIR) / "mail"
        self.stream = kwargs.get("stream") or sys.stdout

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        sent = 0
        with _lock:
            for message in email_messages:
                if not message.recipients():
                    continue
                name = f"{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:8]}.eml"
                path = self.directory / name
                path.write_bytes(message.message().as_bytes(linesep="\n"))
                lines = _text_part(message).strip().splitlines()
                shown = lines[:MAX_LINES]
                if len(lines) > MAX_LINES:
                    shown.append(f"[... {len(lines) - MAX_LINES} more lines]")
                body = "\n".join("  " + line for line in shown)
                self.stream.write(
                    f"\n--- e-mail to {', '.join(message.recipients())}: {message.subject}\n"
                    f"{body}\n--- whole message (with any HTML and images): {path}\n")
                self.stream.flush()
                sent += 1
        return sent
