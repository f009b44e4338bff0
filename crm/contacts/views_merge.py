"""Likely duplicates among existing contacts, and merging two of them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.roles import editor_required
from crm.contacts import bp
from crm.contacts.duplicates import duplicate_groups
from crm.contacts.merging import MergeError, merge_contacts
from crm.contacts.models import Contact, MediaListMember
from crm.contacts.services import ContactFilter, filtered_contacts
from crm.contacts.views import get_live_contact
from crm.extensions import db
from crm.interactions.models import interaction_contact
from crm.view_helpers import id_arg

GROUPS_SHOWN = 100
CANDIDATES_SHOWN = 25


def _link_counts(contact: Contact) -> dict[str, int]:
    def count(query) -> int:
        return db.session.scalar(db.select(db.func.count()).select_from(query.subquery()))

    return {
        "interactions": count(db.select(interaction_contact.c.interaction_id)
                              .where(interaction_contact.c.contact_id == contact.id)),
        "lists": count(db.select(MediaListMember.media_list_id)
                       .where(MediaListMember.contact_id == contact.id)),
    }


@bp.route("/contacts/duplicates")
@editor_required
def duplicates():
    """Groups of contacts that share an email, a phone, or a name in the same organisation."""
    groups, total = duplicate_groups(limit=GROUPS_SHOWN)
    return render_template("contacts/duplicates.html", groups=groups, total=total)


@bp.route("/contacts/merge", methods=["GET", "POST"])
@editor_required
def merge():
    """Pick two contacts and the one to keep; merge the other into it."""
    if request.method == "POST":
        first = get_live_contact(id_arg("a", request.form))
        second = get_live_contact(id_arg("b", request.form))
        keep_id = id_arg("keep", request.form)
        if keep_id not in (first.id, second.id):
            flash(_("Choose the record to keep."), "error")
            return redirect(url_for("contacts.merge", a=first.id, b=second.id))
        keep, other = (first, second) if keep_id == first.id else (second, first)
        other_name = other.name
        try:
            keep = merge_contacts(keep, other, user_id=current_user.id)
        except MergeError as exc:
            flash(str(exc), "error")
            return redirect(url_for("contacts.merge", a=first.id))
        flash(_("%(other)s was merged into this contact.", other=other_name), "success")
        return redirect(url_for("contacts.detail", contact_id=keep.id))
    first = get_live_contact(id_arg("a"))
    second_id = id_arg("b")
    if second_id is None:
        q = request.args.get("q", first.name)[:200]
        candidates = [c for c in db.session.scalars(
            filtered_contacts(ContactFilter(q=q)).limit(CANDIDATES_SHOWN + 1)) if c.id != first.id]
        return render_template("contacts/merge.html", first=first, second=None, q=q,
                               candidates=candidates[:CANDIDATES_SHOWN])
    second = get_live_contact(second_id)
    if second.id == first.id:
        flash(_("A contact cannot be merged with itself."), "error")
        return redirect(url_for("contacts.merge", a=first.id))
    return render_template("contacts/merge.html", first=first, second=second,
                           counts={c.id: _link_counts(c) for c in (first, second)})
