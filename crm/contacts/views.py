from dataclasses import asdict

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, load_only

from crm.auth.roles import editor_required
from crm.contacts import bp, saved_filters
from crm.contacts.duplicates import likely_duplicates
from crm.contacts.forms import ContactForm
from crm.contacts.models import CONTACT_KINDS, Contact, MediaList, Organisation
from crm.contacts.services import (
    SORTS,
    ContactData,
    ContactFilter,
    contact_data_from,
    contacts_page,
    create_contact,
    delete_contact,
    filtered_contacts,
    is_unfiltered,
    last_contacts_of,
    list_rows,
    live_contact_count,
    organisation_names,
    organisations_by_kind,
    update_contact,
)
from crm.contacts.validation import format_phone, normalise_email, normalise_phone, split_items
from crm.errors import UserError
from crm.extensions import db
from crm.formutil import choices
from crm.navigation import contact_page
from crm.view_helpers import PAGE_SIZE, id_arg, paginate, show_error

# What the contact page shows besides its parts: the organisation and the (few) addresses and
# numbers in the contact's own query, the rest as it is first used.
DETAIL_LOADS = (joinedload(Contact.organisation), joinedload(Contact.emails),
                joinedload(Contact.phones))
# What a row of the list shows, loaded for the whole page at once (not a query per row): the
# columns it shows and the organisation's name joined to the page's query, the addresses and
# beats by list_rows. raiseload: a template reaching for another column fails in the tests
# instead of querying once per row.
LIST_LOADS = (
    load_only(Contact.name, Contact.kind, Contact.organisation_id, Contact.title,
              Contact.office, Contact.opted_out, raiseload=True),
    joinedload(Contact.organisation).load_only(Organisation.name, raiseload=True),
)


MAX_IDS = 1000  # ticked rows carried in a URL (an export of the selection)
# A search is counted up to this many contacts (the page says "over 1000" beyond): counting
# every contact whose text holds "ha" (18,000 of 100,000) took PostgreSQL 13-19 ms a search,
# the largest single cost of the contact list under load, for a number nobody needs exactly.
SEARCH_COUNT_CAP = 1000


def ids_arg(args) -> tuple[int, ...]:
    """Contact ids from repeated `id` fields or one comma list `ids`; junk is ignored."""
    raw = args.getlist("id") + ",".join(args.getlist("ids")).split(",")
    ids = [int(v) for v in (r.strip() for r in raw) if v.isdigit() and len(v) < 12]
    return tuple(dict.fromkeys(ids))[:MAX_IDS]


def filter_from_args(args) -> ContactFilter:
    sort = args.get("sort", "name")
    return ContactFilter(
        q=args.get("q", "")[:200], kind=args.get("kind", ""),
        organisation_id=id_arg("organisation", args), beat=args.get("beat", "")[:80],
        tag=args.get("tag", "")[:80], media_list_id=id_arg("list", args),
        region=args.get("region", "")[:100], ids=ids_arg(args),
        sort=sort if sort in SORTS else "name")


@bp.route("/contacts")
def index():
    """The register, filtered, searched and sorted; rows can be ticked for bulk work."""
    flt = filter_from_args(request.args)
    unfiltered = is_unfiltered(flt)
    page = paginate(filtered_contacts(flt), per_page=PAGE_SIZE, count=not unfiltered,
                    count_cap=SEARCH_COUNT_CAP if flt.q.strip() else None,
                    fetch=contacts_page(flt.sort, LIST_LOADS))
    if unfiltered:
        page.total = live_contact_count()
    return render_template(
        "contacts/index.html", page=page, flt=flt, kinds=CONTACT_KINDS,
        organisations=organisation_names(),
        media_lists=db.session.scalars(db.select(MediaList).order_by(MediaList.name)).all(),
        rows=list_rows([c.id for c in page.items]),
        last_contacts=last_contacts_of([c.id for c in page.items]),
        saved_filters=saved_filters.visible_to(current_user.id),
        filter_query=saved_filters.query_of(request.args))


def get_contact(contact_id: int) -> Contact:
    return db.get_or_404(Contact, contact_id)


def get_live_contact(contact_id: int | None) -> Contact:
    """The contact, or 404 when there is none or it has been erased."""
    contact = db.get_or_404(Contact, contact_id) if contact_id else abort(404)
    if contact.erased_at is not None:
        abort(404)
    return contact


@bp.route("/contacts/<int:contact_id>")
def detail(contact_id: int):
    """One contact with its timeline."""
    contact = db.get_or_404(Contact, contact_id, options=DETAIL_LOADS)
    return render_template("contacts/detail.html", contact=contact,
                           page_parts=contact_page(contact))


def _form_with_choices(**kwargs) -> ContactForm:
    form = ContactForm(**kwargs)
    form.organisation_id.choices = choices(
        [(0, "—")] + [(o.id, o.name) for o in organisations_by_kind()])
    return form


def _data_from_form(form: ContactForm) -> ContactData:
    return ContactData(
        kind=form.kind.data, name=form.name.data or "",
        organisation_id=form.organisation_id.data or None, title=form.title.data or "",
        region=form.region.data or "", office=form.office.data or "",
        constituency=form.constituency.data or "", committee=form.committee.data or "",
        emails=form.emails.data or "", phones=form.phones.data or "",
        beats=form.beats.data or "", tags=form.tags.data or "",
        address=form.address.data or "", social=form.social.data or "",
        notes=form.notes.data or "", preferred_language=form.preferred_language.data,
        lawful_basis=form.lawful_basis.data, consent_date=form.consent_date.data,
        data_source=form.data_source.data or "", opted_out=form.opted_out.data)


@bp.route("/contacts/new", methods=["GET", "POST"])
@editor_required
def new():
    """Create a contact."""
    form = _form_with_choices(kind=request.args.get("kind", "journalist"),
                              organisation_id=id_arg("organisation") or 0)
    hints = []
    if form.validate_on_submit():
        data = _data_from_form(form)
        if request.form.get("confirm_duplicate") != "1":
            hints = duplicate_hints(data)
        if not hints:
            try:
                contact = create_contact(data)
            except UserError as exc:
                show_error(form, exc, fallback="name")
            else:
                flash(_("Contact saved."), "success")
                return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, contact=None, hints=hints)


def duplicate_hints(data: ContactData) -> list:
    """Contacts that look like `data` (before it is saved), for a warning with links."""
    emails, phones = [], []
    for raw, normalise, out in ((data.emails, normalise_email, emails),
                                (data.phones, normalise_phone, phones)):
        for item in split_items(raw):
            try:
                out.append(normalise(item))
            except UserError:
                continue  # the save reports the bad value itself
    return likely_duplicates(data.name, data.organisation_id, emails, phones)


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@editor_required
def edit(contact_id: int):
    """Change a contact."""
    contact = get_live_contact(contact_id)
    if request.method == "GET":
        # `data=`, not `obj=`: the object's emails/phones/tags are lists of rows, and WTForms
        # would prefer them over the text we show for them.
        values = asdict(contact_data_from(contact))
        values.update(emails="\n".join(values["emails"]),
                      phones="\n".join(format_phone(p) for p in values["phones"]),
                      beats=", ".join(values["beats"]), tags=", ".join(values["tags"]),
                      organisation_id=contact.organisation_id or 0)
        form = _form_with_choices(data=values)
    else:
        form = _form_with_choices()
    if form.validate_on_submit():
        try:
            update_contact(contact, _data_from_form(form))
        except UserError as exc:
            show_error(form, exc, fallback="name")
        else:
            flash(_("Contact saved."), "success")
            return redirect(url_for("contacts.detail", contact_id=contact.id))
    return render_template("contacts/form.html", form=form, contact=contact)


@bp.route("/contacts/<int:contact_id>/delete", methods=["POST"])
@editor_required
def delete(contact_id: int):
    """Delete a contact and its links (interactions stay)."""
    contact = get_contact(contact_id)
    delete_contact(contact)
    flash(_("Contact deleted."), "success")
    return redirect(url_for("contacts.index"))


@bp.app_template_filter("phone")
def phone_filter(value: str) -> str:
    return format_phone(value)


