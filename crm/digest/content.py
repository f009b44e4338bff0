"""What a digest holds: sections that domains contribute, capped so 2,000 mentions stay readable.

A section provider is a function (context: DigestContext) -> list[DigestSection]. Domains
register theirs in `crm.registry.DIGEST_SECTIONS` from their `hooks.py`, and keep them in
`crm/<domain>/digest.py`; the digest knows none of them by name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from crm.auth.models import User
from crm.registry import DIGEST_SECTIONS

ITEMS_PER_GROUP = 15  # "and N more" beyond this


@dataclass
class DigestContext:
    user: User
    day: date  # the local day the digest is for
    since: datetime  # UTC: mentions newer than this are new
    until: datetime  # UTC: the moment the digest was built
    groups: list[str]  # monitoring groups the user wants
    previous_since: datetime  # UTC start of the period before, for "compared with the day before"


@dataclass
class DigestItem:
    title: str
    url: str  # absolute link into the app (or the article)
    snippet: str = ""  # plain text; templates escape it
    meta: str = ""  # e.g. "NRK · Kari Nordmann" or "due 14:00"
    highlight: list[str] = field(default_factory=list)  # terms to mark in the snippet
    overdue: bool = False


@dataclass
class DigestGroup:
    key: str
    title: str
    items: list[DigestItem]
    total: int  # items before the cap
    previous_total: int | None = None  # same period the day before
    breakdown: list[tuple[str, int]] = field(default_factory=list)  # e.g. per outlet

    @property
    def more(self) -> int:
        return max(self.total - len(self.items), 0)


@dataclass
class DigestSection:
    key: str  # "mentions", "tasks", "releases"
    title: str
    groups: list[DigestGroup]
    order: int = 50

    @property
    def total(self) -> int:
        return sum(g.total for g in self.groups)


SectionProvider = Callable[[DigestContext], list[DigestSection]]


@dataclass
class Digest:
    context: DigestContext
    sections: list[DigestSection]

    @property
    def is_empty(self) -> bool:
        return all(section.total == 0 for section in self.sections)


def build_digest(context: DigestContext) -> Digest:
    sections: list[DigestSection] = []
    for provider in DIGEST_SECTIONS.values():
        sections.extend(provider(context))
    sections.sort(key=lambda s: s.order)
    return Digest(context=context, sections=sections)


def capped(items: list, limit: int = ITEMS_PER_GROUP) -> list:
    return items[:limit]
