"""Media monitoring in a real Chromium (issue 4, Done means).

An editor adds a feed served on loopback, polls it, sees the mention with its highlighted
term on the Mentions page, and opens the journalist's page from the article's byline.
"""

from __future__ import annotations

import pytest

from crm.contacts.services import ContactData, create_contact, save_organisation
from crm.monitoring.mentions import TermData, save_term
from tests.browser.support import playwright_expect
from tests.monitoring.feedserver import FeedServer, rss

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()


def _seed():
    nrk = save_organisation(None, name="NRK", kind="outlet")
    create_contact(ContactData(kind="journalist", name="Kari Nordmann", organisation_id=nrk.id))
    save_term(None, TermData("Støre", group="politician"))


def test_add_a_feed_poll_see_the_highlighted_mention_and_open_the_journalist(
        page, live_server, log_in):
    live_server.call(_seed)
    with FeedServer() as feeds:
        url = feeds.add("/nrk-politikk.xml", rss([{
            "title": "Støres budsjett møter motstand", "guid": "https://www.nrk.no/sak/1",
            "link": "https://www.nrk.no/sak/1", "author": "kari@nrk.no (Kari Nordmann)",
            "description": "&lt;p&gt;Statsminister Jonas Gahr Støre la fram "
                           "budsjettet.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;"}],
            title="NRK Politikk"))
        log_in("editor")
        page.get_by_role("navigation").get_by_role("link", name="Monitoring").click()
        page.get_by_role("navigation").get_by_role("link", name="Feeds").click()
        page.get_by_role("link", name="New feed").click()
        page.get_by_label("Feed address (URL)", exact=True).fill(url)
        page.get_by_label("Outlet", exact=True).select_option(label="NRK")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status").first).to_contain_text("Entries found: 1.")
        expect(page.get_by_role("heading", name="NRK Politikk")).to_be_visible()

        page.get_by_role("button", name="Poll now").click()
        expect(page.get_by_role("status").first).to_contain_text("has not changed")

    page.get_by_role("navigation").get_by_role("link", name="Mentions").click()
    expect(page.get_by_role("heading", name="Mentions")).to_be_visible()
    marks = page.locator("table.mentions mark")
    expect(marks.first).to_have_text("Støres")
    expect(page.get_by_role("link", name="Støres budsjett møter motstand")).to_be_visible()

    page.locator("table.mentions").get_by_role("link", name="Kari Nordmann").click()
    expect(page.get_by_role("heading", name="Kari Nordmann")).to_be_visible()
    expect(page.get_by_text("Articles by this journalist")).to_be_visible()
    expect(page.get_by_role("link", name="Støres budsjett møter motstand")).to_be_visible()
