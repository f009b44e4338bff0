"""Every extension point of Pressdesk, and the one mechanism behind them all: `Registry`.

A domain adds to a menu, to the contact page, to the morning digest or to the data-protection
export, erasure and retention report by registering a named entry in one of the registries
below. The code that shows or runs the entries (base.html, the contact page, the digest, the
privacy services) knows no domain by name.

Where registration happens: each domain listed in `crm/domains.py` may have a `hooks.py` with
a function `register()`; `create_app` calls every one of them (through
`crm.domains.register_hooks`), so nothing depends on some module having been imported first.
A new domain adds its name to `crm/domains.py` and its entries in its own `hooks.py`.

Why a registry and not blinker signals (Indico's `core/signals`): these extension points are
look-ups, not notifications. Each needs stable names (the export puts a part under its name; a
test replaces one part), a stable order (buttons, menu entries, export keys) and a typed
value; blinker's `send()` returns unnamed `(receiver, value)` pairs, holds receivers weakly by
default and has no order of its own, so every caller would rebuild names and order around it.
One small class gives all of them the same operations: `register`, iterate, look up, replace.

Registering a name again replaces its entry and keeps its place (apps are built repeatedly in
tests). Entries are listed by `order` (smallest first), then in the order they were first
registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from crm.digest.content import DigestContext, DigestSection
    from crm.navigation import NavItem
    from crm.privacy.parts import PrivacyPart

T = TypeVar("T")
DEFAULT_ORDER = 50


class Registry(MutableMapping[str, T], Generic[T]):
    """Named entries of one kind, listed by order; `registry[name] = value` registers too."""

    def __init__(self, name: str, reserved: frozenset[str] = frozenset()) -> None:
        self.name = name
        self.reserved = reserved  # names the consumer uses itself
        self._entries: dict[str, tuple[int, int, T]] = {}
        self._sequence = 0

    def register(self, name: str, value: T, *, order: int | None = None) -> T:
        """Add `value` under `name`, or replace the entry of that name (keeping its place)."""
        if not isinstance(name, str) or not name or name in self.reserved:
            raise ValueError(f"Invalid name {name!r} in the {self.name} registry.")
        known = self._entries.get(name)
        if known is None:
            self._sequence += 1
            sequence = self._sequence
        else:
            sequence = known[1]
        if order is None:
            order = known[0] if known else DEFAULT_ORDER
        self._entries[name] = (order, sequence, value)
        return value

    def __setitem__(self, name: str, value: T) -> None:
        self.register(name, value)

    def __getitem__(self, name: str) -> T:
        return self._entries[name][2]

    def __delitem__(self, name: str) -> None:
        del self._entries[name]

    def __iter__(self) -> Iterator[str]:
        ranked = sorted(self._entries.items(), key=lambda item: item[1][:2])
        return iter([name for name, _entry in ranked])

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"<Registry {self.name}: {', '.join(self)}>"


ContactHook = Callable[[Any], list[dict]]

# Menus (crm/navigation.py shows the entries the current user's role may see).
MAIN_MENU: Registry[NavItem] = Registry("main menu")
ADMIN_MENU: Registry[NavItem] = Registry("admin tabs")

# The contact page (contacts/detail.html). A hook takes the contact and returns dicts:
# actions {"url", "label"} (buttons in the page head); panels {"template", ...} (boxes beside
# the data protection facts) and sections {"template", ...} (full width, below). The included
# template sees `contact` and the dict as `panel` or `section`. The view calls the hooks
# (crm.navigation.contact_page), so the template only reads plain data.
CONTACT_ACTIONS: Registry[ContactHook] = Registry("contact page actions")
CONTACT_PANELS: Registry[ContactHook] = Registry("contact page panels")
CONTACT_SECTIONS: Registry[ContactHook] = Registry("contact page sections")

# The morning digest: providers (context) -> list of sections (crm/digest/content.py).
DIGEST_SECTIONS: Registry[Callable[[DigestContext], list[DigestSection]]] = \
    Registry("digest sections")

# What each domain holds about a contact, for export, erasure and the retention report
# (crm/privacy/parts.py says what a part must do). "export" names the export's own header.
PRIVACY_PARTS: Registry[PrivacyPart] = Registry("privacy parts", reserved=frozenset({"export"}))

# After every poll cycle (crm/monitoring/services.poll_feeds), once its articles and mentions
# are committed: hook(since, summary) with `since` the cycle's start (UTC; the new articles have
# Article.seen_at >= since, the new mentions Mention.created_at >= since) and its PollSummary.
# Breach watch, spike alerts and the like hang here. A hook that raises is logged and the rest
# still run; the poll's result stands.
AFTER_POLL: Registry[Callable[[Any, Any], None]] = Registry("after each poll")

# The article page (monitoring/article.html): hook(article) -> sections {"template", ...} shown
# below the article; the included template sees the dict as `section`. Campaigns show the key
# messages an article carried.
ARTICLE_SECTIONS: Registry[Callable[[Any], list[dict]]] = Registry("article page sections")
