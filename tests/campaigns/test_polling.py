"""A poll (the scheduler's poll-feeds) examines the new articles for the campaigns at once,
through the AFTER_POLL hook: the stored pull-through is there before any page asks for it."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from crm.campaigns import services
from crm.campaigns.models import CampaignArticle, PullThrough
from crm.extensions import db
from crm.monitoring import services as monitoring
from crm.timeutil import local_today, utcnow
from tests.factories import feed, watch_term
from tests.monitoring.feedserver import FeedServer, rss


def test_a_poll_stores_the_pull_through_of_the_new_articles(app):
    term = watch_term("skole", group="issue", variants="skule")
    today = local_today()
    campaign = services.save_campaign(None, services.CampaignData(
        name="Skoleløftet", start_date=today - timedelta(days=3),
        end_date=today + timedelta(days=3), term_ids=[term.id], messages=[
            services.MessageData("Flere lærere i skolen", "Fleire lærarar i skulen"),
            services.MessageData("Gratis skolemat til alle elever"),
            services.MessageData("Nye skolebygg i hele landet")]))
    when = format_datetime(utcnow() - timedelta(minutes=30))
    with FeedServer() as server:
        url = server.add("/nrk.xml", rss([
            {"title": "Fleire lærarar i skulen frå hausten", "guid": "urn:n1", "pubDate": when},
            {"title": "Skulen i Førde får ny rektor", "guid": "urn:n2", "pubDate": when},
            {"title": "Bompenger i Bergen", "guid": "urn:n3", "pubDate": when}]))
        summary = monitoring.poll_feeds([feed(url, "NRK Vestland")])
    assert summary.counts.new_articles == 3
    examined = db.session.scalars(db.select(CampaignArticle.article_id).where(
        CampaignArticle.campaign_id == campaign.id)).all()
    assert len(examined) == 2  # the two about the issue; "Bompenger" is not in scope
    found = db.session.scalars(db.select(PullThrough)).all()
    assert [(p.message_id, p.level, p.place) for p in found] == [
        (campaign.messages[0].id, "explicit", "title")]
