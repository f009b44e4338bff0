"""Drafting releases: save (every save keeps a version), restore one (crm/releases/diff.py
compares two).

Saving an approved release sends it back to review (workflow.reopen_review): the approval was
for other words. Bad input raises UserError naming the field; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.contacts.services import get_or_create_tags
from crm.contacts.validation import normalise_labels
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.releases import workflow
from crm.releases.markup import clean
from crm.releases.models import (
    RELEASE_LANGUAGES,
    Release,
    ReleaseQuote,
    ReleaseSnippet,
    ReleaseTemplate,
    ReleaseVersion,
    TextSnippet,
)
from crm.text import normalise_space

TITLE_MAX = 300
LEAD_MAX = 5000
BODY_MAX = 100_000
QUOTE_MAX = 5000
MAX_QUOTES = 10


@dataclass
class ReleaseData:
    """What the form (or a restored version) gives to save a release."""

    title: str
    lead: str = ""
    body: str = ""
    language: str = "nb"
    tags: list[str] | str = field(default_factory=list)
    spokesperson_id: int | None = None
    contact_user_id: int | None = None  # a staff member as the contact person instead
    quotes: list[tuple[int | None, str]] = field(default_factory=list)  # (contact id, text)
    snippet_ids: list[int] = field(default_factory=list)
    release_at: datetime | None = None  # aware
    embargo_until: datetime | None = None  # aware
    template_id: int | None = None


def _contact(contact_id: int | None, field_name: str) -> Contact | None:
    if contact_id is None:
        return None
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.erased_at is not None:
        raise UserError(msg("That contact does not exist."), field=field_name)
    return contact


def _staff(user_id: int | None, release: Release | None) -> None:
    """A staff contact person must be an active user (or the one the release already has)."""
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is None or (not user.active and (release is None
                                             or release.contact_user_id != user_id)):
        raise UserError(msg("That user does not exist."), field="contact_user_id")


def _checked(data: ReleaseData, release: Release | None) -> dict:
    """Validated, normalised values (a snapshot) from `data`. Raises UserError."""
    title = normalise_space(clean(data.title))
    if not title:
        raise UserError(msg("A title is required."), field="title")
    if len(title) > TITLE_MAX:
        raise UserError(msg("The title may have at most %(max)d characters.", max=TITLE_MAX),
                        field="title")
    lead = clean(data.lead).strip()
    body = clean(data.body).strip()
    if len(lead) > LEAD_MAX:
        raise UserError(msg("The lead may have at most %(max)d characters.", max=LEAD_MAX),
                        field="lead")
    if len(body) > BODY_MAX:
        raise UserError(msg("The text may have at most %(max)d characters.", max=BODY_MAX),
                        field="body")
    if data.language not in RELEASE_LANGUAGES:
        raise UserError(msg("Unknown language."), field="language")
    for value, name in ((data.release_at, "release_at"), (data.embargo_until, "embargo_until")):
        if value is not None and value.tzinfo is None:
            raise UserError(msg("A time without a time zone."), field=name)
    if data.release_at and data.embargo_until and data.release_at < data.embargo_until:
        raise UserError(msg("It cannot be published openly before its embargo lifts: choose "
                            "the lift or a later time, or leave it empty."), field="release_at")
    _contact(data.spokesperson_id, "spokesperson_id")
    _staff(data.contact_user_id, release)
    quotes = [(cid, clean(text).strip()) for cid, text in data.quotes if clean(text).strip()]
    if len(quotes) > MAX_QUOTES:
        raise UserError(msg("At most %(max)d quotes.", max=MAX_QUOTES), field="quotes")
    for cid, text in quotes:
        _contact(cid, "quotes")
        if len(text) > QUOTE_MAX:
            raise UserError(msg("A quote may have at most %(max)d characters.", max=QUOTE_MAX),
                            field="quotes")
    current_snippets = {s.id for s in release.snippets} if release else set()
    snippet_ids = list(dict.fromkeys(data.snippet_ids))
    for sid in snippet_ids:
        snippet = db.session.get(TextSnippet, sid)
        if snippet is None or (snippet.retired and sid not in current_snippets):
            raise UserError(msg("That snippet does not exist."), field="snippet_ids")
    if data.template_id is not None:
        template = db.session.get(ReleaseTemplate, data.template_id)
        if template is None or (template.retired_at is not None
                                and (release is None or release.template_id != template.id)):
            raise UserError(msg("That template does not exist."), field="template_id")
    return {
        "title": title, "lead": lead, "body": body, "language": data.language,
        "tags": sorted(normalise_labels(data.tags)), "spokesperson_id": data.spokesperson_id,
        "contact_user_id": data.contact_user_id,
        "quotes": [{"contact_id": cid, "text": text} for cid, text in quotes],
        "snippet_ids": snippet_ids, "template_id": data.template_id,
        "release_at": _iso(data.release_at), "embargo_until": _iso(data.embargo_until),
    }


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def snapshot(release: Release) -> dict:
    """A release's content as stored in a version."""
    return {
        "title": release.title, "lead": release.lead, "body": release.body,
        "language": release.language, "tags": [t.name for t in release.tags],
        "spokesperson_id": release.spokesperson_id,
        "contact_user_id": release.contact_user_id,
        "quotes": [{"contact_id": q.contact_id, "text": q.text} for q in release.quotes],
        "snippet_ids": [link.snippet_id for link in release.snippet_links],
        "template_id": release.template_id,
        "release_at": _iso(release.release_at), "embargo_until": _iso(release.embargo_until),
    }


def _apply(release: Release, values: dict) -> None:
    release.title, release.lead, release.body = values["title"], values["lead"], values["body"]
    release.language = values["language"]
    release.tags = get_or_create_tags(values["tags"])
    release.spokesperson_id = values["spokesperson_id"]
    release.contact_user_id = values.get("contact_user_id")
    release.template_id = values["template_id"]
    release.quotes = [ReleaseQuote(contact_id=q["contact_id"], text=q["text"], position=i)
                      for i, q in enumerate(values["quotes"])]
    release.snippet_links = [ReleaseSnippet(snippet_id=sid, position=i)
                             for i, sid in enumerate(values["snippet_ids"])]
    for name in ("release_at", "embargo_until"):
        setattr(release, name, datetime.fromisoformat(values[name]) if values[name] else None)


def save_release(release: Release | None, data: ReleaseData, user_id: int | None,
                 note: str = "") -> Release:
    """Create or change a release, keep a version, and commit.

    The saver becomes the last editor (who may not approve it). Saving an approved release
    sends it back to review. A save that changes nothing keeps no version. Raises UserError
    on bad input and workflow.WorkflowError for a published or withdrawn release; nothing is
    stored.
    """
    if release is not None:
        workflow.check_editable(release)
    values = _checked(data, release)
    if release is not None and values == snapshot(release):
        return release
    if release is None:
        release = Release(status="draft", created_by_id=user_id, version=0)
        db.session.add(release)
    with db.session.no_autoflush:
        _apply(release, values)
    release.updated_by_id = user_id
    workflow.reopen_review(release, user_id)
    release.version += 1
    release.versions.append(ReleaseVersion(number=release.version, author_id=user_id,
                                           note=note[:300], data=values))
    db.session.commit()
    return release


def get_version(release: Release, number: int) -> ReleaseVersion | None:
    return db.session.scalar(db.select(ReleaseVersion).where(
        ReleaseVersion.release_id == release.id, ReleaseVersion.number == number))


def data_from_version(version: ReleaseVersion) -> ReleaseData:
    """A version's content as ReleaseData; contacts, snippets and templates deleted since are
    left out."""
    values = version.data

    def exists(model, ident):
        return ident is not None and db.session.get(model, ident) is not None

    quotes = [(q["contact_id"] if exists(Contact, q["contact_id"]) else None, q["text"])
              for q in values.get("quotes", [])]
    return ReleaseData(
        title=values["title"], lead=values.get("lead", ""), body=values.get("body", ""),
        language=values.get("language", "nb"), tags=values.get("tags", []),
        spokesperson_id=values.get("spokesperson_id")
        if exists(Contact, values.get("spokesperson_id")) else None,
        contact_user_id=values.get("contact_user_id")
        if exists(User, values.get("contact_user_id")) else None,
        quotes=quotes,
        snippet_ids=[s for s in values.get("snippet_ids", []) if exists(TextSnippet, s)],
        template_id=values.get("template_id")
        if exists(ReleaseTemplate, values.get("template_id")) else None,
        release_at=datetime.fromisoformat(values["release_at"])
        if values.get("release_at") else None,
        embargo_until=datetime.fromisoformat(values["embargo_until"])
        if values.get("embargo_until") else None)


def restore_version(release: Release, version: ReleaseVersion, user_id: int | None) -> Release:
    """Save an old version's content as a new version (the same rules as any save)."""
    return save_release(release, data_from_version(version), user_id,
                        note=f"Restored version {version.number}")
