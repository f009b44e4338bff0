from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from crm.auth.roles import editor_required
from crm.contacts import bp
from crm.contacts.forms import OrganisationForm
from crm.contacts.models import ORGANISATION_KINDS, Contact, Organisation
from crm.contacts.services import organisations_by_kind, save_organisation
from crm.errors import UserError
from crm.extensions import db
from crm.view_helpers import show_error


def get_organisation(organisation_id: int) -> Organisation:
    return db.get_or_404(Organisation, organisation_id)


@bp.route("/organisations")
def organisations():
    """Outlets, parties, ministries and agencies."""
    kind = request.args.get("kind", "")
    kind = kind if kind in ORGANISATION_KINDS else None
    counts = dict(db.session.execute(
        db.select(Contact.organisation_id, db.func.count())
        .where(Contact.erased_at.is_(None)).group_by(Contact.organisation_id)).all())
    return render_template("contacts/organisations.html", kind=kind, counts=counts,
                           organisations=organisations_by_kind(kind), kinds=ORGANISATION_KINDS)


@bp.route("/organisations/<int:organisation_id>")
def organisation(organisation_id: int):
    """One organisation and its contacts."""
    org = get_organisation(organisation_id)
    contacts = db.session.scalars(
        db.select(Contact).where(Contact.organisation_id == org.id, Contact.erased_at.is_(None))
        .order_by(Contact.sort_name)
        .options(selectinload(Contact.beats), selectinload(Contact.emails))).all()
    return render_template("contacts/organisation.html", organisation=org, contacts=contacts)


def _save(org: Organisation | None):
    form = OrganisationForm(obj=org)
    if form.validate_on_submit():
        try:
            org = save_organisation(org, name=form.name.data, kind=form.kind.data,
                                    website=form.website.data or "", notes=form.notes.data or "")
        except UserError as exc:
            db.session.rollback()
            show_error(form, exc, fallback="name")
        else:
            flash(_("Organisation saved."), "success")
            return redirect(url_for("contacts.organisation", organisation_id=org.id))
    return render_template("contacts/organisation_form.html", form=form, organisation=org)


@bp.route("/organisations/new", methods=["GET", "POST"])
@editor_required
def new_organisation():
    """Create an organisation."""
    return _save(None)


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_organisation(organisation_id: int):
    """Change an organisation."""
    return _save(get_organisation(organisation_id))


@bp.route("/organisations/<int:organisation_id>/delete", methods=["POST"])
@editor_required
def delete_organisation(organisation_id: int):
    """Delete an organisation; its contacts stay, without organisation."""
    org = get_organisation(organisation_id)
    db.session.delete(org)
    db.session.commit()
    flash(_("Organisation deleted."), "success")
    return redirect(url_for("contacts.organisations"))
