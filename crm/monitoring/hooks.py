"""What monitoring adds to the rest of Pressdesk (called by create_app; see crm/registry.py)."""

from __future__ import annotations

from crm import registry
from crm.i18n import lazy_gettext as _l
from crm.monitoring import mentions
from crm.monitoring.digest import mentions_section
from crm.monitoring.privacy import erase_monitoring, export_monitoring
from crm.navigation import NavItem
from crm.privacy.parts import PrivacyPart


def contact_section(contact) -> list[dict]:
    """Articles a journalist wrote; mentions of a politician's watch terms."""
    written = mentions.articles_by(contact.id)
    mentioned = mentions.mentions_of(contact.id)
    if not written and not mentioned:
        return []
    return [{"template": "monitoring/_contact_section.html", "articles": written,
             "mention_counts": mentions.mention_counts([a.id for a in written]),
             "mentions": mentioned}]


def register() -> None:
    # One menu entry; feeds, watch terms and coverage are tabs (templates/monitoring/_tabs.html).
    registry.MAIN_MENU.register(
        "monitoring", NavItem("monitoring.mentions_index", _l("Monitoring"), "monitoring."),
        order=40)
    registry.CONTACT_SECTIONS.register("monitoring", contact_section, order=20)
    registry.DIGEST_SECTIONS.register("mentions", mentions_section, order=10)
    registry.PRIVACY_PARTS.register(
        "monitoring", PrivacyPart(export=export_monitoring, erase=erase_monitoring,
                                  tables=("article", "watch_term")), order=40)
