"""Reading interactions: the filtered list, a contact's timeline, open and closed inquiries,
My day and the .ics export of my follow-ups."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import Select

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import ContactFilter, filtered_contacts
from crm.extensions import db
from crm.interactions import ics
from crm.interactions.models import (
    INTERACTION_KINDS,
    OPEN_INQUIRY_STATUSES,
    FollowUp,
    Interaction,
    PressInquiry,
    interaction_contact,
)
from crm.timeutil import local_day_bounds, to_local, utcnow

# Press inquiries -------------------------------------------------------------------------

def _inquiries() -> Select:
    return db.select(PressInquiry).join(PressInquiry.interaction).options(
        selectinload(PressInquiry.interaction).selectinload(Interaction.contacts)
        .selectinload(Contact.organisation),
        selectinload(PressInquiry.assignee))


def _by_deadline(query: Select, latest_first: bool = False) -> Select:
    # Portable "NULLS LAST": inquiries without a deadline come after those with one.
    deadline = PressInquiry.deadline.desc() if latest_first else PressInquiry.deadline
    return query.order_by(PressInquiry.deadline.is_(None), deadline, Interaction.occurred_at)


def open_inquiries(assignee_id: int | None = None, *, unassigned: bool = False,
                   latest_first: bool = False) -> Select:
    query = _inquiries().where(PressInquiry.status.in_(OPEN_INQUIRY_STATUSES))
    if unassigned:
        query = query.where(PressInquiry.assignee_id.is_(None))
    elif assignee_id is not None:
        query = query.where(PressInquiry.assignee_id == assignee_id)
    return _by_deadline(query, latest_first)


def closed_inquiries() -> Select:
    return _inquiries().where(PressInquiry.status.not_in(OPEN_INQUIRY_STATUSES)).order_by(
        db.func.coalesce(PressInquiry.answered_at, Interaction.occurred_at).desc(),
        PressInquiry.interaction_id.desc())


# Listing ---------------------------------------------------------------------------------

@dataclass
class InteractionFilter:
    kind: str = ""
    staff_id: int | None = None
    contact_id: int | None = None
    who: str = ""  # contact search text (name, outlet, email ...)
    date_from: date | None = None  # local calendar days, inclusive
    date_to: date | None = None


def with_details(query: Select) -> Select:
    return query.options(selectinload(Interaction.contacts).selectinload(Contact.organisation),
                         selectinload(Interaction.staff),
                         selectinload(Interaction.follow_ups).selectinload(FollowUp.assignee),
                         selectinload(Interaction.inquiry).selectinload(PressInquiry.assignee))


def filtered_interactions(flt: InteractionFilter) -> Select:
    """Interactions matching the filter, newest first."""
    query = db.select(Interaction)
    if flt.kind in INTERACTION_KINDS:
        query = query.where(Interaction.kind == flt.kind)
    if flt.staff_id:
        query = query.where(Interaction.staff_id == flt.staff_id)
    if flt.contact_id:
        query = query.where(Interaction.id.in_(
            db.select(interaction_contact.c.interaction_id)
            .where(interaction_contact.c.contact_id == flt.contact_id)))
    if flt.who.strip():
        matching = filtered_contacts(ContactFilter(q=flt.who, include_erased=True)) \
            .with_only_columns(Contact.id).order_by(None)
        query = query.where(Interaction.id.in_(
            db.select(interaction_contact.c.interaction_id)
            .where(interaction_contact.c.contact_id.in_(matching))))
    if flt.date_from:
        query = query.where(Interaction.occurred_at >= local_day_bounds(flt.date_from)[0])
    if flt.date_to:
        query = query.where(Interaction.occurred_at < local_day_bounds(flt.date_to)[1])
    return with_details(query.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()))


def contact_timeline(contact: Contact, limit: int = 50) -> tuple[list[Interaction], int]:
    """The contact's newest interactions (with follow-ups and inquiry) and how many in all."""
    total = db.session.scalar(
        db.select(db.func.count()).select_from(interaction_contact)
        .where(interaction_contact.c.contact_id == contact.id)) or 0
    if not total:  # most contacts: no query for the rows
        return [], 0
    query = filtered_interactions(InteractionFilter(contact_id=contact.id))
    return list(db.session.scalars(query.limit(limit))), total


# My day ----------------------------------------------------------------------------------

@dataclass
class MyDay:
    today: date  # local calendar day
    now: datetime
    overdue: list[FollowUp] = field(default_factory=list)  # due before today
    due_today: list[FollowUp] = field(default_factory=list)
    upcoming: list[FollowUp] = field(default_factory=list)  # the next 7 days
    my_inquiries: list[PressInquiry] = field(default_factory=list)
    unassigned_inquiries: list[PressInquiry] = field(default_factory=list)

    def agenda(self, section: str) -> list[AgendaItem]:
        """My follow-ups and my inquiries' deadlines of one section, by time: "overdue"
        (before today), "today", "upcoming" (the next 7 days), "later" (or no deadline)."""
        start, end = local_day_bounds(self.today)
        week_end = local_day_bounds(self.today + timedelta(days=7))[1]
        follow_ups = {"overdue": self.overdue, "today": self.due_today,
                      "upcoming": self.upcoming}.get(section, [])
        items = [AgendaItem(f.due_at, follow_up=f) for f in follow_ups]
        for inquiry in self.my_inquiries:
            when = inquiry.deadline
            where = ("later" if when is None or when >= week_end else
                     "overdue" if when < start else "today" if when < end else "upcoming")
            if where == section:
                items.append(AgendaItem(when, inquiry=inquiry))
        return sorted(items, key=lambda i: (i.when is None, i.when or self.now))


@dataclass
class AgendaItem:
    when: datetime | None
    follow_up: FollowUp | None = None
    inquiry: PressInquiry | None = None


def _open_follow_ups(user: User) -> Select:
    return db.select(FollowUp).where(FollowUp.assignee_id == user.id,
                                     FollowUp.done_at.is_(None)).options(
        selectinload(FollowUp.interaction).selectinload(Interaction.contacts),
        selectinload(FollowUp.interaction).selectinload(Interaction.inquiry),
    ).order_by(FollowUp.due_at, FollowUp.id)


def my_day(user: User, now: datetime | None = None, limit: int = 200) -> MyDay:
    """The user's open follow-ups by local day and the open inquiries for them or no one."""
    now = now or utcnow()
    today = to_local(now).date()
    start, end = local_day_bounds(today)
    week_end = local_day_bounds(today + timedelta(days=7))[1]
    follow_ups = _open_follow_ups(user)
    rows = lambda q: list(db.session.scalars(q.limit(limit)))  # noqa: E731
    return MyDay(
        today=today, now=now,
        overdue=rows(follow_ups.where(FollowUp.due_at < start)),
        due_today=rows(follow_ups.where(FollowUp.due_at >= start, FollowUp.due_at < end)),
        upcoming=rows(follow_ups.where(FollowUp.due_at >= end, FollowUp.due_at < week_end)),
        my_inquiries=rows(open_inquiries(user.id)),
        unassigned_inquiries=rows(open_inquiries(unassigned=True)),
    )


# Calendar export -------------------------------------------------------------------------

FOLLOW_UP_MINUTES = 30
DEADLINE_MINUTES = 15
MAX_EVENTS = 5000


def _names(interaction: Interaction | None) -> str:
    return ", ".join(c.name for c in interaction.contacts) if interaction else ""


def _follow_up_event(follow_up: FollowUp, base_url: str, domain: str, *,
                     titles_only: bool) -> ics.Event:
    interaction = follow_up.interaction
    names = _names(interaction)
    subject = interaction.subject if interaction else ""
    summary = follow_up.note or subject or _("Follow-up")
    if titles_only:  # a subscribed feed: what and with whom, nothing else
        return ics.Event(
            uid=f"follow-up-{follow_up.id}@{domain}", start=follow_up.due_at,
            end=follow_up.due_at + timedelta(minutes=FOLLOW_UP_MINUTES),
            summary=_("Follow-up: %(what)s", what=summary) + (f" ({names})" if names else ""))
    details = [part for part in (subject if subject != summary else "", names) if part]
    return ics.Event(
        uid=f"follow-up-{follow_up.id}@{domain}",
        start=follow_up.due_at,
        end=follow_up.due_at + timedelta(minutes=FOLLOW_UP_MINUTES),
        summary=_("Follow-up: %(what)s", what=summary),
        description="\n".join(details),
        url=f"{base_url}/interactions/{interaction.id}" if interaction else "",
        created=follow_up.created_at,
    )


def _deadline_event(inquiry: PressInquiry, base_url: str, domain: str, *,
                    titles_only: bool) -> ics.Event:
    interaction = inquiry.interaction
    names = _names(interaction)
    what = interaction.subject or _("(no subject)")
    summary = _("Inquiry deadline: %(what)s", what=what) + (f" ({names})" if names else "")
    event = ics.Event(uid=f"inquiry-deadline-{inquiry.interaction_id}@{domain}",
                      start=inquiry.deadline - timedelta(minutes=DEADLINE_MINUTES),
                      end=inquiry.deadline, summary=summary)
    if not titles_only:
        event.url = f"{base_url}/interactions/{inquiry.interaction_id}"
        event.created = interaction.created_at
    return event


def user_calendar(user: User, now: datetime | None = None, *, titles_only: bool = False) -> str:
    """The user's open follow-ups and the deadlines of open inquiries assigned to them, as an
    iCalendar (RFC 5545) text with stable UIDs.

    `titles_only` (the subscribed feed, read without logging in) leaves out descriptions and
    links: a title and the contacts' names, no notes, no emails or phones."""
    now = now or utcnow()
    base_url = current_app.config.get("CRM_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    domain = ics.uid_domain(base_url)
    events = [_follow_up_event(f, base_url, domain, titles_only=titles_only)
              for f in db.session.scalars(_open_follow_ups(user).limit(MAX_EVENTS))]
    deadlines = open_inquiries(user.id).where(PressInquiry.deadline.is_not(None))
    events += [_deadline_event(q, base_url, domain, titles_only=titles_only)
               for q in db.session.scalars(deadlines.limit(MAX_EVENTS))]
    return ics.calendar(events, name=_("Pressdesk follow-ups and deadlines"), stamp=now)


def follow_ups_ics(user: User, now: datetime | None = None) -> str:
    """The download of My day: follow-ups and inquiry deadlines with details and links."""
    return user_calendar(user, now)


# Pitch coordination ----------------------------------------------------------------------

@dataclass
class RecentPitch:
    contact: Contact
    interaction: Interaction


def recent_pitches(contact_ids: list[int], *, days: int | None = None,
                   now: datetime | None = None, exclude_staff_id: int | None = None,
                   exclude_interaction_id: int | None = None,
                   limit: int = 50) -> list[RecentPitch]:
    """Pitches to these contacts in the last `days` days (CRM_PITCH_WINDOW_DAYS, 7), newest
    first: who on the staff offered what to whom, so no one pitches the same story twice."""
    wanted = list(dict.fromkeys(contact_ids))[:500]
    if not wanted:
        return []
    days = pitch_window_days() if days is None else days
    since = (now or utcnow()) - timedelta(days=days)
    query = (db.select(Interaction, Contact)
             .join(interaction_contact, interaction_contact.c.interaction_id == Interaction.id)
             .join(Contact, Contact.id == interaction_contact.c.contact_id)
             .where(Interaction.kind == "pitch", Interaction.occurred_at >= since,
                    Contact.id.in_(wanted))
             .options(selectinload(Interaction.staff))
             .order_by(Interaction.occurred_at.desc(), Interaction.id.desc()))
    if exclude_staff_id is not None:
        query = query.where((Interaction.staff_id != exclude_staff_id)
                            | Interaction.staff_id.is_(None))
    if exclude_interaction_id is not None:
        query = query.where(Interaction.id != exclude_interaction_id)
    return [RecentPitch(contact, interaction)
            for interaction, contact in db.session.execute(query.limit(limit))]


def pitch_window_days() -> int:
    try:
        days = int(current_app.config.get("CRM_PITCH_WINDOW_DAYS", 7))
    except (TypeError, ValueError):
        days = 7
    return min(max(days, 1), 366)
