"""Likely duplicates among existing contacts, and merging two of them."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm.audit.labels import field_label
from crm.auth.roles import editor_required
from crm.contacts import bp
from crm.contacts.duplicates import duplicate_groups
from crm.contacts.merging import BOTH, KEEP, OTHER, MergeError, field_choices, merge_contacts
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


def _kept_of(first: Contact, second: Contact) -> tuple[Contact, Contact]:
    """(kept, merged away): the record with more links stays (fewer rows move), else the
    older one. Which values it ends up with is chosen field by field."""
    def weight(c: Contact) -> tuple:
        counts = _link_counts(c)
        return (counts["interactions"] + counts["lists"], -c.created_at.timestamp(), -c.id)
    return (first, second) if weight(first) >= weight(second) else (second, first)


@bp.route("/contacts/merge", methods=["GET", "POST"])
@editor_required
def merge():
    """Pick two contacts and choose per field which value the merged contact takes."""
    if request.method == "POST":
        first = get_live_contact(id_arg("a", request.form))
        second = get_live_contact(id_arg("b", request.form))
        if first.id == second.id:
            flash(_("A contact cannot be merged with itself."), "error")
            return redirect(url_for("contacts.merge", a=first.id))
        keep, other = _kept_of(first, second)
        chosen = {}
        for choice in field_choices(first, second):
            pick = request.form.get(f"field-{choice.name}", choice.default)
            if pick == "both" and choice.combined:
                chosen[choice.name] = BOTH
            elif pick in ("a", "b"):
                side = first if pick == "a" else second
                chosen[choice.name] = KEEP if side is keep else OTHER
        other_name = other.name
        try:
            keep = merge_contacts(keep, other, user_id=current_user.id, choices=chosen)
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
    organisations = {o.id: o.name for o in (first.organisation, second.organisation) if o}
    choices = field_choices(first, second)
    # The audit log's labels for the contact's columns: one name for each field everywhere.
    field_labels = {c.name: field_label("contact", "organisation_id" if c.name == "organisation"
                                        else c.name) for c in choices}
    return render_template("contacts/merge.html", first=first, second=second,
                           choices=choices, field_labels=field_labels,
                           organisations=organisations,
                           counts={c.id: _link_counts(c) for c in (first, second)})
