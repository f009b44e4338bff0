"""Where every domain contributes to a data subject's data, so privacy imports none of them.

A domain that holds personal data about contacts registers, at import time:

- an exporter, `func(contact) -> JSON-able`: what it holds about the contact; the export puts
  it under the exporter's name;
- an eraser, `func(contact) -> None`: removes what it holds about the contact (no commit; the
  erasure service owns the transaction). Erasers run before the contact row is blanked, so
  they still see the contact's name, emails and phones. Write with Core statements
  (`db.session.execute(update(...))`) rather than by changing ORM objects: the audit log
  records the old values of every ORM change, which would copy the personal data you remove
  into new audit entries;
- an activity source, `func(contact_ids) -> {contact_id: datetime}`: the last time the domain
  dealt with each contact (aware UTC). `contact_ids` is a list of ids or a SELECT of ids;
  use it with `column.in_(contact_ids)` in one grouped query, never one query per contact.

Registering the same name again replaces the earlier function (apps are built repeatedly in
tests; modules are imported once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]
ActivitySource = Callable[[Any], Mapping[int, datetime]]

_EXPORTERS: dict[str, Exporter] = {}
_ERASERS: dict[str, Eraser] = {}
_ACTIVITY: dict[str, ActivitySource] = {}

# Names the export itself uses for its header; an exporter cannot take them.
RESERVED_NAMES = frozenset({"export"})


def _check_name(name: str) -> str:
    if not name or not isinstance(name, str) or name in RESERVED_NAMES:
        raise ValueError(f"Invalid privacy registry name {name!r}.")
    return name


def register_exporter(name: str, func: Exporter) -> Exporter:
    _EXPORTERS[_check_name(name)] = func
    return func


def register_eraser(name: str, func: Eraser) -> Eraser:
    _ERASERS[_check_name(name)] = func
    return func


def register_activity(func: ActivitySource, name: str | None = None) -> ActivitySource:
    _ACTIVITY[_check_name(name or f"{func.__module__}.{func.__qualname__}")] = func
    return func


def exporters() -> Iterable[tuple[str, Exporter]]:
    return list(_EXPORTERS.items())


def erasers() -> Iterable[tuple[str, Eraser]]:
    return list(_ERASERS.items())


def activity_sources() -> Iterable[tuple[str, ActivitySource]]:
    return list(_ACTIVITY.items())
