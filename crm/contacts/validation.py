"""Parsing and normalising what users type for contacts: emails, phones, tags, beats."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from crm.errors import UserError
from crm.messages import msg
from crm.text import normalise_space

_SPLIT = re.compile(r"[\n,;]+")


def split_items(raw: str | list[str] | None) -> list[str]:
    """Split a textarea or comma list into stripped, non-empty items (order kept, no repeats)."""
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else _SPLIT.split(raw)
    seen, out = set(), []
    for item in items:
        item = normalise_space(item)
        if item and item.casefold() not in seen:
            seen.add(item.casefold())
            out.append(item)
    return out


def normalise_email(value: str) -> str:
    try:
        result = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise UserError(msg("“%(value)s” is not a valid email address.",
                            value=value.strip()[:80]), field="emails") from exc
    return result.normalized.lower()


def normalise_emails(raw) -> list[str]:
    emails = []
    for item in split_items(raw):
        email = normalise_email(item)
        if email not in emails:
            emails.append(email)
    return emails


def normalise_phone(value: str, region: str = "NO") -> str:
    """E.164 form of a phone number; Norwegian numbers need no +47."""
    cleaned = value.strip()
    if cleaned.startswith("00"):
        cleaned = "+" + cleaned[2:]
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException as exc:
        raise UserError(msg("“%(value)s” is not a phone number.", value=value.strip()[:40]),
                        field="phones") from exc
    if not phonenumbers.is_valid_number(number):
        raise UserError(msg("“%(value)s” is not a valid phone number.",
                            value=value.strip()[:40]), field="phones")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_phones(raw) -> list[str]:
    phones = []
    for item in split_items(raw):
        phone = normalise_phone(item)
        if phone not in phones:
            phones.append(phone)
    return phones


def format_phone(e164: str) -> str:
    """Show a stored number the Norwegian way: mobiles +47 912 34 567, others +47 22 33 44 55."""
    if e164.startswith("+47") and len(e164) == 11 and e164[3:].isdigit():
        digits = e164[3:]
        if digits[0] in "49":
            return f"+47 {digits[:3]} {digits[3:5]} {digits[5:]}"
        return f"+47 {digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}"
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def normalise_labels(raw, max_length: int = 80) -> list[str]:
    """Tags and beats: lower-case, whitespace folded, at most `max_length` characters each."""
    return [item.lower()[:max_length] for item in split_items(raw)]
