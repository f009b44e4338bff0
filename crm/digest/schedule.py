"""When a user's digest is due: local wall-clock time in the configured zone, DST-correct."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from crm.digest.models import DigestSettings


def send_moment(settings: DigestSettings, day: date, zone: ZoneInfo) -> datetime:
    """The aware instant of `day` at the user's local send time.

    A wall-clock time skipped by the spring-forward gap (02:30 on the last Sunday of March)
    resolves to the instant just after the gap; a repeated one (autumn) to its first occurrence.
    """
    local = datetime.combine(day, time(settings.send_hour, settings.send_minute), tzinfo=zone)
    # zoneinfo gives non-existent times fold=0 semantics; normalise through UTC to land on a
    # real instant, and pick the earlier of the two for ambiguous times.
    return local.astimezone(ZoneInfo("UTC")).astimezone(zone)


def is_due(settings: DigestSettings | None, now: datetime, zone: ZoneInfo) -> date | None:
    """The local day whose digest is due at `now`, or None.

    Due means: enabled, today is one of the user's weekdays, and the send time has passed
    today (so a scheduler that was down at 07:00 still sends later the same day, never the
    next day).
    """
    if settings is None or not settings.enabled:
        return None
    local_now = now.astimezone(zone)
    today = local_now.date()
    if today.weekday() not in (settings.weekdays or []):
        return None
    if local_now < send_moment(settings, today, zone):
        return None
    return today


def previous_send_moment(settings: DigestSettings, day: date, zone: ZoneInfo) -> datetime:
    """The instant of the user's previous scheduled digest before `day` (for "since")."""
    weekdays = settings.weekdays or list(range(7))
    for back in range(1, 8):
        candidate = day - timedelta(days=back)
        if candidate.weekday() in weekdays:
            return send_moment(settings, candidate, zone)
    return send_moment(settings, day - timedelta(days=1), zone)
