"""Dates and times typed by people, in the UI language: 31.12.2026 14:30 in Norwegian, 31 Dec
2026, 14:30 in English, the same patterns the pages show (crm/templating.py).

A browser's own `<input type=date>` shows and takes its dates in the browser's locale, not the
page's: a Norwegian press officer with an English browser saw 12/31/2026 beside "31.12.2026" in
the list. So dates are text inputs here, written and read in the reader's language, and
crm/static/dateinput.js adds a button that opens the browser's calendar (a hidden native input)
and writes the chosen day back in the UI's pattern.

Reading is lenient, as people type: "31.12.2026", "31.12.26", "31/12/2026", "31. des. 2026",
"31 Dec 2026", "2026-12-31" (links and bookmarks), with a time after a space, a comma or "kl."
as "14:30" or "14.30". Day before month always: no American order.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache

from babel import dates
from markupsafe import Markup
from wtforms import Field
from wtforms.widgets import TextInput

from crm.i18n import lazy_gettext as _l
from crm.templating import date_patterns

MONTH_LOCALES = ("nb", "nn", "en")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?")
_NUMERIC = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}|\d{2})(?!\d)")
_WORDS = re.compile(r"(\d{1,2})\.?\s*([^\W\d_]+)\.?,?\s+(\d{4})")
_TIME = re.compile(r"(?:,|\s|kl\.?|klokka|klokken|at)*\s*(\d{1,2})[:.](\d{2})")


class DateTextError(ValueError):
    """The text is not a date (or time) this module can read."""


@cache
def _month_numbers() -> dict[str, int]:
    """'jan', 'januar', 'des.', 'dec', 'december', ... -> month number, in nb, nn and en."""
    names: dict[str, int] = {}
    for locale in MONTH_LOCALES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in dates.get_month_names(width, context, locale).items():
                    names[name.lower().rstrip(".")] = number
    for number, name in dates.get_month_names("wide", "format", "en").items():
        names.setdefault(name.lower()[:3], number)
    names["sept"] = 9
    return names


def _year(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _date_part(text: str) -> tuple[date, str]:
    """The date at the start of `text` and what follows it."""
    if m := _ISO.match(text):
        day = _make_date(int(m[1]), int(m[2]), int(m[3]))
        rest = f"{m[4]}:{m[5]}" if m[4] else text[m.end():]
        return day, rest
    if m := _NUMERIC.match(text):
        return _make_date(_year(m[3]), int(m[2]), int(m[1])), text[m.end():]
    if (m := _WORDS.match(text)) and (month := _month_numbers().get(m[2].lower())):
        return _make_date(int(m[3]), month, int(m[1])), text[m.end():]
    raise DateTextError(text)


def _make_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise DateTextError(f"{year}-{month}-{day}") from exc


def parse_date_text(text: str) -> date:
    """A date typed in either language (see the module's docstring); DateTextError if not."""
    text = (text or "").strip()
    day, rest = _date_part(text)
    if rest.strip():
        raise DateTextError(text)
    return day


def parse_datetime_text(text: str) -> datetime:
    """A local date and time (naive) typed in either language; DateTextError if not."""
    text = (text or "").strip()
    day, rest = _date_part(text)
    m = _TIME.fullmatch(rest.rstrip())
    if not m or int(m[1]) > 23 or int(m[2]) > 59:
        raise DateTextError(text)
    return datetime(day.year, day.month, day.day, int(m[1]), int(m[2]))


def format_date_text(value: date | None) -> str:
    if value is None:
        return ""
    locale, patterns = date_patterns()
    return dates.format_date(value, patterns.get("date", "medium"), locale=locale)


def format_datetime_text(value: datetime | None) -> str:
    """A naive local datetime, as the pages show it."""
    if value is None:
        return ""
    locale, patterns = date_patterns()
    return dates.format_datetime(value, patterns.get("short", "short"), locale=locale)


def example(kind: str) -> str:
    """A sample value in the reader's language, for the placeholder: 31.12.2026 14:30."""
    sample = datetime(2026, 12, 31, 14, 30)
    return format_datetime_text(sample) if kind == "datetime" else format_date_text(sample.date())


def input_attributes(kind: str) -> dict[str, str]:
    """What every date text input carries: the placeholder and the picker's hints (the
    pattern and the month names dateinput.js writes a picked day with)."""
    locale, patterns = date_patterns()
    pattern = patterns.get("short" if kind == "datetime" else "date", "dd.MM.y")
    months = dates.get_month_names("abbreviated", "format", locale)
    return {"placeholder": example(kind), "autocomplete": "off", "spellcheck": "false",
            "inputmode": "text", "data-date-input": kind, "data-pattern": pattern,
            "data-months": ",".join(months[n] for n in range(1, 13)),
            "data-pick-label": str(_l("Choose in a calendar"))}


def date_input(name: str, value: date | str | None, kind: str = "date", **attrs) -> Markup:
    """A filter's date input (GET forms), `value` a date or what the user typed."""
    if isinstance(value, date):
        value = format_date_text(value)
    attributes = {"type": "text", "name": name, "value": value or "", **input_attributes(kind)}
    attributes.update({k.replace("_", "-"): v for k, v in attrs.items()})
    return Markup("<input {}>").format(Markup(" ").join(
        Markup('{}="{}"').format(k, v) for k, v in attributes.items()))


class _TextDateBase(Field):
    widget = TextInput()
    kind = "date"
    invalid = ""

    def __init__(self, label=None, validators=None, invalid_value_message=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        if invalid_value_message is not None:
            self.invalid = invalid_value_message
        self.raw = ""

    def __call__(self, **kwargs):
        for key, value in input_attributes(self.kind).items():
            kwargs.setdefault(key, value)
        return super().__call__(**kwargs)

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        if not self.raw:
            self.data = None
            return
        try:
            self.data = self.parse(self.raw)
        except DateTextError as exc:
            self.data = None
            raise ValueError(self.invalid % {"example": example(self.kind)}) from exc

    def _value(self):
        if self.raw_data:
            return self.raw
        return self.format(self.data)


class LocalDateField(_TextDateBase):
    """A calendar date, typed in the UI language (data: date or None)."""

    kind = "date"
    parse = staticmethod(parse_date_text)
    format = staticmethod(format_date_text)
    invalid = _l("Not a valid date: write it like %(example)s.")


class LocalDateTimeField(_TextDateBase):
    """A date and time in the local zone, typed in the UI language (data: naive datetime; the
    view converts with timeutil.from_local)."""

    kind = "datetime"
    parse = staticmethod(parse_datetime_text)
    format = staticmethod(format_datetime_text)
    invalid = _l("Not a valid date and time: write it like %(example)s.")
