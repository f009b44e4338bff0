"""What a bounce message says: which addresses failed, hard or soft, and which send it is.

The failed addresses come from GNU Mailman's flufl.bounce detectors (RFC 3464 DSNs, Postfix,
Exim, Exchange, qmail, Sendmail, Yahoo, AOL and more); none are written here. Where the
message is a DSN, its per-recipient Status and Diagnostic-Code add the reason (and a 4.x.x or
5.x.x status decides soft or hard). The send is identified by the VERP token of the address
the bounce came back to, or by the Message-ID of the returned original.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.header import Header, decode_header
from email.iterators import typed_subpart_iterator
from email.message import Message as EmailMessage
from email.utils import getaddresses, parseaddr

from flufl.bounce import all_failures

DIAGNOSTIC_MAX = 500
MESSAGE_IDS_MAX = 20  # the original's own is among the first; the rest are its References
# Headers that carry the address a bounce was delivered to (the VERP envelope sender).
ENVELOPE_HEADERS = ("Delivered-To", "X-Original-To", "Envelope-To", "X-Envelope-To", "To",
                    "Original-Recipient", "Return-Path")
_MESSAGE_ID = re.compile(rb"^\s*Message-ID:\s*(<[^>\s]{1,300}>)", re.IGNORECASE | re.MULTILINE)
_STATUS = re.compile(r"^([245])\.\d{1,3}\.\d{1,3}")


@dataclass
class Failure:
    email: str  # lower case
    kind: str  # "hard" or "soft"
    status: str = ""  # the DSN status code, e.g. "5.1.1"
    diagnostic: str = ""  # the server's words (untranslated)


@dataclass
class Bounce:
    """One message of the bounce mailbox, read. No failures: not a bounce (an auto-reply)."""

    source: str  # sha256 of the message
    failures: list[Failure] = field(default_factory=list)
    envelope: list[str] = field(default_factory=list)  # addresses it was delivered to
    message_ids: list[str] = field(default_factory=list)  # of the returned original


def _address(value: bytes | str) -> str:
    text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
    return parseaddr(text)[1].strip().lower()


def _text(value) -> str:
    """A header's text on one line; raw UTF-8 (which compat32 keeps as surrogates) decoded,
    anything else undecodable replaced, NUL dropped."""
    if isinstance(value, Header):
        parts = []
        for chunk, charset in decode_header(value):
            if isinstance(chunk, bytes):
                try:
                    chunk = chunk.decode(charset or "utf-8", "replace")
                except LookupError:  # "unknown-8bit": most likely UTF-8
                    chunk = chunk.decode("utf-8", "replace")
            parts.append(chunk)
        text = "".join(parts)
    else:
        text = str(value or "").encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return " ".join(text.replace("\x00", "").split())


def _dsn_fields(message: EmailMessage) -> dict[str, tuple[str, str, str]]:
    """address -> (status, diagnostic, action) from the DSN's per-recipient blocks."""
    fields: dict[str, tuple[str, str, str]] = {}
    for part in typed_subpart_iterator(message, "message", "delivery-status"):
        blocks = part.get_payload() if part.is_multipart() else []
        for block in blocks:
            if not isinstance(block, EmailMessage):
                continue
            recipient = _text(block.get("Original-Recipient") or block.get("Final-Recipient"))
            address = _address(recipient.rpartition(";")[2])
            if address:
                status_text = _text(block.get("Status"))
                match = _STATUS.match(status_text)
                diagnostic = _text(block.get("Diagnostic-Code")) or status_text
                fields[address] = (match.group(0) if match else "", diagnostic[:DIAGNOSTIC_MAX],
                                   _text(block.get("Action")).lower())
    return fields


def _kind(status: str, permanent: bool) -> str:
    match = _STATUS.match(status)
    if match and match.group(1) == "4":
        return "soft"
    if match and match.group(1) == "5":
        return "hard"
    return "hard" if permanent else "soft"


def _original_message_ids(raw: bytes, message: EmailMessage) -> list[str]:
    own = str(message.get("Message-ID") or "").strip()
    found = [m.decode("ascii", "replace") for m in _MESSAGE_ID.findall(raw)]
    for header in ("In-Reply-To", "References"):
        found.extend(re.findall(r"<[^>\s]{1,300}>", str(message.get(header) or "")))
    return [m for m in dict.fromkeys(found) if m != own][:MESSAGE_IDS_MAX]


def parse_bounce(raw: bytes) -> Bounce:
    """Read one message of the bounce mailbox. Never raises for a malformed message: what
    the detectors cannot read gives no failures."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    bounce = Bounce(source=hashlib.sha256(raw).hexdigest())
    try:
        temporary, permanent = all_failures(message)
    except Exception:  # a detector choking on a broken message: treated as not a bounce
        temporary, permanent = frozenset(), frozenset()
    dsn = _dsn_fields(message)
    for raw_address, is_permanent in ([(a, True) for a in sorted(permanent)]
                                      + [(a, False) for a in sorted(temporary - permanent)]):
        address = _address(raw_address)
        if "@" not in address or len(address) > 254:  # no address can be longer (RFC 5321)
            continue
        status, diagnostic, _action = dsn.get(address, ("", "", ""))
        bounce.failures.append(Failure(address, _kind(status, is_permanent), status,
                                       diagnostic))
    # flufl.bounce skips non-ASCII addresses (åse@aftenposten.no, SMTPUTF8): a DSN's own
    # failed or delayed blocks for those still count.
    for address, (status, diagnostic, action) in dsn.items():
        if address.isascii() or "@" not in address or len(address) > 254:
            continue
        if action.startswith(("fail", "error", "delayed")):
            bounce.failures.append(Failure(address, _kind(status, not action.startswith(
                "delayed")), status, diagnostic))
    for header in ENVELOPE_HEADERS:
        values = [str(v) for v in message.get_all(header, [])]
        bounce.envelope.extend(a.lower() for _name, a in getaddresses(values) if a)
    bounce.message_ids = _original_message_ids(raw, message)
    return bounce
