"""A mail catcher: a real SMTP server (aiosmtpd) on 127.0.0.1 that keeps what it receives in memory.

The demo starts one and points ``PARCELTRAIL_SMTP_URL`` at it, so buyer emails can be read at
``/demo/mail`` without sending anything anywhere; the tests use it as the receiving end of real SMTP.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Self

from aiosmtpd.controller import Controller


@dataclass(frozen=True, slots=True)
class CaughtMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage
    received_at: datetime

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    def part(self, content_type: str) -> str:
        """The decoded body part of this type (``text/plain``, ``text/html``), or ''."""
        for part in self.message.walk():
            if part.get_content_type() == content_type and not part.is_multipart():
                return part.get_content()
        return ""


class _Keeper:
    def __init__(self, catcher: MailCatcher) -> None:
        self.catcher = catcher

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.catcher.delay:
            await asyncio.sleep(self.catcher.delay)
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.catcher.keep(CaughtMail(envelope.mail_from, list(envelope.rcpt_tos), parsed, datetime.now(UTC)))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MailCatcher:
    def __init__(self, port: int = 0, keep: int = 1000, delay: float = 0.0) -> None:
        self.port = port or _free_port()
        self.limit = keep
        self.delay = delay
        """Seconds to take over each message, like a slow relay (tests that must catch a sender mid-send)."""
        self.messages: list[CaughtMail] = []
        self._arrived = threading.Condition()
        self._controller = Controller(_Keeper(self), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def keep(self, mail: CaughtMail) -> None:
        with self._arrived:
            self.messages.append(mail)
            del self.messages[:-self.limit]
            self._arrived.notify_all()

    def start(self) -> Self:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for(self, count: int, timeout: float = 10.0) -> list[CaughtMail]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"expected {count} emails, {len(self.messages)} arrived in {timeout:g} s")
                self._arrived.wait(left)
            return list(self.messages)
