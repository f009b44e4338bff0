from __future__ import annotations

from datetime import datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from crm.dateinput import LocalDateTimeField
from crm.errors import UserError
from crm.formutil import SelectField, choices
from crm.i18n import lazy_gettext as _l
from crm.messages import msg
from crm.releases.models import ReleaseLanguage, TemplateLanguage
from crm.releases.services import BODY_MAX, LEAD_MAX, MAX_QUOTES, QUOTE_MAX, TITLE_MAX
from crm.timeutil import from_local, to_local


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class QuoteForm(Form):
    contact_id = SelectField(_l("Quoted person"), coerce=int, validate_choice=True)
    text = TextAreaField(_l("Quote"), validators=[Length(max=QUOTE_MAX)])


class ReleaseForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=TITLE_MAX)])
    lead = TextAreaField(_l("Lead"), validators=[Length(max=LEAD_MAX)])
    body = TextAreaField(_l("Text"), validators=[Length(max=BODY_MAX)],
                         description=_l("Blank line between paragraphs. **bold**, *italic*, "
                                        "[link text](https://...), lines starting with - are "
                                        "bullets."))
    quotes = FieldList(FormField(QuoteForm), min_entries=2, max_entries=MAX_QUOTES)
    spokesperson_id = SelectField(_l("Contact person"), coerce=int, validate_choice=True)
    contact_user_id = SelectField(
        _l("Contact person on the staff"), coerce=int, validate_choice=True, default=0,
        description=_l("Instead of a contact from the register: replies to the email go "
                       "to this person."))
    language = SelectField(_l("Language"), choices=choices(ReleaseLanguage.choices()))
    tags = StringField(_l("Tags"), validators=[Length(max=1000)],
                       description=_l("Comma separated"))
    release_at = LocalDateTimeField(
        _l("Published openly at"), validators=[Optional()],
        description=_l("Norwegian time; the date the release carries. Empty: at the embargo's "
                       "lift, or when it is first sent."))
    embargo_until = LocalDateTimeField(
        _l("Embargoed until"), validators=[Optional()],
        description=_l("Norwegian time. Journalists get it before this to prepare and may "
                       "publish from this time; what is sent before it states the embargo."))
    template_id = SelectField(_l("Template"), coerce=int, validate_choice=True)
    snippet_ids = CheckboxesField(_l("Snippets"), coerce=int, validate_choice=True)


class DistributionForm(FlaskForm):
    list_ids = CheckboxesField(_l("Media lists"), coerce=int, validate_choice=True)
    contact_ids = CheckboxesField(_l("Individual contacts"), coerce=int, validate_choice=False)
    send_at = LocalDateTimeField(
        _l("Send at"), validators=[Optional()],
        description=_l("Norwegian time; empty sends now. Sent before the embargo's lift, it "
                       "states the embargo."))
    later = BooleanField(_l("Send to more recipients in a second wave"))
    later_list_ids = CheckboxesField(_l("Media lists of the second wave"), coerce=int,
                                     validate_choice=True)
    later_send_at = LocalDateTimeField(
        _l("Second wave at"), validators=[Optional()],
        description=_l("Norwegian time; empty: at the embargo's lift. Whoever is in the first "
                       "wave is not sent it again."))
    attach_pdf = BooleanField(_l("Attach a PDF as well"),
                              description=_l("Beside the Word document, made by LibreOffice."))


class TemplateUploadForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=choices(TemplateLanguage.choices()))
    file = FileField(_l("Word document (.docx)"), validators=[FileRequired()])


class LogoForm(FlaskForm):
    file = FileField(_l("Logo (PNG or JPEG)"), validators=[FileRequired()])


class SnippetForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=choices(ReleaseLanguage.choices()))
    body = TextAreaField(_l("Text"), validators=[DataRequired(), Length(max=20000)],
                         description=_l("The same simple formatting as a release text."))
    retired = BooleanField(_l("Retired (no longer offered)"))


def local_to_utc(value: datetime | None, field_name: str) -> datetime | None:
    """A naive time typed in Norwegian time as aware UTC; UserError for a time that does not
    exist (the hour skipped when clocks go forward)."""
    if value is None:
        return None
    aware = from_local(value)
    if to_local(aware).replace(tzinfo=None) != value:
        raise UserError(msg("That time does not exist in Norwegian time "
                            "(clocks go forward then)."), field=field_name)
    return aware


def utc_to_local_input(value: datetime | None) -> datetime | None:
    return to_local(value).replace(tzinfo=None) if value else None
