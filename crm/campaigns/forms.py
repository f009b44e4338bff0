from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    Form,
    FormField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from crm.campaigns.models import Side
from crm.campaigns.services import DESCRIPTION_MAX, MAX_MESSAGES, NAME_MAX, WORDING_MAX
from crm.dateinput import LocalDateField
from crm.formutil import SelectField, choices
from crm.i18n import lazy_gettext as _l
from crm.releases.forms import CheckboxesField


class MessageForm(Form):
    wording = TextAreaField(_l("Wording"), validators=[Length(max=WORDING_MAX)],
                            description=_l("The message as we say it, e.g. Vi gir skolen "
                                           "flere lærere."))
    variants = TextAreaField(_l("Accepted variants"), validators=[Length(max=5000)],
                             description=_l("Other ways of saying it that count, one per "
                                            "line; add the nynorsk form (Fleire lærarar i "
                                            "skulen)."))
    key_phrases = TextAreaField(_l("Key phrases"), validators=[Length(max=5000)],
                                description=_l("Words that carry the message, one per line "
                                               "(lærertetthet, tidlig innsats): all of them "
                                               "is explicit, most of them partial."))
    spokesperson_ids = SelectMultipleField(_l("Spokespeople"), coerce=int,
                                           validate_choice=True,
                                           description=_l("Who should carry it (optional)."))


class CampaignForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=NAME_MAX)],
                       description=_l("e.g. Statsbudsjettet 2027"))
    side = SelectField(_l("Whose campaign"), choices=choices(Side.choices()))
    party = StringField(_l("Competitor"), validators=[Length(max=NAME_MAX)],
                        description=_l("For a competitor's campaign: the party, e.g. Høyre."))
    start_date = LocalDateField(_l("First day"), validators=[Optional()])
    end_date = LocalDateField(_l("Last day"), validators=[Optional()])
    description = TextAreaField(_l("Description"), validators=[Length(max=DESCRIPTION_MAX)])
    term_ids = CheckboxesField(_l("Issues (watch terms)"), coerce=int, validate_choice=True,
                               description=_l("Articles in the period with a mention of one "
                                              "of these are the campaign's coverage."))
    messages = FieldList(FormField(MessageForm), min_entries=MAX_MESSAGES,
                         max_entries=MAX_MESSAGES)
