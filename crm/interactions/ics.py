"""A small iCalendar (RFC 5545) writer: VEVENTs in UTC, escaped, folded, CRLF-terminated."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

PRODID = "-//Pressdesk//Pressdesk CRM//EN"
LINE_OCTETS = 75  # RFC 5545 3.1: lines longer than this (CRLF excluded) are folded
# Control characters TEXT may not hold (RFC 5545 3.3.11); tab is allowed, newlines escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Event:
    uid: str
    start: datetime  # aware
    end: datetime  # aware
    summary: str
    description: str = ""
    url: str = ""
    created: datetime | None = None


def escape_text(value: str) -> str:
    """A TEXT value: backslash, semicolon, comma escaped; every line break as \\n."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\n", "\\n")


def utc_stamp(value: datetime) -> str:
    """A DATE-TIME in UTC form: 20260329T223000Z."""
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the calendar writer")
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets, never inside a UTF-8 character."""
    pieces, current, size = [], [], 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > LINE_OCTETS:
            pieces.append("".join(current))
            current, size = [], 1  # the continuation line starts with one space
        current.append(char)
        size += octets
    pieces.append("".join(current))
    return "\r\n ".join(pieces)


def uid_domain(base_url: str) -> str:
    return urlsplit(base_url).hostname or "pressdesk.invalid"


def _event_lines(event: Event, stamp: str) -> list[str]:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{stamp}",
        f"DTSTART:{utc_stamp(event.start)}",
        f"DTEND:{utc_stamp(event.end)}",
        f"SUMMARY:{escape_text(event.summary)}",
    ]
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.created is not None:
        lines.append(f"CREATED:{utc_stamp(event.created)}")
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT"]
    return lines


def calendar(events: list[Event], *, name: str, stamp: datetime) -> str:
    """A VCALENDAR holding `events`; `stamp` (the export time) becomes every DTSTAMP."""
    when = utc_stamp(stamp)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             "METHOD:PUBLISH", f"X-WR-CALNAME:{escape_text(name)}"]
    for event in events:
        lines.extend(_event_lines(event, when))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
