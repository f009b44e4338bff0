"""Spokespeople are personal data: the privacy export shows them, erasure unlinks them, and a
merge of two records of one politician keeps one link (both database backends)."""

from __future__ import annotations

from datetime import date

from crm.campaigns import services
from crm.campaigns.models import KeyMessage, PullThrough
from crm.contacts.merging import merge_contacts
from crm.extensions import db
from crm.monitoring.models import WatchTerm
from crm.privacy.services import erase_contact, export_contact
from tests.factories import articles, entry, feed, oslo, politician, watch_term


def _campaign(*people):
    term = db.session.scalar(db.select(WatchTerm)) or watch_term("eldreomsorg", group="issue")
    return services.save_campaign(None, services.CampaignData(
        name="Eldreløftet", start_date=date(2026, 11, 1), end_date=date(2026, 11, 30),
        term_ids=[term.id], messages=[
            services.MessageData("Tid til omsorg i eldreomsorgen",
                                 spokesperson_ids=[p.id for p in people]),
            services.MessageData("Flere sykehjemsplasser"),
            services.MessageData("Trygghet for de eldste")]))


def test_the_export_shows_what_a_spokesperson_is_to_carry_and_erasure_unlinks_it(app):
    brenna = politician("Tonje Brenna")
    watch_term("eldreomsorg", group="issue")  # before the article: it is matched as it comes
    news = feed("https://www.nrk.no/eldre.rss", "NRK eldre")
    articles(news, entry("Tid til omsorg i eldreomsorgen", "Det lover Tonje Brenna.",
                         guid="urn:e1", published=oslo(2026, 11, 5, 9, 0)))
    campaign = _campaign(brenna)
    exported = export_contact(brenna)["campaigns"]
    assert exported == {"spokesperson_for": [{"campaign": "Eldreløftet",
                                              "message": "Tid til omsorg i eldreomsorgen"}],
                        "articles_carrying_a_message": 1}
    erase_contact(brenna)
    db.session.expire_all()
    assert db.session.get(KeyMessage, campaign.messages[0].id).spokespeople == []
    found = db.session.scalar(db.select(PullThrough))
    assert (found.spokesperson_id, found.quoted) == (None, False)  # the figure stays


def test_merging_two_records_of_one_spokesperson_keeps_one_link(app):
    first, second = politician("Tonje Brenna"), politician("Tonje Brenna")
    campaign = _campaign(first, second)
    merge_contacts(first, second)
    db.session.expire_all()
    message = db.session.get(KeyMessage, campaign.messages[0].id)
    assert [c.id for c in message.spokespeople] == [first.id]
