"""The retention report: contacts with no activity for N months (GDPR storage limitation).

Efficient on 100k contacts: one query for the candidates and one grouped query per
registered activity source, never one per contact.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import Select

from crm.contacts.models import Contact
from crm.errors import UserError
from crm.extensions import db
from crm.interactions.privacy import interaction_counts
from crm.messages import Message, msg, nmsg
from crm.registry import PRIVACY_PARTS
from crm.timeutil import to_local, utcnow

DEFAULT_MONTHS = 24
MAX_MONTHS = 600


class RetentionError(UserError):
    """A retention period that cannot be used; the message says why."""


def parse_months(value) -> int:
    """A retention period in whole months (1 to MAX_MONTHS). Raises RetentionError."""
    try:
        months = int(str(value).strip())
    except (TypeError, ValueError):
        raise RetentionError(msg("The period must be a whole number of months."),
                             field="months") from None
    if not 1 <= months <= MAX_MONTHS:
        raise RetentionError(msg("The period must be between 1 and %(max)d months.",
                                 max=MAX_MONTHS), field="months")
    return months


def months_before(moment: datetime, months: int) -> datetime:
    """The same local wall-clock time `months` calendar months earlier (day clamped), in UTC."""
    local = to_local(moment)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    day = min(local.day, monthrange(year, month)[1])
    naive = local.replace(tzinfo=None, year=year, month=month, day=day)
    return naive.replace(tzinfo=local.tzinfo).astimezone(UTC)


@dataclass
class RetentionReport:
    """Contacts with no activity since `cutoff`, oldest activity first."""

    months: int
    cutoff: datetime
    rows: list[tuple[int, datetime]]  # (contact id, last activity)
    candidates: Select  # SELECT of the ids considered (for grouped follow-up queries)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def ids(self) -> list[int]:
        return [cid for cid, _when in self.rows]


def _quiet_since(cutoff: datetime) -> tuple:
    """Contacts not erased and neither created nor changed since `cutoff`."""
    return (Contact.erased_at.is_(None), Contact.created_at < cutoff,
            Contact.updated_at < cutoff)


def last_activity(contact_ids, base: dict[int, datetime]) -> dict[int, datetime]:
    """`base` (contact id -> created/updated) raised to each activity source's latest."""
    latest = dict(base)
    sources = [part.activity for part in PRIVACY_PARTS.values() if part.activity is not None]
    for source in sources:
        for cid, when in source(contact_ids).items():
            if cid in latest and when is not None and when > latest[cid]:
                latest[cid] = when
    return latest


def contact_last_activity(contact: Contact) -> datetime:
    base = max(contact.created_at, contact.updated_at)
    return last_activity([contact.id], {contact.id: base})[contact.id]


def retention_report(months: int, now: datetime | None = None) -> RetentionReport:
    """Contacts not erased, not created or changed, and in no activity for `months` months.

    Queries: one for the candidates, one grouped query per activity source; never one per
    contact. "In the last N months" includes the cutoff instant itself.
    """
    months = parse_months(months)
    cutoff = months_before(now or utcnow(), months)
    candidates = select(Contact.id).where(*_quiet_since(cutoff))
    changed = case((Contact.updated_at > Contact.created_at, Contact.updated_at),
                   else_=Contact.created_at)
    base = dict(db.session.execute(
        select(Contact.id, changed).where(*_quiet_since(cutoff))).all())
    latest = last_activity(candidates, base)
    rows = sorted(((cid, when) for cid, when in latest.items() if when < cutoff),
                  key=lambda row: (row[1], row[0]))
    return RetentionReport(months=months, cutoff=cutoff, rows=rows, candidates=candidates)


def report_page(ids: list[int]) -> tuple[dict[int, Contact], dict[int, int]]:
    """Contacts (with organisations) and interaction counts for one page of a report."""
    contacts = {c.id: c for c in db.session.scalars(
        select(Contact).where(Contact.id.in_(ids)).options(selectinload(Contact.organisation)))}
    return contacts, interaction_counts(ids)


def report_names_and_counts(report: RetentionReport
                            ) -> tuple[dict[int, str], dict[int, int]]:
    """Names and interaction counts for every row: two queries, whatever the size."""
    names = dict(db.session.execute(
        select(Contact.id, Contact.name).where(Contact.id.in_(report.candidates))).all())
    return names, interaction_counts(report.candidates)


def retention_check(now: datetime | None = None) -> Message:
    """The daily job: how many contacts are past the retention period (CRM_RETENTION_MONTHS).

    It erases nothing: an admin decides on the retention page (or with
    `crm retention-report --erase`); the count reaches admins in the jobs page and their digest.
    """
    from flask import current_app
    report = retention_report(current_app.config["CRM_RETENTION_MONTHS"], now)
    return nmsg("%(num)d contact with no activity for %(months)d months (since %(since)s); "
                "see the retention report",
                "%(num)d contacts with no activity for %(months)d months (since %(since)s); "
                "see the retention report",
                report.total, months=report.months, since=to_local(report.cutoff).date())
