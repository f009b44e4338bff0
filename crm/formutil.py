"""Small helpers shared by the forms of every domain."""

from wtforms.fields.choices import SelectChoice


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 SelectChoice objects."""
    return [SelectChoice(value, label) for value, label in pairs]
