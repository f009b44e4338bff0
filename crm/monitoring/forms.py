from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from crm.formutil import SelectField, choices
from crm.i18n import lazy_gettext as _l
from crm.monitoring.models import CaseMode, TermGroup


class FeedForm(FlaskForm):
    url = StringField(_l("Feed address (URL)"), validators=[DataRequired(), Length(max=2000)],
                      description=_l("The RSS or Atom address, starting with https://"))
    name = StringField(_l("Name"), validators=[Length(max=200)],
                       description=_l("Leave empty to use the feed's own title."))
    organisation_id = SelectField(_l("Outlet"), coerce=int, validate_choice=True)
    interval_minutes = IntegerField(_l("Poll every (minutes)"), default=15,
                                    validators=[NumberRange(min=5, max=1440)])
    active = BooleanField(_l("Active"), default=True)


class TermForm(FlaskForm):
    term = StringField(_l("Term"), validators=[DataRequired(), Length(max=99)],
                       description=_l("A name, abbreviation or issue, e.g. Arbeiderpartiet, Ap, "
                                      "Jonas Gahr Støre, bompeng* (the * allows any ending)."))
    group = SelectField(_l("Group"), choices=choices(TermGroup.choices()),
                        description=_l("Issues are also found inside compound words (sykehus: "
                                       "lokalsykehus, sykehusplasser); names and parties "
                                       "are not."))
    variants = TextAreaField(_l("Other forms"), validators=[Length(max=5000)],
                             description=_l("One per line, e.g. the nynorsk form "
                                            "(Arbeidarpartiet). Genitive forms are found "
                                            "automatically."))
    exclusions = TextAreaField(_l("Exclusions"), validators=[Length(max=5000)],
                               description=_l("Phrases that make a hit false, one per line, "
                                              "e.g. AP-foto."))
    case_mode = SelectField(_l("Upper and lower case"), choices=choices(CaseMode.choices()))
    contact_id = SelectField(_l("Politician in the register"), coerce=int, validate_choice=True)
    active = BooleanField(_l("Active"), default=True)
    try_text = TextAreaField(_l("Try a text"), validators=[Length(max=5000)],
                             description=_l("Paste a headline or an article to see what this "
                                            "term would find in it, and why a hit would not "
                                            "count. Nothing is saved."))


class OpmlForm(FlaskForm):
    file = FileField(_l("OPML file"), validators=[FileRequired()])
