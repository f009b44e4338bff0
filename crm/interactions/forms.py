from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from crm.contacts.models import ContactKind
from crm.dateinput import LocalDateTimeField
from crm.formutil import SelectField, choices
from crm.i18n import lazy_gettext as _l
from crm.interactions.labels import LOGGABLE_KINDS, Direction, InquiryStatus, InteractionKind
from crm.interactions.services import (
    ANSWER_MAX,
    EARLIEST_YEAR,
    FOLLOW_UP_NOTE_MAX,
    LATEST_YEAR,
    NOTES_MAX,
    OUTCOME_MAX,
    SUBJECT_MAX,
)

NO_USER = 0  # the "nobody" choice of optional user selects
INQUIRY_FIELDS = ("deadline", "inquiry_assignee_id", "status", "answer")


def sane_year(_form, field) -> None:
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError(_l("Give a date between %(a)d and %(b)d.",
                                 a=EARLIEST_YEAR, b=LATEST_YEAR))


def local_moment(label, required: bool = False, **kwargs) -> LocalDateTimeField:
    """A date and time typed in the local zone, in the UI language (naive; the view converts
    with from_local)."""
    first = InputRequired() if required else Optional()
    return LocalDateTimeField(label, validators=[first, sane_year], **kwargs)


class IdListField(Field):
    """Repeated inputs of one name holding ids (ticked checkboxes); data is a list of ints."""

    def process_formdata(self, valuelist):
        ids = []
        for value in valuelist:
            value = value.strip()
            if not value.isdigit() or len(value) > 12 or not 0 < int(value) < 2**31:
                self.data = ids
                raise ValueError(_l("Unknown contact: %(id)s.", id=value[:20]))
            ids.append(int(value))
        self.data = list(dict.fromkeys(ids))

    def _value(self):
        return ""


class ContactPickerMixin:
    contact_ids = IdListField(_l("Contacts"), default=list)
    contact_names = TextAreaField(
        _l("Add contacts by name"), validators=[Length(max=5000)],
        description=_l("One per line: a name, an email or a phone number. "
                       "Names are looked up when you save."))
    contact_q = StringField(_l("Search contacts"), validators=[Length(max=200)])
    find = SubmitField(_l("Search"))
    # Someone not in the register yet: made inline, after a check for likely existing ones.
    new_name = StringField(_l("Name of the new contact"), validators=[Length(max=2000)])
    new_organisation = StringField(_l("Outlet or organisation"), validators=[Length(max=2000)])
    new_reach = StringField(_l("Phone or email"), validators=[Length(max=2000)])
    new_kind = SelectField(_l("Kind of contact"), default="journalist",
                           choices=choices(ContactKind.choices()))
    new_anyway = BooleanField(_l("None of these: create the new contact anyway"))
    create_contact = SubmitField(_l("Add new contact"))


class InteractionForm(ContactPickerMixin, FlaskForm):
    kind = SelectField(_l("Type"))
    direction = SelectField(_l("Direction"),
                            choices=choices(Direction.choices()))
    occurred_at = local_moment(_l("Date and time"), required=True)
    staff_id = SelectField(_l("Staff member"), coerce=int)
    subject = StringField(_l("Subject"), validators=[Length(max=SUBJECT_MAX)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=NOTES_MAX)],
                          description=_l("No political opinions of journalists (GDPR special "
                                         "category data)."))
    outcome = TextAreaField(_l("Outcome"), validators=[Length(max=OUTCOME_MAX)])
    # Press inquiry (kind "inquiry" only)
    deadline = local_moment(_l("Deadline"))
    inquiry_assignee_id = SelectField(_l("Spokesperson"), coerce=int)
    status = SelectField(_l("Status"),
                         choices=choices(InquiryStatus.choices()))
    answer = TextAreaField(_l("Answer given"), validators=[Length(max=ANSWER_MAX)])
    # An optional follow-up (when logging)
    follow_up_due = local_moment(_l("Follow-up due"))
    follow_up_assignee_id = SelectField(_l("Who follows up"), coerce=int)
    follow_up_note = StringField(_l("What to do"), validators=[Length(max=FOLLOW_UP_NOTE_MAX)])

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.kind.data != "inquiry":  # the inquiry fields are hidden and ignored
            for name in INQUIRY_FIELDS:
                self[name].errors = []
        if (self.follow_up_note.data or "").strip() and self.follow_up_due.data is None \
                and not self.follow_up_due.errors:
            self.follow_up_due.errors = [_l("Give a date and time for the follow-up.")]
        return not any(f.errors for f in self)

    def set_kind_choices(self, current: str | None = None) -> None:
        kinds = list(LOGGABLE_KINDS)
        if current and current not in kinds and current in InteractionKind.values():
            kinds.append(InteractionKind(current))  # e.g. a "release" logged by releases
        self.kind.choices = choices(InteractionKind.choices(kinds))


class FollowUpForm(FlaskForm):
    due_at = local_moment(_l("Follow-up due"), required=True)
    assignee_id = SelectField(_l("Who follows up"), coerce=int)
    note = StringField(_l("What to do"), validators=[Length(max=FOLLOW_UP_NOTE_MAX)])


class InquiryStatusForm(FlaskForm):
    status = SelectField(_l("Status"),
                         choices=choices(InquiryStatus.choices()),
                         validators=[DataRequired()])
    assignee_id = SelectField(_l("Spokesperson"), coerce=int)
    answer = TextAreaField(_l("Answer given"), validators=[Length(max=ANSWER_MAX)])


def user_choices(users, *, nobody=None) -> list:
    pairs = [(NO_USER, nobody)] if nobody is not None else []
    return choices(pairs + [(u.id, u.display_name) for u in users])
