"""The bounce mailbox of CRM_BOUNCE_MAILBOX_URL: its unread messages, and marking them read.

    imaps://user:password@host:993/INBOX     IMAP over TLS (the folder defaults to INBOX)
    imap://user:password@127.0.0.1:1143/INBOX  plain IMAP, for a server on loopback
    maildir:///var/mail/bounces               a Maildir on this host
User name and password are URL-encoded (p%40ss for p@ss); `?timeout=SECONDS` (default 30).

A message is marked once it has been processed (IMAP: the \\Seen flag; Maildir: moved to cur/
with the S flag), so each is read once; a message whose processing failed stays unread and is
read again next time.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from imap_tools import AND, MailBox, MailBoxUnencrypted, MailMessageFlags

from crm.errors import UserError
from crm.messages import literal, msg

DEFAULT_TIMEOUT = 30.0
FETCH_CHUNK = 50


class MailboxError(UserError):
    """The bounce mailbox cannot be understood or reached; the message says why."""


@dataclass(frozen=True)
class MailboxSettings:
    scheme: str
    host: str = ""
    port: int = 0
    username: str = ""
    password: str = field(default="", repr=False)
    folder: str = "INBOX"
    path: str = ""
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_url(cls, url: str) -> MailboxSettings:
        parts = urlsplit((url or "").strip())
        query = parse_qs(parts.query)
        try:
            timeout = float(query.get("timeout", [DEFAULT_TIMEOUT])[0])
            port = parts.port
        except ValueError:
            raise MailboxError(msg("CRM_BOUNCE_MAILBOX_URL has a bad port or timeout.")) \
                from None
        if parts.scheme == "maildir" and parts.path:
            return cls(scheme="maildir", path=unquote(parts.path), timeout=timeout)
        if parts.scheme in ("imap", "imaps") and parts.hostname and parts.username:
            return cls(scheme=parts.scheme, host=parts.hostname,
                       port=port or (993 if parts.scheme == "imaps" else 143),
                       username=unquote(parts.username), password=unquote(parts.password or ""),
                       folder=unquote(parts.path.strip("/")) or "INBOX", timeout=timeout)
        raise MailboxError(msg("CRM_BOUNCE_MAILBOX_URL must look like "
                               "imaps://user:password@host:993/INBOX or maildir:///path."))


class Maildir:
    """A Maildir read by its file names (its flags are in them): new/ holds unread mail,
    cur/NAME:2,FLAGS the rest, read once "S" is among the flags. Marking a message read
    renames it into cur/ with S added, as mail clients do; its content is never rewritten."""

    def __init__(self, settings: MailboxSettings):
        self.path = Path(settings.path)
        if not (self.path / "new").is_dir() or not (self.path / "cur").is_dir():
            raise MailboxError(msg("The bounce mailbox %(path)s is not a Maildir.",
                                   path=str(self.path)))

    def unread(self) -> list[str]:
        keys = [f"new/{name}" for name in sorted(os.listdir(self.path / "new"))
                if not name.startswith(".")]
        for name in sorted(os.listdir(self.path / "cur")):
            _base, _, info = name.partition(":2,")
            if not name.startswith(".") and "S" not in info:
                keys.append(f"cur/{name}")
        return keys

    def read(self, keys: list[str]) -> Iterator[tuple[str, bytes]]:
        for key in keys:
            try:
                yield key, (self.path / key).read_bytes()
            except FileNotFoundError:  # taken away meanwhile (another reader, a person)
                continue

    def mark_read(self, key: str) -> None:
        name = key.partition("/")[2]
        base, _, flags = name.partition(":2,")
        target = self.path / "cur" / f"{base}:2,{''.join(sorted(set(flags) | {'S'}))}"
        try:
            os.rename(self.path / key, target)
        except FileNotFoundError:
            pass

    def close(self) -> None:
        pass


class Imap:
    def __init__(self, settings: MailboxSettings):
        box = None
        try:
            if settings.scheme == "imaps":
                box = MailBox(settings.host, settings.port, timeout=settings.timeout,
                              ssl_context=ssl.create_default_context())
            else:
                box = MailBoxUnencrypted(settings.host, settings.port, timeout=settings.timeout)
            box.login(settings.username, settings.password, initial_folder=settings.folder)
        except Exception as exc:  # imaplib, socket and ssl errors, and imap_tools' own
            if box is not None:
                try:
                    box.client.shutdown()
                except OSError:
                    pass
            raise MailboxError(msg("Cannot read the bounce mailbox %(server)s: %(reason)s",
                                   server=f"{settings.host}:{settings.port}",
                                   reason=literal(str(exc)[:300] or type(exc).__name__))) \
                from None
        self._box = box

    def unread(self) -> list[str]:
        return list(self._box.uids(AND(seen=False)))

    def read(self, keys: list[str]) -> Iterator[tuple[str, bytes]]:
        for start in range(0, len(keys), FETCH_CHUNK):
            chunk = keys[start:start + FETCH_CHUNK]
            for message in self._box.fetch(AND(uid=chunk), mark_seen=False, bulk=True):
                try:
                    raw = message.obj.as_bytes()
                except (UnicodeError, LookupError, ValueError):
                    raw = message.obj.as_string().encode("utf-8", "surrogateescape")
                yield message.uid, raw

    def mark_read(self, key: str) -> None:
        self._box.flag(key, MailMessageFlags.SEEN, True)

    def close(self) -> None:
        try:
            self._box.logout()
        except Exception:  # the connection is gone already; nothing to keep
            pass


@contextmanager
def open_mailbox(url: str) -> Iterator[Maildir | Imap]:
    """The mailbox of `url`, closed afterwards. Raises MailboxError."""
    settings = MailboxSettings.from_url(url)
    box = Maildir(settings) if settings.scheme == "maildir" else Imap(settings)
    try:
        yield box
    finally:
        box.close()
