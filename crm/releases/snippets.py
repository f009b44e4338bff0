"""Text snippets: reusable boilerplate ("About the party", a contact block) for releases."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.releases import workflow
from crm.releases.markup import clean
from crm.releases.models import RELEASE_LANGUAGES, TextSnippet
from crm.text import name_key, normalise_space

BODY_MAX = 20000


def active_snippets() -> list[TextSnippet]:
    return list(db.session.scalars(db.select(TextSnippet).where(
        TextSnippet.retired.is_(False)).order_by(TextSnippet.language, TextSnippet.name)))


def all_snippets() -> list[TextSnippet]:
    return list(db.session.scalars(db.select(TextSnippet).order_by(
        TextSnippet.retired, TextSnippet.language, TextSnippet.name)))


def save_snippet(snippet: TextSnippet | None, *, name: str, language: str, body: str,
                 retired: bool = False, user_id: int | None = None) -> TextSnippet:
    """Create or change a snippet and commit. Raises UserError (nothing stored).

    Four eyes: a changed text sends every approved release that includes it back to review,
    with `user_id` as its last editor (so the changer cannot approve it alone).
    """
    name = normalise_space(name)
    if not name:
        raise UserError(msg("A name is required."), field="name")
    if len(name) > 200:
        raise UserError(msg("A name may have at most 200 characters."), field="name")
    if language not in RELEASE_LANGUAGES:
        raise UserError(msg("Unknown language."), field="language")
    body = clean(body).strip()
    if not body:
        raise UserError(msg("The text is empty."), field="body")
    if len(body) > BODY_MAX:
        raise UserError(msg("The text may have at most %(max)d characters.", max=BODY_MAX),
                        field="body")
    taken = UserError(msg("A snippet with this name exists."), field="name")
    key = name_key(name)  # a handful of snippets: compared in Python, alike on both databases
    clash = next((other for other in db.session.scalars(db.select(TextSnippet))
                  if name_key(other.name) == key), None)
    if clash is not None and clash is not snippet:
        raise taken
    if snippet is None:
        snippet = TextSnippet()
        db.session.add(snippet)
    text_changed = snippet.id is not None and snippet.body != body
    using = workflow.approved_using(snippet_id=snippet.id) if text_changed else []
    snippet.name, snippet.language, snippet.body, snippet.retired = name, language, body, retired
    if text_changed:
        workflow.reopen_changed(user_id, msg("The snippet “%(name)s” was changed after the "
                                             "approval.", name=name), using)
    try:
        db.session.commit()
    except IntegrityError:  # the same name saved a moment ago by someone else
        db.session.rollback()
        raise taken from None
    return snippet
