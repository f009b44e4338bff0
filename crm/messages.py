"""Translatable messages that may be shown now or stored and shown later, in the reader's language.

A `Message` is a gettext message id with its parameters, rendered only when it is shown: in a
request, in the logged-in user's language; in a job or on the command line, in the configured
default. Services never format user-facing text themselves; they return or raise a Message, and
what is stored for people to read later (a feed's last error, a job's result, a recipient's
failure reason) is stored as one, in a `StoredMessage` column, so a Norwegian and an English
reader each see it in their own language.

    msg("The feed is too large (%(size)s bytes).", size=n)    # parameters, named
    nmsg("%(num)d feed added.", "%(num)d feeds added.", n)     # plural forms

Technical detail that has no translation (an SMTP reply, an XML parser's line and column) goes
into a parameter of a translated sentence. Parameters may themselves be Messages: "The feed could
not be read: %(reason)s" with reason=msg("..."); lists of Messages (joined with semicolons);
dates and aware datetimes, shown in the reader's format and time zone.

`msg` and `nmsg` are gettext keywords for extraction (crm/translations/babel.cfg,
scripts/translations and tests/i18n know them).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from markupsafe import escape
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


class Message:
    """A message id and its parameters; `str()` renders it in the current language."""

    __slots__ = ("msgid", "params", "plural", "num")

    def __init__(self, msgid: str, params: dict[str, Any] | None = None,
                 plural: str | None = None, num: int | None = None):
        self.msgid = msgid
        self.params = dict(params or {})
        self.plural = plural
        self.num = num

    # Rendering -------------------------------------------------------------------------------

    def render(self) -> str:
        from flask_babel import gettext, ngettext

        params = {key: _render_param(value) for key, value in self.params.items()}
        if self.plural is not None:
            params.pop("num", None)  # ngettext sets it from the count
            return ngettext(self.msgid, self.plural, self.num or 0, **params)
        return gettext(self.msgid, **params) if params else gettext(self.msgid)

    def __str__(self) -> str:
        return self.render()

    def __html__(self) -> str:  # Jinja escapes it like any other text
        return str(escape(self.render()))

    def __repr__(self) -> str:
        return f"Message({self.msgid!r}, {self.params!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Message) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=str))

    def __bool__(self) -> bool:
        return bool(self.msgid)

    # Storing ---------------------------------------------------------------------------------

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"msgid": self.msgid}
        if self.params:
            data["params"] = {key: _dump_param(value) for key, value in self.params.items()}
        if self.plural is not None:
            data["plural"], data["num"] = self.plural, self.num
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Message:
        params = {key: _load_param(value) for key, value in (data.get("params") or {}).items()}
        return cls(data["msgid"], params, data.get("plural"), data.get("num"))

    def truncated(self, limit: int = 500) -> Message:
        """The same message with every text parameter cut to `limit` characters."""
        return Message(self.msgid, {k: (v[:limit] if isinstance(v, str) else v)
                                    for k, v in self.params.items()}, self.plural, self.num)


def _render_param(value):
    if isinstance(value, Message):
        return value.render()
    if isinstance(value, datetime):  # shown in the reader's time zone and date format
        from crm.templating import localtime
        return localtime(value)
    if isinstance(value, date):
        from crm.templating import localdate
        return localdate(value)
    if isinstance(value, list):  # a list of messages, e.g. several warnings
        return "; ".join(str(_render_param(item)) for item in value)
    return value


def _dump_param(value):
    if isinstance(value, Message):
        return value.to_dict()
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, list):
        return [_dump_param(item) for item in value]
    return value


def _load_param(value):
    if isinstance(value, dict) and "msgid" in value:
        return Message.from_dict(value)
    if isinstance(value, dict) and "datetime" in value:
        return datetime.fromisoformat(value["datetime"])
    if isinstance(value, dict) and "date" in value:
        return date.fromisoformat(value["date"])
    if isinstance(value, list):
        return [_load_param(item) for item in value]
    return value


def joined(messages: list[Message]) -> Message:
    """Several messages shown as one, separated by semicolons (empty when there are none)."""
    messages = [m for m in messages if m]
    if not messages:
        return Message("")
    return messages[0] if len(messages) == 1 else Message("%(items)s", {"items": messages})


def concerning(subject: str, message: Message) -> Message:
    """"subject: message" (an address and why it failed): the same punctuation in every
    language, so nothing to translate."""
    return Message("%(subject)s: %(message)s", {"subject": subject, "message": message})


def msg(msgid: str, **params: Any) -> Message:
    """A translatable message; `msgid` is the English text with %(name)s placeholders."""
    return Message(msgid, params)


def nmsg(singular: str, plural: str, num: int, **params: Any) -> Message:
    """A translatable message with plural forms; %(num)d is the count."""
    return Message(singular, {"num": num, **params}, plural=plural, num=num)


def literal(text: str) -> Message:
    """Text that is not translated (a name, or text stored before messages were)."""
    return Message("%(text)s", {"text": text})


class StoredMessage(TypeDecorator):
    """A Text column holding a Message as JSON; reads older plain text as a literal message.

    An empty column reads as an empty message (falsy), so `if feed.last_error:` still works.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, Message):
            return json.dumps(value.to_dict(), ensure_ascii=False, default=str) if value else ""
        return str(value)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.startswith('{"msgid"'):
            try:
                return Message.from_dict(json.loads(value))
            except (ValueError, KeyError, TypeError):
                pass
        return literal(value) if value else Message("")
