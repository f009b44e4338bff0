"""What alerts add to the rest of Pressdesk (called by create_app; see crm/registry.py)."""

from __future__ import annotations

from crm import registry
from crm.alerts.services import after_poll
from crm.i18n import lazy_gettext as _l
from crm.navigation import NavItem


def register() -> None:
    registry.MAIN_MENU.register("alerts", NavItem("alerts.index", _l("Alerts"), "alerts."),
                                order=45)
    registry.AFTER_POLL.register("alerts", after_poll, order=20)
