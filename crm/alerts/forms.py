from flask_wtf import FlaskForm
from wtforms import BooleanField, DecimalField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from crm.alerts.detect import MAX_BASELINE_WEEKS, MAX_COOLDOWN_HOURS, MAX_WINDOW_HOURS
from crm.alerts.models import RuleKind
from crm.formutil import SelectField, choices
from crm.i18n import lazy_gettext as _l


class RuleForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(RuleKind.choices()),
                       description=_l("A spike compares the last hours with the same hours of "
                                      "past weeks; a first mention fires once, on the first "
                                      "article that names the term from now on."))
    target = SelectField(_l("Term or group"), validate_choice=True)
    factor = DecimalField(_l("Factor"), default=3, places=1,
                          validators=[InputRequired(), NumberRange(min=1, max=100)],
                          description=_l("How many times the usual count makes a spike."))
    min_count = IntegerField(_l("Minimum count"), default=5,
                             validators=[InputRequired(), NumberRange(min=1, max=10000)],
                             description=_l("Fewer mentions than this are never a spike."))
    window_hours = IntegerField(_l("Window (hours)"), default=1,
                                validators=[InputRequired(),
                                            NumberRange(min=1, max=MAX_WINDOW_HOURS)])
    baseline_weeks = IntegerField(_l("Baseline (weeks)"), default=4,
                                  validators=[InputRequired(),
                                              NumberRange(min=1, max=MAX_BASELINE_WEEKS)],
                                  description=_l("The same hours of this many past weeks."))
    cooldown_hours = IntegerField(_l("Cool-down (hours)"), default=6,
                                  validators=[InputRequired(),
                                              NumberRange(min=1, max=MAX_COOLDOWN_HOURS)],
                                  description=_l("No second alert for this term or group "
                                                 "within this time."))
    active = BooleanField(_l("Active"), default=True)
