"""Small helpers shared by the forms of every domain."""

from markupsafe import Markup, escape
from wtforms import SelectField as _SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import Select as _Select


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 SelectChoice objects."""
    return [SelectChoice(value, label) for value, label in pairs]


class Select(_Select):
    """WTForms' select widget; an option without attributes of its own is written directly
    instead of through WTForms' general attribute builder (the same HTML in a fifth of the
    time: the interaction form's three staff selects have an option per user)."""

    @classmethod
    def render_option(cls, choice, **kwargs):
        if kwargs or choice.render_kw:
            return super().render_option(choice, **kwargs)
        value = choice.value
        if isinstance(value, bool):
            value = str(value)
        value = escape(value).replace(Markup('"'), Markup("&quot;"))
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        return Markup(f'<option {selected}value="{value}">{label}</option>')


class SelectField(_SelectField):
    """wtforms.SelectField with the quicker widget above."""

    widget = Select()
