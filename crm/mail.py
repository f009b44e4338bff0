"""Outgoing email, shared by the digest and press releases: MIME messages and an SMTP sender.

Settings come from CRM_SMTP_URL and CRM_MAIL_SENDER (crm/config.py):
    smtp://host:25                               plain SMTP
    smtp://user:password@host:587?starttls=1     submission with STARTTLS and login
    smtps://user:password@host:465               SMTP over TLS
Query options: `starttls=1`, `timeout=SECONDS` (socket timeout, default 30). User name and
password are URL-encoded (p%40ss for p@ss).

A SendError with `connection_lost` means the connection is gone: the next message needs a
new one, and if connecting fails, the rest of a batch would fail the same way. Otherwise the
server refused this one message (`permanent` for a 5xx answer) and the next may go through.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

from crm.errors import UserError
from crm.messages import Message, literal, msg

DEFAULT_TIMEOUT = 30.0
MESSAGES_PER_CONNECTION = 100  # many servers refuse more on one connection


class MailConfigError(UserError):
    """CRM_SMTP_URL cannot be understood."""


class SendError(UserError):
    """One message was not sent; the message says why, in the reader's language, with the
    server's code and reply (untranslated) where it gave one."""

    def __init__(self, message: Message, *, connection_lost: bool = False,
                 permanent: bool = False):
        super().__init__(message)
        self.connection_lost = connection_lost
        self.permanent = permanent


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    use_ssl: bool = False
    starttls: bool = False
    username: str = ""
    password: str = field(default="", repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_url(cls, url: str) -> SmtpSettings:
        parts = urlsplit(url or "")
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise MailConfigError(msg("CRM_SMTP_URL must look like smtp://host:port or "
                                      "smtps://user:password@host:port."))
        query = parse_qs(parts.query)
        try:
            port = parts.port or (465 if parts.scheme == "smtps" else 25)
            timeout = float(query.get("timeout", [DEFAULT_TIMEOUT])[0])
        except ValueError:
            raise MailConfigError(msg("CRM_SMTP_URL has a bad port or timeout.")) from None
        starttls = query.get("starttls", ["0"])[0].lower() in ("1", "true", "yes", "on")
        return cls(host=parts.hostname, port=port, use_ssl=parts.scheme == "smtps",
                   starttls=starttls, username=unquote(parts.username or ""),
                   password=unquote(parts.password or ""), timeout=timeout)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"


# Python 3.11 folds a long non-ASCII header at 78 characters into encoded words that lose the
# spaces between them ("skolemat – også på Værøy" arrives as "skolemat –ogsåpåVærøy"); headers
# are therefore folded only at RFC 5322's hard limit of 998, so a subject stays one line.
_POLICY = policy.default.clone(max_line_length=998)


def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def build_message(*, sender: str, to_email: str, to_name: str = "", subject: str, text: str,
                  html: str | None = None,
                  attachments: tuple[Attachment, ...] | list[Attachment] = (),
                  headers: dict[str, str] | None = None) -> EmailMessage:
    """One message to one address: plain text, an HTML alternative, then any attachments.

    Header values are folded onto one line, so no user text can add headers.
    """
    message = EmailMessage(policy=_POLICY)
    sender_name, sender_email = parseaddr(sender)
    message["From"] = formataddr((_one_line(sender_name), sender_email))
    message["To"] = formataddr((_one_line(to_name), to_email))
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=False)
    domain = sender_email.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        message[name] = _one_line(value)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for attachment in attachments:
        maintype, _, subtype = attachment.mimetype.partition("/")
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype,
                               filename=attachment.filename)
    return message


class SmtpSender:
    """Sends messages one by one over a reused connection (connecting on the first send);
    use it as a context manager."""

    def __init__(self, settings: SmtpSettings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self._sent_on_connection = 0

    def __enter__(self) -> SmtpSender:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def connect(self) -> None:
        s = self.settings
        try:
            if s.use_ssl:
                smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout,
                                        context=ssl.create_default_context())
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            try:
                if s.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if s.username:
                    smtp.login(s.username, s.password)
            except BaseException:
                smtp.close()
                raise
        except (smtplib.SMTPException, OSError) as exc:
            raise SendError(msg("Cannot connect to the mail server %(server)s: %(reason)s",
                                server=f"{s.host}:{s.port}", reason=_describe(exc)),
                            connection_lost=True,
                            permanent=isinstance(exc, smtplib.SMTPAuthenticationError)
                            ) from None
        self._smtp = smtp
        self._sent_on_connection = 0

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def send(self, message: EmailMessage, to_email: str, envelope_from: str | None = None) -> None:
        """Send `message` to `to_email` only (the To header is not used for delivery), from
        `envelope_from` (where bounces go: a VERP address) or else the From address."""
        if self._smtp is not None and self._sent_on_connection >= MESSAGES_PER_CONNECTION:
            self.close()
        if self._smtp is None:
            self.connect()
        sender = envelope_from or parseaddr(str(message["From"]))[1]
        try:
            self._smtp.send_message(message, from_addr=sender, to_addrs=[to_email])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            raise SendError(msg("Recipient refused by the mail server: %(reply)s",
                                reply=f"{code} {_text(reply)}"),
                            permanent=500 <= code < 600) from None
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            raise SendError(msg("Refused by the mail server: %(reply)s",
                                reply=f"{exc.smtp_code} {_text(exc.smtp_error)}"),
                            permanent=500 <= exc.smtp_code < 600) from None
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise SendError(msg("Mail server connection failed: %(reason)s",
                                reason=_describe(exc)), connection_lost=True) from None
        self._sent_on_connection += 1

    def _drop(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.close()
            finally:
                self._smtp = None


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _describe(exc: BaseException) -> Message:
    """Why a connection failed: translated where we can say it, else the system's own words."""
    if isinstance(exc, socket.timeout | TimeoutError):
        return msg("timed out")
    if isinstance(exc, smtplib.SMTPResponseException):
        return literal(f"{exc.smtp_code} {_text(exc.smtp_error)}")
    return literal(str(exc) or type(exc).__name__)
