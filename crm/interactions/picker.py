"""Choosing the contacts of an interaction among 100k without a giant select.

A form sends the ticked contact ids, free text with one name per line (resolved here through
the contact search) and an optional search whose hits are offered for ticking. A name that
matches several contacts is an error listing candidates, resolved by ticking one of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _

from crm.contacts.models import Contact
from crm.contacts.search import query_terms
from crm.contacts.services import ContactFilter, filtered_contacts
from crm.extensions import db
from crm.text import fold

MAX_NAMES = 50
MAX_SEARCH_HITS = 25
MAX_CANDIDATES = 10
_SCAN = 50  # matches looked at per name; more than this is "too many, be more precise"
_LINES = re.compile(r"[\n;]+")


@dataclass
class NameProblem:
    name: str
    message: str
    candidates: list[Contact] = field(default_factory=list)
    unknown: bool = False  # no contact matches at all: someone new, perhaps


@dataclass
class ContactSelection:
    chosen: list[Contact] = field(default_factory=list)  # ticked + resolved, in order
    problems: list[NameProblem] = field(default_factory=list)
    unknown_ids: list[int] = field(default_factory=list)
    hits: list[Contact] = field(default_factory=list)  # search results not yet chosen
    moved: list[str] = field(default_factory=list)  # names taken to the "new contact" fields

    @property
    def ids(self) -> list[int]:
        return [c.id for c in self.chosen]

    @property
    def unresolved_text(self) -> str:
        """The names still to sort out, for the form's name box."""
        return "\n".join(p.name for p in self.problems if p.name not in self.moved)

    @property
    def offered(self) -> list[Contact]:
        """Contacts to show unticked: candidates of ambiguous names and search hits."""
        seen = set(self.ids)
        out = []
        for contact in [c for p in self.problems for c in p.candidates] + self.hits:
            if contact.id not in seen:
                seen.add(contact.id)
                out.append(contact)
        return out


def split_names(text: str | None) -> list[str]:
    names = []
    for raw in _LINES.split(text or ""):
        name = " ".join(raw.split())
        if name and name.casefold() not in {n.casefold() for n in names}:
            names.append(name)
    return names


def _matches(name: str):
    return filtered_contacts(ContactFilter(q=name))


def resolve_name(name: str, ticked: set[int]) -> tuple[Contact | None, NameProblem | None]:
    """One contact for a typed name, or a problem; ticking a candidate settles ambiguity.

    Tried in turn: the one contact with exactly that name (folded: case, accents, æøå), the
    one whose name holds every typed word, the one contact the search finds at all (an email
    or a phone number).
    """
    folded, terms = fold(name), query_terms(name)
    if not terms:
        return None, NameProblem(name, _("“%(name)s” is not a name.", name=name[:80]))
    found = list(db.session.scalars(_matches(name).limit(_SCAN + 1)))
    if not found:
        return None, NameProblem(name, _("No contact matches “%(name)s”.", name=name[:80]),
                                 unknown=True)
    # The search text starts with the folded name, so a prefix narrows to the exact ones.
    exact = [c for c in db.session.scalars(
        _matches(name).where(Contact.search_text.like(folded + "%")).limit(_SCAN + 1))
        if fold(c.name) == folded]
    in_name = [c for c in found if all(t in fold(c.name) for t in terms)]
    too_many = len(found) > _SCAN
    if len(exact) == 1:
        return exact[0], None
    if not exact and not too_many and (len(in_name) == 1 or (not in_name and len(found) == 1)):
        return (in_name or found)[0], None
    if ticked and db.session.scalar(
            _matches(name).where(Contact.id.in_(ticked)).with_only_columns(Contact.id).limit(1)):
        return None, None  # one of its candidates is ticked: settled
    group = exact or in_name or found
    if too_many and not exact:
        message = _("“%(name)s” matches more than %(n)d contacts: type more of the name, "
                    "or tick the right one below.", name=name[:80], n=_SCAN)
    else:
        message = _("“%(name)s” matches %(n)d contacts: tick the right one below.",
                    name=name[:80], n=len(group))
    return None, NameProblem(name, message, group[:MAX_CANDIDATES])


def pick_contacts(ticked_ids: list[int], names: str | None = "", query: str = "",
                  keep_ids: set[int] | frozenset = frozenset()) -> ContactSelection:
    """Resolve ticked ids, typed names and a search into a selection (nothing is stored).

    Erased contacts cannot be chosen, except those in `keep_ids` (already on the interaction).
    """
    selection = ContactSelection()
    wanted = list(dict.fromkeys(ticked_ids))[:1000]
    found = {c.id: c for c in db.session.scalars(
        db.select(Contact).where(Contact.id.in_(wanted)))} if wanted else {}
    for cid in wanted:
        contact = found.get(cid)
        if contact is None or (contact.erased_at is not None and cid not in keep_ids):
            selection.unknown_ids.append(cid)
        else:
            selection.chosen.append(contact)
    ticked = set(selection.ids)
    typed = split_names(names)
    for name in typed[:MAX_NAMES]:
        contact, problem = resolve_name(name, ticked)
        if problem:
            selection.problems.append(problem)
        elif contact is not None and contact.id not in ticked:
            ticked.add(contact.id)
            selection.chosen.append(contact)
    if len(typed) > MAX_NAMES:
        selection.problems.append(NameProblem(
            "\n".join(typed[MAX_NAMES:]),
            _("At most %(n)d names at a time; the rest are kept in the box.", n=MAX_NAMES)))
    if query.strip():
        selection.hits = [c for c in db.session.scalars(
            _matches(query[:200]).limit(MAX_SEARCH_HITS)) if c.id not in ticked]
    return selection
