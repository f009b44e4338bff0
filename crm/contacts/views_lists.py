from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from crm.auth.roles import editor_required
from crm.contacts import bp, lists
from crm.contacts.forms import MediaListForm
from crm.contacts.models import MediaList, MediaListMember
from crm.contacts.services import ContactFilter, filtered_contacts
from crm.errors import UserError
from crm.extensions import db
from crm.redirects import local_target
from crm.view_helpers import show_error


def get_list(list_id: int) -> MediaList:
    return db.get_or_404(MediaList, list_id)


@bp.route("/lists")
def media_lists():
    """All media lists with their sizes."""
    counts = dict(db.session.execute(
        db.select(MediaListMember.media_list_id, db.func.count())
        .group_by(MediaListMember.media_list_id)).all())
    rows = db.session.scalars(db.select(MediaList).order_by(MediaList.name)).all()
    return render_template("contacts/lists.html", media_lists=rows, counts=counts)


@bp.route("/lists/<int:list_id>")
def media_list(list_id: int):
    """One media list, its members in order, and a search to add more."""
    ml = get_list(list_id)
    q = request.args.get("q", "")[:200]
    candidates = []
    if q:
        candidates = db.session.scalars(filtered_contacts(ContactFilter(q=q)).limit(25)).all()
    return render_template("contacts/list.html", media_list=ml, q=q, candidates=candidates,
                           members=lists.list_recipients(ml))


def _save(ml: MediaList | None):
    form = MediaListForm(obj=ml)
    if form.validate_on_submit():
        try:
            ml = lists.save_media_list(ml, name=form.name.data,
                                       description=form.description.data or "")
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc, fallback="name")
        else:
            flash(_("Media list saved."), "success")
            return redirect(url_for("contacts.media_list", list_id=ml.id))
    return render_template("contacts/list_form.html", form=form, media_list=ml)


@bp.route("/lists/new", methods=["GET", "POST"])
@editor_required
def new_media_list():
    """Create a media list."""
    return _save(None)


@bp.route("/lists/<int:list_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_media_list(list_id: int):
    """Rename a media list or change its description."""
    return _save(get_list(list_id))


@bp.route("/lists/<int:list_id>/delete", methods=["POST"])
@editor_required
def delete_media_list(list_id: int):
    """Delete a media list (its contacts stay)."""
    db.session.delete(get_list(list_id))
    db.session.commit()
    flash(_("Media list deleted."), "success")
    return redirect(url_for("contacts.media_lists"))


@bp.route("/lists/<int:list_id>/members", methods=["POST"])
@editor_required
def add_list_members(list_id: int):
    """Add contacts (ids from checkboxes or one contact_id) to a list."""
    ml = get_list(list_id)
    ids = [int(v) for v in request.form.getlist("contact_id") if v.isdigit()]
    added = lists.add_members(ml, ids)
    flash(ngettext("%(num)d contact added.", "%(num)d contacts added.", added), "success")
    return redirect(local_target(request.form.get("next_url"),
                                 url_for("contacts.media_list", list_id=ml.id)))


@bp.route("/lists/<int:list_id>/members/<int:contact_id>/remove", methods=["POST"])
@editor_required
def remove_list_member(list_id: int, contact_id: int):
    """Remove one contact from a list."""
    if not lists.remove_member(get_list(list_id), contact_id):
        abort(404)
    flash(_("Removed from the list."), "success")
    return redirect(url_for("contacts.media_list", list_id=list_id))


@bp.route("/lists/<int:list_id>/members/<int:contact_id>/move", methods=["POST"])
@editor_required
def move_list_member(list_id: int, contact_id: int):
    """Move a member up or down."""
    offset = -1 if request.form.get("direction") == "up" else 1
    lists.move_member(get_list(list_id), contact_id, offset)
    return redirect(url_for("contacts.media_list", list_id=list_id))
