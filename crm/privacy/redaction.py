"""Removing a person's identifiers (name, emails, phone numbers) from free text."""

from __future__ import annotations

import re

from crm.contacts.validation import format_phone

REDACTED = "[slettet]"
_MIN_NAME_LENGTH = 3  # shorter "names" would blank ordinary words


def identifiers(name: str, emails: list[str], phones: list[str]) -> list[str]:
    """The strings that identify a person in text: full name, emails, phones as written."""
    needles = []
    if len(name.strip()) >= _MIN_NAME_LENGTH:
        needles.append(name.strip())
    needles.extend(e for e in emails if e)
    for number in phones:
        if not number:
            continue
        needles.extend({number, format_phone(number)})
        if number.startswith("+47") and len(number) == 11:
            national = number[3:]
            needles.extend({national, format_phone(number)[4:]})
    return needles


def pattern_for(needles: list[str]) -> re.Pattern | None:
    """One case-insensitive pattern for all needles; any run of spaces matches any other."""
    parts = []
    for needle in sorted(set(needles), key=len, reverse=True):
        words = needle.split()
        parts.append(r"\s+".join(re.escape(w) for w in words))
    parts = [p for p in parts if p]
    if not parts:
        return None
    # Not inside a longer word or number: "Ola Nordmann" must not hit "Ola Nordmannsen".
    return re.compile(r"(?<![\w@+])(?:" + "|".join(parts) + r")(?![\w@])", re.IGNORECASE)


def redact_text(text: str | None, pattern: re.Pattern | None) -> str | None:
    if not text or pattern is None:
        return text
    return pattern.sub(REDACTED, text)


def redact_value(value, pattern: re.Pattern | None):
    """Redact every string inside a JSON-like value (audit `changes`)."""
    if isinstance(value, str):
        return redact_text(value, pattern)
    if isinstance(value, list):
        return [redact_value(v, pattern) for v in value]
    if isinstance(value, dict):
        return {k: redact_value(v, pattern) for k, v in value.items()}
    return value
