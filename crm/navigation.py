"""Main-menu and admin-tab entries that domains register, so base.html needs no edits."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_login import current_user


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: object  # a lazy_gettext string
    prefix: str  # endpoint prefix that marks the entry active
    role: str = "viewer"
    order: int = 50  # place in the menu, smallest first


MAIN: list[NavItem] = []
ADMIN: list[NavItem] = []


def add_main(item: NavItem) -> None:
    if item not in MAIN:
        MAIN.append(item)


def add_admin(item: NavItem) -> None:
    if item not in ADMIN:
        ADMIN.append(item)


def _visible(items: list[NavItem]) -> list[dict]:
    return [{"url": url_for(i.endpoint), "label": i.label, "prefix": i.prefix}
            for i in sorted(items, key=lambda i: i.order)
            if current_user.is_authenticated and current_user.has_role(i.role)]


def nav_items() -> list[dict]:
    return _visible(MAIN)


def admin_items() -> list[dict]:
    return _visible(ADMIN)


# Contact page extension points: domains add buttons ("actions"), boxes beside the data
# protection facts ("panels") and full-width sections below ("sections") to contacts/detail.html.
# A hook takes the contact and returns dicts: actions {"url", "label"}; panels and sections
# {"template"} (the template sees `contact` and whatever else the dict holds as `panel`/`section`).
_CONTACT_HOOKS: dict[str, list] = {"actions": [], "panels": [], "sections": []}


def contact_hook(where: str):
    def decorator(func):
        if func not in _CONTACT_HOOKS[where]:
            _CONTACT_HOOKS[where].append(func)
        return func
    return decorator


def _contact_items(where: str, contact) -> list[dict]:
    items = []
    for hook in _CONTACT_HOOKS[where]:
        items.extend(hook(contact) or [])
    return items


def contact_actions(contact) -> list[dict]:
    return _contact_items("actions", contact)


def contact_panels(contact) -> list[dict]:
    return _contact_items("panels", contact)


def contact_sections(contact) -> list[dict]:
    return _contact_items("sections", contact)
