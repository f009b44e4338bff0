"""Building test data: one function per thing, through the services the app itself uses.

Each builder commits and returns the model. Defaults are a plausible Norwegian example; pass
what a test is about and leave the rest. Where a service would refuse what a test needs (a
date long past, a contact created years ago), the builder or `backdate` says so.

    kari = journalist("Kari Nordmann", org="NRK", email="kari@nrk.no")
    call = log(kari, staff=users["editor"], follow_up=follow_up(oslo(2026, 3, 11), editor))
    release = approved(author, approver, title="Ny skattepolitikk")
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update

from crm.extensions import db

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)  # a fixed "now" for tests that pass one


def oslo(*args) -> datetime:
    """An aware datetime given as Oslo wall-clock time: oslo(2026, 3, 10, 9, 0)."""
    return datetime(*args, tzinfo=OSLO)


# People who use Pressdesk ------------------------------------------------------------------

def make_user(email: str, role: str, name: str = "", language: str = "en"):
    """A staff user with tests.support.PASSWORD."""
    from crm.auth.services import create_user
    from tests.support import PASSWORD
    return create_user(email, PASSWORD, role=role, name=name or email.split("@")[0],
                       language=language)


# The register ------------------------------------------------------------------------------

def organisation(name: str = "NRK", kind: str = "outlet", **fields):
    """The organisation of that name, created (as `kind`) if there is none yet."""
    from crm.contacts.models import Organisation
    from crm.contacts.services import save_organisation
    found = db.session.scalar(db.select(Organisation).where(Organisation.name == name))
    return found or save_organisation(None, name=name, kind=kind, **fields)


def outlet(name: str = "NRK", **fields):
    return organisation(name, "outlet", **fields)


def contact(name: str = "Åse Ødegård", kind: str = "journalist", *, org=None,
            email: str | None = None, **fields):
    """A contact; `org` is an Organisation or an outlet's name, `email` one address (or pass
    `emails=[...]`); any other ContactData field by name."""
    from crm.contacts.services import ContactData, create_contact
    if isinstance(org, str):
        org = outlet(org)
    if email is not None:
        fields["emails"] = [email]
    return create_contact(ContactData(kind=kind, name=name,
                                      organisation_id=org.id if org else None, **fields))


def journalist(name: str = "Åse Ødegård", **fields):
    return contact(name, "journalist", **fields)


def politician(name: str = "Jonas Ødegård", **fields):
    return contact(name, "politician", **fields)


def official(name: str = "Ingrid Byråkrat", **fields):
    return contact(name, "official", **fields)


def full_journalist():
    """Åse Ødegård of NRK with something in every field, on the media list Helsejournalister."""
    person = journalist(
        org=outlet("NRK"), title="Politisk reporter", region="Vestland",
        emails=["ase.odegard@nrk.no", "ase@example.no"], phones=["912 34 567", "22 33 44 55"],
        beats="helse, politikk", tags="viktig", address="Storgata 1\n0155 Oslo",
        social="@aseodegard", notes="Foretrekker SMS før kl. 9.",
        lawful_basis="consent", consent_date=date(2025, 1, 2),
        data_source="Byline i NRK.no", preferred_language="nn")
    media_list("Helsejournalister", [person])
    return person


def media_list(name: str = "Politikk nasjonalt", members=(), description: str = ""):
    """A media list with these contacts, in this order."""
    from crm.contacts.lists import add_members, save_media_list
    made = save_media_list(None, name=name, description=description)
    if members:
        add_members(made, [m.id for m in members])
    return made


def backdate(person, created: datetime, updated: datetime | None = None) -> None:
    """Pretend a contact was created (and last changed) at a given time (no service does)."""
    from crm.contacts.models import Contact
    db.session.execute(update(Contact).where(Contact.id == person.id).values(
        created_at=created, updated_at=updated or created))
    db.session.commit()


# Interactions, follow-ups, press inquiries -------------------------------------------------

def follow_up(due: datetime, assignee, note: str = "Ring tilbake"):
    """What to attach to an interaction (or add_follow_up): due when, by whom."""
    from crm.interactions.services import FollowUpData
    return FollowUpData(due_at=due, assignee_id=assignee.id, note=note)


def inquiry(deadline: datetime | None = None, assignee=None, status: str = "new",
            answer: str = ""):
    """What makes an interaction of kind "inquiry" a press inquiry."""
    from crm.interactions.services import InquiryData
    return InquiryData(deadline=deadline, assignee_id=assignee.id if assignee else None,
                       status=status, answer=answer)


def log(contacts, *, kind: str = "phone", when: datetime | None = None, staff=None,
                subject: str = "Budsjettet", follow_up=None, inquiry=None, **fields):
    """Log an interaction with one contact or a list of them (via log_interaction)."""
    from crm.interactions.services import InteractionData, log_interaction
    contacts = contacts if isinstance(contacts, list | tuple) else [contacts]
    return log_interaction(InteractionData(
        kind=kind, occurred_at=when or oslo(2026, 3, 10, 9, 0),
        contact_ids=[c.id for c in contacts], staff_id=staff.id if staff else None,
        subject=subject, follow_up=follow_up, inquiry=inquiry, **fields))


def press_inquiry(contacts, *, deadline: datetime | None = None, assignee=None,
                  status: str = "new", answer: str = "", **fields):
    """A press inquiry from these contacts: an interaction of kind "inquiry"."""
    return log(contacts, kind="inquiry", inquiry=inquiry(deadline, assignee, status,
                                                                 answer), **fields)


# Press releases ----------------------------------------------------------------------------

def draft(user, **fields):
    """A draft release saved by `user`; ReleaseData fields by name."""
    from crm.releases import services
    values = {"title": "Ap & Høyre er enige om æøå", "lead": "En ingress.",
              "body": "Første avsnitt med **fet** tekst.\n\n- punkt én\n- punkt to"}
    values.update(fields)
    return services.save_release(None, services.ReleaseData(**values), user.id)


def approved(author, approver, **fields):
    """A release drafted and submitted by `author`, approved by `approver` (four eyes)."""
    from crm.releases import workflow
    release = draft(author, **fields)
    workflow.transition(release, "submit", author.id)
    workflow.transition(release, "approve", approver.id)
    return release


# Monitoring --------------------------------------------------------------------------------

def feed(url: str = "https://www.nrk.no/toppsaker.rss", name: str = "", organisation=None,
         fetch_now: bool = False, **fields):
    """A feed (not fetched unless `fetch_now`; kept even if that fails)."""
    from crm.monitoring.services import FeedData, create_feed
    made, _report = create_feed(FeedData(url, name or url[-40:],
                                         organisation.id if organisation else None, **fields),
                                fetch_now=fetch_now, keep_if_failing=True)
    return made


def watch_term(term: str, group: str = "party", **fields):
    """A watch term (saving it re-matches recent articles, as in the app)."""
    from crm.monitoring.mentions import TermData, save_term
    return save_term(None, TermData(term=term, group=group, **fields))[0]


def entry(title: str, summary: str = "", guid: str = "", link: str = "", author: str = "",
          published: datetime | None = None):
    """One parsed feed entry, as feedparser's output becomes after parsing."""
    from crm.monitoring.parse import ParsedEntry
    return ParsedEntry(guid=guid, link=link, title=title, summary_html=summary,
                       summary=summary, author=author, published=published)


def articles(in_feed, *entries, author: str = ""):
    """Store entries read from a feed through the real dedupe and matching; each is an
    `entry`, a list of them, or a plain title (GUID "urn:<title>", this `author`). Returns
    the store's counts."""
    from crm.monitoring.store import StoreContext, store_entries
    parsed = []
    for item in entries:
        for one in item if isinstance(item, list) else [item]:
            parsed.append(entry(one, guid=f"urn:{one}", author=author)
                          if isinstance(one, str) else one)
    counts = store_entries(in_feed.id, in_feed.organisation_id, parsed, StoreContext.load())
    db.session.commit()
    return counts


def article(in_feed, title: str = "Ap og Høyre er enige om budsjettet", **fields):
    """One stored article (see `articles`)."""
    from crm.monitoring.models import Article, ArticleSource
    made = entry(title, guid=fields.pop("guid", f"urn:{title}"), **fields)
    articles(in_feed, made)
    return db.session.scalars(db.select(Article).join(ArticleSource)
                              .where(ArticleSource.feed_id == in_feed.id,
                                     Article.title == title)
                              .order_by(Article.id.desc())).first()

