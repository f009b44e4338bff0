from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm import dateinput
from crm.auth.models import User
from crm.auth.roles import editor_required
from crm.contacts.duplicates import DuplicateReason
from crm.contacts.models import Contact
from crm.contacts.services import organisation_names
from crm.dateinput import DateTextError, parse_date_text
from crm.errors import UserError
from crm.extensions import db
from crm.interactions import bp, intake, queries, services
from crm.interactions.forms import (
    NO_USER,
    FollowUpForm,
    InquiryStatusForm,
    InteractionForm,
    user_choices,
)
from crm.interactions.models import Interaction
from crm.interactions.picker import pick_contacts
from crm.interactions.queries import InteractionFilter
from crm.interactions.services import FollowUpData, InquiryData, InteractionData
from crm.text import fold
from crm.timeutil import from_local, to_local, utcnow
from crm.view_helpers import (
    MAX_ID,
    PAGE_SIZE,
    id_arg,
    next_url,
    page_arg,
    saved_id,
    send_download,
    show_error,
)


def users_for_choice(*keep_ids: int | None) -> list[User]:
    """Active users, plus inactive ones already stored on the record (`keep_ids`)."""
    keep = [i for i in keep_ids if i]
    query = db.select(User).where(User.active.is_(True) | User.id.in_(keep) if keep
                                  else User.active.is_(True))
    return sorted(db.session.scalars(query), key=lambda u: u.display_name.casefold())


def keeping(users: list[User], *keep_ids: int | None) -> list[User]:
    """Of users_for_choice(a, b, ...), those users_for_choice(*keep_ids) would give: one query
    for a form with several user fields."""
    return [u for u in users if u.active or u.id in keep_ids]


def naive_local(value):
    return to_local(value).replace(tzinfo=None, second=0, microsecond=0) if value else None


def aware(value):
    return from_local(value) if value is not None else None


# My day and the calendar export ----------------------------------------------------------

@bp.route("/")
def my_day():
    """My overdue and due follow-ups and open inquiries."""
    return render_template("interactions/my_day.html",
                           day=queries.my_day(current_user, utcnow()))


@bp.route("/follow-ups.ics")
def follow_ups_ics():
    """My open follow-ups and inquiry deadlines as an iCalendar file."""
    return send_download(queries.follow_ups_ics(current_user), "pressdesk-follow-ups.ics",
                         "text/calendar")


# The list --------------------------------------------------------------------------------

def _day_arg(args, name: str, errors: list[str]) -> date | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        day = parse_date_text(raw[:40])
    except DateTextError:
        errors.append(_("“%(value)s” is not a date: write it like %(example)s.",
                        value=raw[:20], example=dateinput.example("date")))
        return None
    if not services.EARLIEST_YEAR <= day.year <= services.LATEST_YEAR:
        errors.append(_("Give a date between %(a)d and %(b)d.", a=services.EARLIEST_YEAR,
                        b=services.LATEST_YEAR))
        return None
    return day


def filter_from_args(args) -> tuple[InteractionFilter, list[str]]:
    errors: list[str] = []
    flt = InteractionFilter(
        kind=args.get("kind", "")[:16], staff_id=id_arg("staff", args),
        contact_id=id_arg("contact", args), who=args.get("who", "")[:200],
        date_from=_day_arg(args, "from", errors), date_to=_day_arg(args, "to", errors))
    return flt, errors


@bp.route("/interactions")
def interaction_list():
    """All interactions, filtered by type, staff member, contact and dates."""
    flt, errors = filter_from_args(request.args)
    page = db.paginate(queries.filtered_interactions(flt),
                       page=page_arg(), per_page=PAGE_SIZE,
                       max_per_page=PAGE_SIZE, error_out=False)
    contact = db.session.get(Contact, flt.contact_id) if flt.contact_id else None
    staff = db.session.scalars(db.select(User).order_by(User.name, User.email)).all()
    return render_template("interactions/list.html", page=page, flt=flt, errors=errors,
                           contact=contact, staff=staff)


# Logging and changing --------------------------------------------------------------------

def _new_form() -> InteractionForm:
    kind = request.args.get("kind", "phone")
    form = InteractionForm(
        kind=kind, direction="inbound" if kind == "inquiry" else "outbound",
        occurred_at=naive_local(utcnow()), staff_id=current_user.id,
        follow_up_assignee_id=current_user.id, inquiry_assignee_id=NO_USER, status="new",
        contact_ids=[c for c in request.args.getlist("contact", type=int)
                     if 0 < c <= MAX_ID][:50])
    form.set_kind_choices()
    return form


def _edit_form(interaction: Interaction) -> InteractionForm:
    inquiry = interaction.inquiry
    form = InteractionForm(
        kind=interaction.kind, direction=interaction.direction,
        occurred_at=naive_local(interaction.occurred_at),
        staff_id=interaction.staff_id or current_user.id, subject=interaction.subject,
        notes=interaction.notes, outcome=interaction.outcome,
        contact_ids=[c.id for c in interaction.contacts],
        deadline=naive_local(inquiry.deadline) if inquiry else None,
        inquiry_assignee_id=(inquiry.assignee_id or NO_USER) if inquiry else NO_USER,
        status=inquiry.status if inquiry else "new", answer=inquiry.answer if inquiry else "",
        follow_up_assignee_id=current_user.id)
    form.set_kind_choices(interaction.kind)
    return form


def _data_from(form: InteractionForm, contact_ids: list[int], with_follow_up: bool):
    follow_up = None
    if with_follow_up and form.follow_up_due.data is not None:
        follow_up = FollowUpData(due_at=from_local(form.follow_up_due.data),
                                 assignee_id=form.follow_up_assignee_id.data or None,
                                 note=form.follow_up_note.data or "")
    inquiry = InquiryData(deadline=aware(form.deadline.data),
                          assignee_id=form.inquiry_assignee_id.data or None,
                          status=form.status.data, answer=form.answer.data or "",
                          acting_user_id=current_user.id)
    return InteractionData(
        kind=form.kind.data, direction=form.direction.data,
        occurred_at=from_local(form.occurred_at.data), contact_ids=contact_ids,
        staff_id=form.staff_id.data or None, subject=form.subject.data or "",
        notes=form.notes.data or "", outcome=form.outcome.data or "",
        follow_up=follow_up, inquiry=inquiry if form.kind.data == "inquiry" else None)


def _intake(form: InteractionForm, selection, *, searching: bool, creating: bool,
            ready: bool) -> tuple[bool, list]:
    """The form's "new contact" part: check for likely existing contacts, then create.

    Returns (blocked, suggestions): blocked when the likely existing ones are shown (pick one,
    or tick "create anyway") or the fields are wrong. The contact is made when its button is
    pressed, or on Save once the rest of the form is `ready` to be stored.
    """
    if request.method != "POST" or searching:
        return False, []
    if not (form.new_name.data or "").strip():
        if creating:
            form.new_name.errors = [*form.new_name.errors, _("A name is required.")]
        return creating, []
    try:
        new = intake.clean(intake.NewContact(
            name=form.new_name.data, organisation=form.new_organisation.data or "",
            reach=form.new_reach.data or "", kind=form.new_kind.data or "journalist"))
    except UserError as exc:
        show_error(form, exc)
        return True, []
    suggestions = intake.likely_existing(new)
    if any(s.contact.id in selection.ids for s in suggestions):
        _clear_new_contact(form)  # one of them was ticked: that is the person
        return False, []
    if suggestions and not form.new_anyway.data:
        return True, suggestions
    if not (creating or ready):
        return False, suggestions
    contact = intake.create_inline_contact(new)
    selection.chosen.append(contact)
    _clear_new_contact(form)
    flash(_("%(name)s added to the register.", name=contact.name), "success")
    return creating, []


def _offer_unknown_names(form: InteractionForm, selection) -> None:
    """A typed name no contact matches goes to the "new contact" fields (the first one, if
    they are empty: it still blocks saving until the user has looked); one that is already
    typed there is settled by them."""
    typed = fold(form.new_name.data or "")
    for problem in list(selection.problems):
        if not problem.unknown:
            continue
        if typed and fold(problem.name) == typed:
            selection.problems.remove(problem)
        elif not typed:
            form.new_name.data, typed = problem.name, fold(problem.name)
            selection.moved.append(problem.name)
    form.contact_names.data = selection.unresolved_text


def _clear_new_contact(form: InteractionForm) -> None:
    for name in ("new_name", "new_organisation", "new_reach"):
        form[name].data = ""
    form.new_anyway.data = False
    form.new_kind.data = "journalist"


def _interaction_form_page(interaction: Interaction | None):
    """Shared by new and edit: pick contacts, validate, save, or show the form again."""
    form = _edit_form(interaction) if interaction else _new_form()
    keep = {c.id for c in interaction.contacts} if interaction else set()
    inquiry = interaction.inquiry if interaction else None
    staff_id = interaction.staff_id if interaction else None
    assignee_id = inquiry.assignee_id if inquiry else None
    users = users_for_choice(staff_id, assignee_id)
    form.staff_id.choices = user_choices(keeping(users, staff_id))
    form.inquiry_assignee_id.choices = user_choices(keeping(users, assignee_id),
                                                    nobody=_("Not assigned"))
    form.follow_up_assignee_id.choices = user_choices(keeping(users))
    # A search typed in the form (Search button or Enter) shows hits to tick instead of saving.
    query = (form.contact_q.data or "").strip()[:200] if request.method == "POST" else ""
    searching = request.method == "POST" and bool(form.find.data or query)
    creating = request.method == "POST" and bool(form.create_contact.data)
    selection = pick_contacts(form.contact_ids.data or [], form.contact_names.data, query,
                              keep_ids=keep)
    if request.method == "POST":
        form.contact_names.data = selection.unresolved_text
        form.contact_q.data = ""
    if request.method == "POST" and not searching:
        _offer_unknown_names(form, selection)
    valid = not searching and not creating and form.validate_on_submit()
    if selection.unknown_ids:  # after validate(), which resets the errors
        form.contact_ids.errors = [*form.contact_ids.errors, _(
            "Unknown contact: %(ids)s.", ids=", ".join(map(str, selection.unknown_ids[:10])))]
    ready = valid and not selection.problems and not selection.unknown_ids
    blocked, suggestions = _intake(form, selection, searching=searching, creating=creating,
                                   ready=ready)
    if ready and not blocked:
        data = _data_from(form, selection.ids, with_follow_up=interaction is None)
        try:
            if interaction is None:
                interaction = services.log_interaction(data)
            else:
                services.update_interaction(interaction, data)
        except UserError as exc:
            show_error(form, exc)
        else:
            flash(_("Interaction saved."), "success")
            return redirect(url_for("interactions.interaction_detail",
                                    interaction_id=saved_id(interaction)))
    pitches = queries.recent_pitches(
        selection.ids, exclude_staff_id=current_user.id,
        exclude_interaction_id=interaction.id if interaction else None)
    return render_template("interactions/form.html", form=form, interaction=interaction,
                           selection=selection, query=query, suggestions=suggestions,
                           reason_label=DuplicateReason.label_of, pitches=pitches,
                           pitch_days=queries.pitch_window_days(),
                           organisations=organisation_names(limit=2000))


@bp.route("/interactions/new", methods=["GET", "POST"])
@editor_required
def interaction_new():
    """Log an interaction (?contact=ID preselects contacts, ?kind=inquiry a press inquiry)."""
    return _interaction_form_page(None)


@bp.route("/interactions/<int:interaction_id>/edit", methods=["GET", "POST"])
@editor_required
def interaction_edit(interaction_id: int):
    """Change an interaction."""
    return _interaction_form_page(db.get_or_404(Interaction, interaction_id))


@bp.route("/interactions/<int:interaction_id>")
def interaction_detail(interaction_id: int):
    """One interaction with its contacts, follow-ups and inquiry."""
    interaction = db.get_or_404(Interaction, interaction_id)
    return render_detail(interaction)


def render_detail(interaction: Interaction, follow_up_form: FollowUpForm | None = None,
                  inquiry_form: InquiryStatusForm | None = None):
    if follow_up_form is None:
        follow_up_form = FollowUpForm(formdata=None, assignee_id=current_user.id)
    inquiry = interaction.inquiry
    users = users_for_choice(inquiry.assignee_id if inquiry is not None else None)
    follow_up_form.assignee_id.choices = user_choices(keeping(users))
    if inquiry is not None and inquiry_form is None:
        inquiry_form = InquiryStatusForm(formdata=None, status=inquiry.status,
                                         assignee_id=inquiry.assignee_id or NO_USER,
                                         answer=inquiry.answer)
    if inquiry_form is not None:
        inquiry_form.assignee_id.choices = user_choices(
            keeping(users, inquiry.assignee_id), nobody=_("Not assigned"))
    return render_template("interactions/detail.html", interaction=interaction,
                           follow_up_form=follow_up_form, inquiry_form=inquiry_form)


@bp.route("/interactions/<int:interaction_id>/delete", methods=["POST"])
@editor_required
def interaction_delete(interaction_id: int):
    """Delete an interaction with its follow-ups and inquiry."""
    services.delete_interaction(db.get_or_404(Interaction, interaction_id))
    flash(_("Interaction deleted."), "success")
    return redirect(next_url(url_for("interactions.interaction_list")))

