"""Code sets with their labels: one `LabelledEnum` per set of stored codes.

A member is its stored string (a `StrEnum`: `Contact.kind == ContactKind.JOURNALIST`, and
the database holds "journalist" as before) with a translatable label and, where lists
need one, a plural label ("Journalists"). Forms take `choices()`, templates the `label` filter
(`contact.kind|label('contact_kind')`) or the enum itself (`code_sets.contact_kind`), so no
template or module restates a code-to-label table.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class LabelledEnum(StrEnum):
    """Members are declared as `NAME = "code", label` or `NAME = "code", label, plural`."""

    label: str
    plural: str

    def __new__(cls, value: str, label=None, plural=None):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = value if label is None else label
        member.plural = member.label if plural is None else plural
        return member

    @classmethod
    def values(cls) -> tuple[str, ...]:
        return tuple(member.value for member in cls)

    @classmethod
    def choices(cls, members: Iterable[LabelledEnum] | None = None,
                plural: bool = False) -> list[tuple[str, str]]:
        """(code, label) pairs for a select field, in declaration order."""
        return [(m.value, m.plural if plural else m.label)
                for m in (cls if members is None else members)]

    @classmethod
    def label_of(cls, value: str | None) -> str:
        """The translated label of a stored code; an unknown code shows as itself."""
        try:
            return str(cls(value).label)
        except ValueError:
            return "" if value is None else str(value)
