"""`crm campaigns-refresh`: examines what is missing, with progress and counts."""

from __future__ import annotations

from datetime import date

from crm.campaigns import services
from crm.campaigns.models import CampaignArticle
from crm.extensions import db
from tests.factories import articles, entry, feed, oslo, watch_term


def test_refresh_examines_the_articles_not_yet_examined_and_says_how_many(app, runner):
    term = watch_term("sykehus", group="issue")
    campaign = services.save_campaign(None, services.CampaignData(
        name="Helseløftet", start_date=date(2026, 11, 1), end_date=date(2026, 11, 30),
        term_ids=[term.id], messages=[
            services.MessageData("Kortere ventetid på sykehus", key_phrases="ventetid\nsykehuskø"),
            services.MessageData("Flere fastleger"), services.MessageData("Ny sykehusplan")]))
    news = feed("https://www.nrk.no/helse.rss", "NRK helse")
    articles(news, entry("Sykehuskøene vokser", "Ventetiden øker i hele landet.",
                         guid="urn:1", published=oslo(2026, 11, 10, 8, 0)),
             entry("Nytt sykehus i Stavanger", "Åpner i 2027.", guid="urn:2",
                   published=oslo(2026, 11, 11, 8, 0)))
    result = runner.invoke(args=["campaigns-refresh"])
    assert result.exit_code == 0, result.output
    assert "Helseløftet: 2/2 articles" in result.output
    assert "Articles examined: 2. Messages found: 1." in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(CampaignArticle).where(
        CampaignArticle.campaign_id == campaign.id)) == 2
    again = runner.invoke(args=["campaigns-refresh"])
    assert "Articles examined: 0. Messages found: 0." in again.output
