"""The select widget of crm/formutil.py writes exactly what WTForms' own writes."""

import pytest
from flask_babel import lazy_gettext
from wtforms import Form
from wtforms import SelectField as WTFormsSelectField
from wtforms.fields.choices import SelectChoice

from crm.formutil import SelectField

CHOICES = [
    SelectChoice("plain", "Plain"),
    SelectChoice('quo"te', 'Label with "quotes" & <tags>'),
    SelectChoice(7, "Seven"),
    SelectChoice(0, ""),
    SelectChoice("", "—"),
    SelectChoice(True, "Yes"),
    SelectChoice("lazy", lazy_gettext("Contacts")),
    SelectChoice("attrs", "With attributes", render_kw={"disabled": True, "data_x": "1"}),
]


@pytest.mark.parametrize("data", ["plain", 'quo"te', "7", "0", "", "True", "attrs", None])
def test_options_are_written_as_wtforms_writes_them(app, data):
    class Ours(Form):
        field = SelectField(choices=CHOICES)

    class Theirs(Form):
        field = WTFormsSelectField(choices=CHOICES)

    with app.test_request_context():
        ours, theirs = Ours(data={"field": data}), Theirs(data={"field": data})
        assert str(ours.field()) == str(theirs.field())
        assert str(ours.field(class_="wide", required=True)) == \
            str(theirs.field(class_="wide", required=True))
