"""What the jobs domain adds to the rest of Pressdesk (called by create_app; see crm/registry.py)."""

from __future__ import annotations

from crm import registry
from crm.i18n import lazy_gettext as _l
from crm.navigation import NavItem


def register() -> None:
    registry.ADMIN_MENU.register("jobs", NavItem("jobs.index", _l("Jobs"), "jobs.", role="admin"),
                                 order=10)
