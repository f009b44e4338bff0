"""The menus and the contact page's extra parts, as the current user sees them.

Domains register the entries in `crm/registry.py` (MAIN_MENU, ADMIN_MENU, CONTACT_ACTIONS,
CONTACT_PANELS, CONTACT_SECTIONS) from their `hooks.py`; base.html needs no edits.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from flask_login import current_user

from crm import registry


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy_gettext string
    prefix: str  # endpoint prefix that marks the entry active
    role: str = "viewer"


def _visible(items: registry.Registry[NavItem]) -> list[dict]:
    user = current_user._get_current_object()  # once: each use of the proxy looks it up
    if not user.is_authenticated:
        return []
    return [{"url": url_for(i.endpoint), "label": i.label, "prefix": i.prefix}
            for i in items.values() if user.has_role(i.role)]


def nav_items() -> list[dict]:
    return _visible(registry.MAIN_MENU)


def admin_items() -> list[dict]:
    return _visible(registry.ADMIN_MENU)


@dataclass
class ContactPage:
    """What the domains add to one contact's page, computed by the view before rendering."""

    actions: list[dict] = field(default_factory=list)
    panels: list[dict] = field(default_factory=list)
    sections: list[dict] = field(default_factory=list)


def _collect(hooks: registry.Registry[registry.ContactHook], contact) -> list[dict]:
    return [item for hook in hooks.values() for item in (hook(contact) or [])]


def contact_page(contact) -> ContactPage:
    return ContactPage(actions=_collect(registry.CONTACT_ACTIONS, contact),
                       panels=_collect(registry.CONTACT_PANELS, contact),
                       sections=_collect(registry.CONTACT_SECTIONS, contact))
