"""What a domain registers so the privacy services cover its data: a `PrivacyPart`.

Each domain that holds personal data about contacts registers one or more parts in
`crm.registry.PRIVACY_PARTS` from its `hooks.py` (contacts, interactions, releases and
monitoring do; their functions live in `crm/<domain>/privacy.py`). Privacy imports none of
them. A part has any of:

- `export(contact) -> JSON-able`: what the domain holds about the contact; the export puts
  it under the part's name (the order of the registry is the order of the export);
- `erase(contact) -> None`: removes what it holds about the contact (no commit; the erasure
  service owns the transaction). Erasers run before the contact row is blanked, so they
  still see the contact's name, emails and phones. Write with Core statements
  (`db.session.execute(update(...))`) rather than by changing ORM objects: the audit log
  records the old values of every ORM change, which would copy the personal data you remove
  into new audit entries;
- `activity(contact_ids) -> {contact_id: datetime}`: the last time the domain dealt with each
  contact (aware UTC). `contact_ids` is a list of ids or a SELECT of ids; use it with
  `column.in_(contact_ids)` in one grouped query, never one query per contact;
- `tables`: the names of the tables with a foreign key to `contact` whose rows this part
  exports and erases. `tests/privacy/test_completeness.py` fails when a table with such a
  key is covered by no part (or, for the contact's own rows, by the erasure service itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

Exporter = Callable[[Any], Any]
Eraser = Callable[[Any], None]
ActivitySource = Callable[[Any], Mapping[int, datetime]]


@dataclass(frozen=True)
class PrivacyPart:
    export: Exporter | None = None
    erase: Eraser | None = None
    activity: ActivitySource | None = None
    tables: tuple[str, ...] = ()
