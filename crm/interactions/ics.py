"""The calendar export (RFC 5545), written by `icalendar`: VEVENTs in UTC.

icalendar escapes TEXT values, folds lines at 75 octets without splitting a UTF-8 character and
ends lines with CRLF; we only drop the control characters TEXT may not hold (RFC 5545 3.3.11)
and give every time in UTC, so calendar clients need no VTIMEZONE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import icalendar

from crm.text import without_controls

PRODID = "-//Pressdesk//Pressdesk CRM//EN"


@dataclass
class Event:
    uid: str
    start: datetime  # aware
    end: datetime  # aware
    summary: str
    description: str = ""
    url: str = ""
    created: datetime | None = None


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("naive datetime given to the calendar writer")
    return value.astimezone(UTC)


def uid_domain(base_url: str) -> str:
    return urlsplit(base_url).hostname or "pressdesk.invalid"


def _vevent(event: Event, stamp: datetime) -> icalendar.Event:
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", _utc(event.start))
    vevent.add("dtend", _utc(event.end))
    vevent.add("summary", without_controls(event.summary))
    if event.description:
        vevent.add("description", without_controls(event.description))
    if event.url:
        vevent.add("url", event.url)
    if event.created is not None:
        vevent.add("created", _utc(event.created))
    vevent.add("transp", "TRANSPARENT")
    return vevent


def calendar(events: list[Event], *, name: str, stamp: datetime) -> str:
    """A VCALENDAR holding `events`; `stamp` (the export time) becomes every DTSTAMP."""
    cal = icalendar.Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", icalendar.vText(without_controls(name)))
    when = _utc(stamp)
    for event in events:
        cal.add_component(_vevent(event, when))
    return cal.to_ical().decode("utf-8")
