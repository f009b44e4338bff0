"""Saved filters of the contact list: a name for a query string, per user, shared if wished.

Only the list's own filter and sort parameters are kept, so a saved filter cannot smuggle
anything else into the URL it opens.
"""

from __future__ import annotations

from urllib.parse import urlencode

from crm.contacts.models import SavedFilter
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.text import normalise_space, without_controls

FILTER_KEYS = ("q", "kind", "organisation", "list", "beat", "tag", "region", "sort")
MAX_PER_USER = 50


class SavedFilterError(UserError):
    """A filter that cannot be saved as asked."""


def query_of(args) -> str:
    """The list's filter parameters of a request, as a query string (no page, no ids)."""
    pairs = [(key, without_controls(args.get(key, ""))[:200]) for key in FILTER_KEYS
             if without_controls(args.get(key, "")).strip()]
    return urlencode(pairs)


def visible_to(user_id: int) -> list[SavedFilter]:
    """The user's own filters, then the ones colleagues shared, by name."""
    return list(db.session.scalars(
        db.select(SavedFilter)
        .where((SavedFilter.user_id == user_id) | SavedFilter.shared.is_(True))
        .order_by((SavedFilter.user_id != user_id), SavedFilter.name, SavedFilter.id)))


def save_filter(user_id: int, name: str, query: str, shared: bool) -> SavedFilter:
    """Save (or overwrite the user's filter of that name) and commit."""
    name = normalise_space(without_controls(name))[:100]
    if not name:
        raise SavedFilterError(msg("Give the filter a name."), field="name")
    if not query:
        raise SavedFilterError(msg("Choose a filter or a sort order before saving it."))
    mine = db.session.scalars(db.select(SavedFilter).where(SavedFilter.user_id == user_id)).all()
    existing = next((f for f in mine if f.name.casefold() == name.casefold()), None)
    if existing is None:
        if len(mine) >= MAX_PER_USER:
            raise SavedFilterError(msg("You have %(max)d saved filters; delete one first.",
                                       max=MAX_PER_USER))
        existing = SavedFilter(user_id=user_id)
        db.session.add(existing)
    existing.name, existing.query, existing.shared = name, query[:2000], shared
    db.session.commit()
    return existing


def delete_filter(saved: SavedFilter, user_id: int) -> None:
    """Only its owner deletes a filter."""
    if saved.user_id != user_id:
        raise SavedFilterError(msg("Only the colleague who saved this filter can delete it."))
    db.session.delete(saved)
    db.session.commit()
