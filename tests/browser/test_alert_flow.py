"""Spike alerts in a real Chromium (issue 13, Done means).

An editor subscribes to a politician's spike alert on the Alerts page; the scheduler's poll
job reads a loopback feed that brings a burst of articles naming him; the alert email arrives
at a loopback SMTP server at once, and the banner on the next page shows the alert with its
articles until the editor dismisses it.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import format_datetime

import pytest

from crm.extensions import db
from crm.monitoring.mentions import TermData, save_term
from crm.monitoring.services import poll_due_feeds
from crm.timeutil import utcnow
from tests.browser.support import playwright_expect
from tests.factories import feed
from tests.monitoring.feedserver import FeedServer, rss
from tests.smtp import SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()


def _watch_for_weeks():
    term = save_term(None, TermData("Støre", group="politician"))[0]
    term.created_at = utcnow() - timedelta(weeks=5)  # past weeks count, as quiet ones
    db.session.commit()


def test_a_spike_in_a_polled_feed_mails_the_subscriber_and_shows_the_banner(
        page, live_server, log_in):
    live_server.call(_watch_for_weeks)
    now = utcnow()
    items = [{"title": f"Støre i hardt vær, sak {i}", "guid": f"urn:storm:{i}",
              "link": f"https://www.nrk.no/sak/{i}",
              "pubDate": format_datetime(now - timedelta(minutes=3 + i))} for i in range(7)]
    with SmtpServer() as smtp, FeedServer() as feeds:
        live_server.app.config["CRM_SMTP_URL"] = smtp.url
        url = feeds.add("/nrk.xml", rss(items, title="NRK"))
        live_server.call(feed, url, name="NRK")

        log_in("editor")
        page.get_by_role("navigation").get_by_role("link", name="Alerts").click()
        expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
        row = page.locator("tr", has=page.get_by_label("My subscription to Støre"))
        row.get_by_label("My subscription to Støre").select_option("email")
        row.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").filter(
            has_text="Your alert subscription is saved.")).to_be_visible()
        expect(page.get_by_role("alert")).to_have_count(0)

        live_server.call(poll_due_feeds)  # the scheduler's poll job: the hook runs after it

        [mail] = smtp.messages
        assert mail["X-Envelope-To"] == live_server.users["editor"]["email"]
        assert mail["Subject"] == "Spike: Støre, 7 mentions in 1 h (usually 0)"
        assert "Støre i hardt vær, sak 0" in mail.get_body(("plain",)).get_content()

    page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
    banner = page.get_by_role("alert").filter(has_text="Spike: Støre, 7 mentions in 1 h")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name="Støre i hardt vær, sak 0")).to_be_visible()
    banner.get_by_role("link", name=re.compile("^Spike: Støre")).click()
    expect(page.get_by_role("heading", name=re.compile("^Spike: Støre"))).to_be_visible()
    expect(page.locator("ul.alert-detail-articles a", has_text="Støre i hardt vær")).to_have_count(7)

    page.get_by_role("alert").get_by_role("button", name="Dismiss").click()
    expect(page.get_by_role("heading", name=re.compile("^Spike: Støre"))).to_be_visible()
    expect(page.get_by_role("alert")).to_have_count(0)
    page.reload()
    expect(page.get_by_role("alert")).to_have_count(0)
