"""What press releases add to the rest of Pressdesk (called by create_app; see crm/registry.py)."""

from __future__ import annotations

from crm import registry
from crm.i18n import lazy_gettext as _l
from crm.navigation import NavItem
from crm.privacy.parts import PrivacyPart
from crm.releases.breach import after_poll as breach_watch
from crm.releases.digest import embargo_section
from crm.releases.privacy import erase_releases, export_releases


def register() -> None:
    registry.MAIN_MENU.register(
        "releases", NavItem("releases.index", _l("Press releases"), "releases."), order=30)
    registry.ADMIN_MENU.register(
        "logo", NavItem("releases.logo_settings", _l("Letterhead logo"), "releases.logo",
                        role="admin"), order=60)
    registry.DIGEST_SECTIONS.register("embargo", embargo_section, order=30)
    registry.AFTER_POLL.register("embargo-breach", breach_watch, order=10)
    registry.PRIVACY_PARTS.register(
        "releases", PrivacyPart(export=export_releases, erase=erase_releases,
                                tables=("release", "release_quote", "distribution_recipient")),
        order=50)
