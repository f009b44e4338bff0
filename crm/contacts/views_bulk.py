"""Bulk work on the contact list (ticked rows or all matching the filter) and saved filters.

The bulk form posts to /contacts/bulk with the list's own query string, so "all matching"
means exactly the filter the user was looking at.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from crm.auth.roles import editor_required, viewer_may_post
from crm.contacts import bp, bulk, saved_filters
from crm.contacts.lists import save_media_list
from crm.contacts.models import Contact, MediaList, SavedFilter
from crm.contacts.views import filter_from_args, ids_arg
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.view_helpers import id_arg

ACTIONS = ("add_to_list", "add_tag", "remove_tag", "export_csv", "export_vcard", "delete")


def _list_args() -> dict:
    """The list's filter and sort parameters the bulk form was posted with."""
    return {k: v for k, v in request.args.items() if k not in ("id", "ids", "page")}


def _back() -> str:
    return url_for("contacts.index", **_list_args())


def _selection() -> bulk.Selection:
    if request.form.get("scope") == "all":
        return bulk.Selection(all_matching=True, flt=filter_from_args(request.args))
    return bulk.Selection(ids=ids_arg(request.form))


@bp.route("/contacts/bulk", methods=["POST"])
@editor_required
def bulk_action():
    """Add the selection to a media list, tag or untag it, export it, or delete it."""
    action = request.form.get("action", "")
    if action not in ACTIONS:
        flash(_("Choose what to do with the selected contacts."), "error")
        return redirect(_back())
    try:
        ids = _selection().contact_ids()
        if not ids:
            raise bulk.BulkError(msg("Select at least one contact."))
        if action in ("export_csv", "export_vcard"):
            return _export(action, ids)
        if action == "delete":
            return _delete(ids)
        return _change(action, ids)
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(_back())


def _export(action: str, ids: list[int]):
    endpoint = "contacts.export_csv" if action == "export_csv" else "contacts.export_vcards"
    if request.form.get("scope") == "all":  # the filter itself: no list of ids in the URL
        return redirect(url_for(endpoint, **_list_args()))
    if len(ids) > 1000:
        raise bulk.BulkError(msg("Export at most 1,000 ticked contacts, or export all "
                                      "that match the filter."))
    return redirect(url_for(endpoint) + "?" + urlencode({"ids": ",".join(map(str, ids))}))


def _delete(ids: list[int]):
    if request.form.get("confirmed") != "1":
        names = db.session.scalars(db.select(Contact.name).where(Contact.id.in_(ids[:20]))
                                   .order_by(Contact.sort_name)).all()
        return render_template("contacts/bulk_delete.html", ids=ids, names=names,
                               scope=request.form.get("scope", ""),
                               query=request.query_string.decode("utf-8", "replace"))
    count = bulk.delete_contacts(ids, current_user.id)
    flash(ngettext("%(num)d contact deleted.", "%(num)d contacts deleted.", count), "success")
    return redirect(_back())


def _change(action: str, ids: list[int]):
    user_id = current_user.id
    if action == "add_to_list":
        new_name = request.form.get("new_list", "").strip()
        if new_name:
            media_list = save_media_list(None, name=new_name)
        else:
            list_id = id_arg("list_id", request.form)
            media_list = db.session.get(MediaList, list_id) if list_id else None
            if media_list is None:
                raise bulk.BulkError(msg("Choose a media list, or name a new one."))
        added = bulk.add_to_list(ids, media_list, user_id)
        flash(ngettext("%(num)d contact added to %(list)s.", "%(num)d contacts added to "
                       "%(list)s.", added, list=media_list.name), "success")
        return redirect(url_for("contacts.media_list", list_id=media_list.id))
    tag = request.form.get("tag", "")
    if action == "add_tag":
        count = bulk.add_tag(ids, tag, user_id)
        flash(ngettext("Tag added to %(num)d contact.", "Tag added to %(num)d contacts.",
                       count), "success")
    else:
        count = bulk.remove_tag(ids, tag, user_id)
        flash(ngettext("Tag removed from %(num)d contact.", "Tag removed from %(num)d "
                       "contacts.", count), "success")
    return redirect(_back())


@bp.route("/contacts/filters", methods=["POST"])
@viewer_may_post  # a filter is one's own way of looking at the register, not a change to it
def save_filter():
    """Save the list's current filter under a name (for oneself, or shared with the team)."""
    query = saved_filters.query_of(request.args)
    try:
        saved = saved_filters.save_filter(current_user.id, request.form.get("name", ""), query,
                                          request.form.get("shared") == "1")
    except UserError as exc:
        flash(exc.message, "error")
        return redirect(_back())
    flash(_("Filter “%(name)s” saved.", name=saved.name), "success")
    return redirect(url_for("contacts.index") + ("?" + query if query else ""))


@bp.route("/contacts/filters/<int:filter_id>/delete", methods=["POST"])
@viewer_may_post
def delete_filter(filter_id: int):
    saved = db.get_or_404(SavedFilter, filter_id)
    if saved.user_id != current_user.id and not saved.shared:
        abort(404)  # someone else's private filter does not exist for this user
    try:
        saved_filters.delete_filter(saved, current_user.id)
    except UserError as exc:
        flash(exc.message, "error")
    else:
        flash(_("Filter deleted."), "success")
    return redirect(url_for("contacts.index"))
