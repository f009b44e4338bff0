"""A real SMTP server on loopback (aiosmtpd) for tests: records messages, can refuse or fail."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


@dataclass
class RecordingHandler:
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered with 550
    fail_data: bool = False  # answer every DATA with 451 (temporary failure)
    stall: float = 0  # keep the next DATA waiting this many seconds (then 451), once
    delay: float = 0  # every DATA is recorded, then answered after this long (a slow server)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stall:
            seconds, self.stall = self.stall, 0
            await asyncio.sleep(seconds)
            return "451 4.3.0 Try again later"
        if self.fail_data:
            return "451 4.3.0 Try again later"
        msg = message_from_bytes(envelope.content, policy=policy.default)
        msg["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        msg["X-Envelope-From"] = envelope.mail_from or ""
        self.messages.append(msg)
        if self.delay:  # the server has it; a sender killed now never hears so
            await asyncio.sleep(self.delay)
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpServer:
    """`smtputf8=True` announces SMTPUTF8 (RFC 6531): addresses like åse@... are accepted."""

    def __init__(self, smtputf8: bool = False):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=smtputf8)
        self.running = False

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}?timeout=5"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> None:
        self.controller.start()
        self.running = True

    def stop(self) -> None:
        if self.running:
            self.controller.stop()
            self.running = False

    def __enter__(self) -> SmtpServer:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
