"""Outgoing email, shared by the digest and press releases: MIME messages and an SMTP sender.

Settings come from CRM_SMTP_URL and CRM_MAIL_SENDER (crm/config.py):
    smtp://host:25                               plain SMTP
    smtp://user:password@host:587?starttls=1     submission with STARTTLS and login
    smtps://user:password@host:465               SMTP over TLS
Query options: `starttls=1`, `timeout=SECONDS` (socket timeout, default 30). User name and
password are URL-encoded (p%40ss for p@ss).

Addresses: the domain part goes out in its IDNA (ASCII) form (`ole@bø.no` as
`ole@xn--b-5ga.no`); a local part with letters beyond ASCII (`åse@...`) needs the server's
SMTPUTF8 extension, and without it that one message fails with a SendError saying so.

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
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import parse_qs, unquote, urlsplit

import idna

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


class AddressError(SendError):
    """An email address that cannot be written into a message (no @, a bad domain): that
    message fails for good, and callers that handle SendError handle it."""

    def __init__(self, message: Message):
        super().__init__(message, permanent=True)


def _one_line(value: str) -> str:
    return " ".join((value or "").split())


def ascii_domain(domain: str) -> str:
    """The domain as it goes on the wire: IDNA for anything beyond ASCII (bø.no ->
    xn--b-5ga.no). Raises AddressError for a domain IDNA refuses."""
    domain = (domain or "").strip().rstrip(".")
    if domain.isascii():
        return domain.lower()
    try:
        return idna.encode(domain, uts46=True).decode("ascii")
    except idna.IDNAError:
        raise AddressError(msg("The domain of the address (after the @) is not a valid "
                               "domain name.")) from None


def envelope_address(email: str) -> str:
    """`email` with its domain in ASCII; the local part as it is (it may need SMTPUTF8)."""
    local, at, domain = (email or "").strip().rpartition("@")
    if not at or not local or not domain:
        raise AddressError(msg("Not an email address."))
    return f"{local}@{ascii_domain(domain)}"


def needs_smtputf8(email: str) -> bool:
    """Whether the address's local part (before the @) has letters beyond ASCII."""
    return not email.rpartition("@")[0].isascii()


def address(name: str, email: str) -> Address:
    """A header address (display name folded to one line, domain in IDNA form)."""
    local, _at, domain = envelope_address(email).rpartition("@")
    try:
        return Address(display_name=_one_line(name), username=local, domain=domain)
    except (ValueError, IndexError):  # the header parser's refusals of odd local parts
        raise AddressError(msg("Not an email address.")) from None


def message_id_for(sender: str) -> str:
    """A new Message-ID on the sender's own domain (<...@parti.no>)."""
    domain = parseaddr(sender)[1].rpartition("@")[2]
    return make_msgid(domain=ascii_domain(domain) if domain else "localhost")


def build_message(*, sender: str, to_email: str, to_name: str = "", subject: str, text: str,
                  html: str | None = None,
                  attachments: tuple[Attachment, ...] | list[Attachment] = (),
                  headers: dict[str, str] | None = None, message_id: str | None = None,
                  reply_to: tuple[str, str] | None = None) -> EmailMessage:
    """One message to one address: plain text, an HTML alternative, then any attachments.

    Header values are folded onto one line, so no user text can add headers. `message_id`
    (made with `message_id_for`) lets a caller store it before sending; `reply_to` is
    (name, address). Raises AddressError for an address that cannot be written.
    """
    message = EmailMessage(policy=_POLICY)
    sender_name, sender_email = parseaddr(sender)
    message["From"] = address(sender_name, sender_email)
    message["To"] = address(to_name, to_email)
    if reply_to:
        message["Reply-To"] = address(*reply_to)
    message["Subject"] = _one_line(subject)
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or message_id_for(sender)
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
        sender = envelope_from or message["From"].addresses[0].addr_spec
        to_email = envelope_address(to_email)
        if needs_smtputf8(to_email) and not self.offers_smtputf8():
            raise SendError(msg("The mail server does not accept addresses with letters "
                                "such as æ, ø or å before the @ (it does not offer "
                                "SMTPUTF8); this recipient was not sent to."), permanent=True)
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

    def offers_smtputf8(self) -> bool:
        """Whether the connected server announced SMTPUTF8 (RFC 6531) in its EHLO reply."""
        try:
            self._smtp.ehlo_or_helo_if_needed()
        except (smtplib.SMTPException, OSError) as exc:
            self._drop()
            raise SendError(msg("Mail server connection failed: %(reason)s",
                                reason=_describe(exc)), connection_lost=True) from None
        return self._smtp.has_extn("smtputf8")

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
