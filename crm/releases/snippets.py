"""Text snippets: reusable boilerplate ("About the party", a contact block) for releases."""

from __future__ import annotations

from crm.contacts.validation import FieldError
from crm.extensions import db
from crm.releases.markup import clean
from crm.releases.models import RELEASE_LANGUAGES, TextSnippet
from crm.text import normalise_space

BODY_MAX = 20000


def active_snippets() -> list[TextSnippet]:
    return list(db.session.scalars(db.select(TextSnippet).where(
        TextSnippet.retired.is_(False)).order_by(TextSnippet.language, TextSnippet.name)))


def all_snippets() -> list[TextSnippet]:
    return list(db.session.scalars(db.select(TextSnippet).order_by(
        TextSnippet.retired, TextSnippet.language, TextSnippet.name)))


def save_snippet(snippet: TextSnippet | None, *, name: str, language: str, body: str,
                 retired: bool = False) -> TextSnippet:
    """Create or change a snippet and commit. Raises FieldError (nothing stored)."""
    name = normalise_space(name)
    if not name:
        raise FieldError("name", "A name is required.")
    if len(name) > 200:
        raise FieldError("name", "A name may have at most 200 characters.")
    if language not in RELEASE_LANGUAGES:
        raise FieldError("language", "Unknown language.")
    body = clean(body).strip()
    if not body:
        raise FieldError("body", "The text is empty.")
    if len(body) > BODY_MAX:
        raise FieldError("body", f"The text may have at most {BODY_MAX} characters.")
    clash = db.session.scalar(db.select(TextSnippet).where(
        db.func.lower(TextSnippet.name) == name.lower()))
    if clash is not None and clash is not snippet:
        raise FieldError("name", "A snippet with this name exists.")
    if snippet is None:
        snippet = TextSnippet()
        db.session.add(snippet)
    snippet.name, snippet.language, snippet.body, snippet.retired = name, language, body, retired
    db.session.commit()
    return snippet
