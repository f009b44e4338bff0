"""Time left to a deadline, as the inquiry list and My day show it.

"Soon" is under an hour; "overdue" is past. The words come from the catalogues (nb, en); the
clock times themselves are shown by the templating filters (Europe/Oslo).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import format_timedelta
from flask_babel import gettext as _

from crm.timeutil import utcnow

SOON = timedelta(hours=1)


def deadline_state(deadline: datetime | None, now: datetime | None = None) -> str:
    """"overdue", "soon" (under an hour left), "open", or "" without a deadline."""
    if deadline is None:
        return ""
    left = deadline - (now or utcnow())
    if left < timedelta(0):
        return "overdue"
    return "soon" if left < SOON else "open"


def span(delta: timedelta) -> str:
    """"45 min", "3 h 05 min" or "2 days": also the coverage report's response times."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return _("%(m)d min", m=max(minutes, 0))
    if minutes < 24 * 60:
        return _("%(h)d h %(m)02d min", h=minutes // 60, m=minutes % 60)
    return format_timedelta(delta, granularity="day", threshold=1)


def time_left(deadline: datetime | None, now: datetime | None = None) -> str:
    """"45 min left", "3 h 05 min left", "2 days left" or "overdue by 20 min"."""
    if deadline is None:
        return ""
    left = deadline - (now or utcnow())
    if left < timedelta(0):
        return _("overdue by %(span)s", span=span(-left))
    return _("%(span)s left", span=span(left))
