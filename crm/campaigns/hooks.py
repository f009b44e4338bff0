"""What campaigns add to the rest of Pressdesk (called by create_app; see crm/registry.py)."""

from __future__ import annotations

from crm import registry
from crm.campaigns import services
from crm.campaigns.privacy import erase_campaigns, export_campaigns
from crm.i18n import lazy_gettext as _l
from crm.navigation import NavItem
from crm.privacy.parts import PrivacyPart


def article_section(article) -> list[dict]:
    """The key messages an article carried, on its page."""
    carried = services.messages_in_article(article.id)
    return [{"template": "campaigns/_article_section.html", "carried": carried}] \
        if carried else []


def register() -> None:
    registry.MAIN_MENU.register(
        "campaigns", NavItem("campaigns.index", _l("Campaigns"), "campaigns."), order=45)
    registry.AFTER_POLL.register("campaigns", services.examine_new_articles, order=60)
    registry.ARTICLE_SECTIONS.register("campaigns", article_section, order=20)
    registry.PRIVACY_PARTS.register(
        "campaigns", PrivacyPart(export=export_campaigns, erase=erase_campaigns,
                                 tables=("key_message_spokesperson", "pull_through")),
        order=45)
