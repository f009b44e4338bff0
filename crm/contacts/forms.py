from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from crm.contacts.models import ContactKind, ContactLanguage, LawfulBasis, OrganisationKind
from crm.dateinput import LocalDateField
from crm.formutil import SelectField, choices
from crm.i18n import lazy_gettext as _l


class ContactForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(ContactKind.choices()))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    organisation_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    title = StringField(_l("Role or title"), validators=[Length(max=200)])
    region = StringField(_l("Region"), validators=[Length(max=100)])
    office = StringField(_l("Office"), validators=[Length(max=100)],
                         description=_l("e.g. stortingsrepresentant, statsråd, ordfører"))
    constituency = StringField(_l("Constituency"), validators=[Length(max=100)])
    committee = StringField(_l("Committee"), validators=[Length(max=200)])
    emails = TextAreaField(_l("Emails"), validators=[Length(max=5000)],
                           description=_l("One per line; the first is the main address."))
    phones = TextAreaField(_l("Phones"), validators=[Length(max=2000)],
                           description=_l("One per line; Norwegian numbers need no +47."))
    beats = StringField(_l("Beats / topics"), validators=[Length(max=1000)],
                        description=_l("Comma separated, e.g. politikk, helse"))
    tags = StringField(_l("Tags"), validators=[Length(max=1000)],
                       description=_l("Comma separated"))
    address = TextAreaField(_l("Address"), validators=[Length(max=2000)])
    social = TextAreaField(_l("Social media"), validators=[Length(max=2000)],
                           description=_l("One handle or link per line"))
    notes = TextAreaField(_l("Notes"), validators=[Length(max=20000)],
                          description=_l("No political opinions of journalists (GDPR special "
                                         "category data)."))
    preferred_language = SelectField(_l("Preferred language"), choices=choices(ContactLanguage.choices()))
    lawful_basis = SelectField(_l("Lawful basis"), choices=choices(LawfulBasis.choices()))
    consent_date = LocalDateField(_l("Consent date"), validators=[Optional()])
    data_source = StringField(_l("Source of the data"), validators=[Length(max=300)])
    opted_out = BooleanField(_l("Opted out of mailings"))


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=choices(OrganisationKind.choices()))
    website = StringField(_l("Website"), validators=[Length(max=500)])
    notes = TextAreaField(_l("Notes"), validators=[Length(max=20000)])


class MediaListForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Length(max=5000)])
