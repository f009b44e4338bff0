"""Campaigns in a real Chromium (issue 13, Done means): define a campaign with key messages,
poll a loopback feed, see the pull-through on the campaign page and on the article's page,
at laptop and at phone width (no CSP violation, no script error: see conftest)."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

import pytest

from crm.contacts.services import ContactData, create_contact, save_organisation
from crm.monitoring.mentions import TermData, save_term
from crm.timeutil import local_today, utcnow
from tests.browser.support import playwright_expect
from tests.monitoring.feedserver import FeedServer, rss

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()


def _seed():
    save_organisation(None, name="NRK", kind="outlet")
    create_contact(ContactData(kind="politician", name="Tonje Brenna"))
    save_term(None, TermData("skole", group="issue", variants="skule"))
    today = local_today()
    return (today - timedelta(days=7)).isoformat(), (today + timedelta(days=7)).isoformat()


def _items():
    when = format_datetime(utcnow() - timedelta(hours=1))
    return [
        {"title": "Flere lærere i skolen, lover regjeringen", "guid": "urn:skole:1",
         "pubDate": when,
         "description": "«Vi gjør alvor av det», sier Tonje Brenna om lærerløftet."},
        {"title": "Gratis skolemat til alle elever i Vestland", "guid": "urn:skole:2",
         "pubDate": when, "description": "Fylket betaler for maten fra nyttår."},
        {"title": "Skolen i Bodø trenger ny rektor", "guid": "urn:skole:3",
         "pubDate": when, "description": "Kommunen lyser ut stillingen for tredje gang."},
    ]


def test_define_a_campaign_poll_a_feed_and_see_the_pull_through(page, live_server, log_in):
    first, last = live_server.call(_seed)
    log_in("editor")
    page.get_by_role("navigation").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Name", exact=True).fill("Skoleløftet")
    page.get_by_label("First day").fill(first)
    page.get_by_label("Last day").fill(last)
    page.get_by_label("skole", exact=True).check()
    message1 = page.get_by_role("group", name="Message 1")
    message1.get_by_label("Wording").fill("Flere lærere i skolen")
    message1.get_by_label("Accepted variants").fill("Fleire lærarar i skulen")
    message1.get_by_label("Spokespeople").select_option(label="Tonje Brenna")
    message2 = page.get_by_role("group", name="Message 2")
    message2.get_by_label("Wording").fill("Gratis skolemat til alle elever")
    message2.get_by_label("Key phrases").fill("skolemat\ngratis\nalle elever")
    page.get_by_role("button", name="Save").click()
    # two messages are too few: said plainly, and nothing typed is lost
    expect(page.get_by_role("alert").filter(
        has_text="A campaign has 3 to 7 key messages; this one has 2.")).to_be_visible()
    expect(message2.get_by_label("Key phrases")).to_have_value("skolemat\ngratis\nalle elever")
    page.get_by_role("group", name="Message 3").get_by_label("Wording").fill(
        "Nye skolebygg i hele landet")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Skoleløftet")).to_be_visible()
    expect(page.get_by_text("Coverage: 0 articles")).to_be_visible()
    campaign_page = page.url

    with FeedServer() as feeds:
        url = feeds.add("/nrk-skole.xml", rss(_items(), title="NRK Skole"))
        page.get_by_role("navigation").get_by_role("link", name="Monitoring").click()
        page.get_by_role("navigation").get_by_role("link", name="Feeds").click()
        page.get_by_role("link", name="New feed").click()
        page.get_by_label("Feed address (URL)", exact=True).fill(url)
        page.get_by_label("Outlet", exact=True).select_option(label="NRK")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").filter(has_text="Entries found: 3.")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="Skoleløftet").click()
    expect(page.get_by_text("Coverage: 3 articles")).to_be_visible()
    messages = page.locator("table.messages")
    expect(messages.get_by_role("row").filter(has_text="1. Flere lærere i skolen")
           ).to_contain_text("33 % 1/3")
    expect(messages.get_by_role("row").filter(has_text="2. Gratis skolemat")
           ).to_contain_text("33 % 1/3")
    expect(messages.get_by_role("row").filter(has_text="Any message")).to_contain_text("67 % 2/3")
    outlets = page.locator("section").filter(has=page.get_by_role("heading", name="By outlet"))
    expect(outlets.get_by_role("row").filter(has_text="NRK")).to_contain_text("67 %")
    expect(page.locator("svg[aria-label='Pull-through per message']")).to_be_visible()
    latest = page.locator("table.articles")
    expect(latest.get_by_role("row").filter(has_text="Skolen i Bodø")).to_contain_text("absent")
    expect(latest.get_by_role("row").filter(has_text="Flere lærere i skolen, lover")
           ).to_contain_text("explicit")

    latest.get_by_role("link", name="Flere lærere i skolen, lover regjeringen").click()
    carried = page.locator("section.campaign-messages")
    expect(carried).to_contain_text("Key messages carried")
    expect(carried).to_contain_text("Flere lærere i skolen")
    expect(carried).to_contain_text("Tonje Brenna quoted")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(campaign_page)
    expect(page.get_by_role("heading", name="Skoleløftet")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
