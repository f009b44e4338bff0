from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, TimeField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from crm.formutil import choices
from crm.i18n import lazy_gettext as _l
from crm.monitoring.models import TermGroup

WEEKDAY_CHOICES = [("0", _l("Monday")), ("1", _l("Tuesday")), ("2", _l("Wednesday")),
                   ("3", _l("Thursday")), ("4", _l("Friday")), ("5", _l("Saturday")),
                   ("6", _l("Sunday"))]


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DigestSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Send me the morning digest"))
    send_time = TimeField(_l("Time"), validators=[InputRequired()])
    weekdays = CheckboxesField(_l("Days"), choices=choices(WEEKDAY_CHOICES))
    groups = CheckboxesField(_l("Mention groups"), choices=choices(TermGroup.choices(plural=True)))
    weekly_report = BooleanField(_l("Send me the weekly coverage report on Monday morning"))
