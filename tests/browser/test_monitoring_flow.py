"""Media monitoring in a real Chromium (issue 4, Done means).

An editor adds a feed served on loopback, polls it, sees the mention with its highlighted
term on the Mentions page, and opens the journalist's page from the article's byline.
"""

from __future__ import annotations

import time

import pytest

from crm.contacts.services import ContactData, create_contact, save_organisation
from crm.monitoring.mentions import TermData, save_term
from tests.browser.support import playwright_expect
from tests.monitoring.feedserver import FeedServer, Reply, rss

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
        expect(page.get_by_role("status").filter(has_text="Entries found: 1.")).to_be_visible()
        expect(page.get_by_role("heading", name="NRK Politikk")).to_be_visible()

        page.get_by_role("button", name="Poll now").click()
        expect(page.get_by_role("status").filter(has_text="has not changed")).to_be_visible()

    page.get_by_role("navigation").get_by_role("link", name="Mentions").click()
    expect(page.get_by_role("heading", name="Mentions")).to_be_visible()
    marks = page.locator("table.mentions mark")
    expect(marks.first).to_have_text("Støres")
    expect(page.get_by_role("link", name="Støres budsjett møter motstand")).to_be_visible()

    page.locator("table.mentions").get_by_role("link", name="Kari Nordmann").click()
    expect(page.get_by_role("heading", name="Kari Nordmann")).to_be_visible()
    expect(page.get_by_text("Articles by this journalist")).to_be_visible()
    expect(page.get_by_role("link", name="Støres budsjett møter motstand")).to_be_visible()


def test_a_slow_feed_is_saved_at_once_shows_checking_and_then_its_result_without_reload(
        page, live_server, log_in):
    """Issue 9: the request returns at once; the page says "checking…" and then, by itself
    (crm/static/feed-status.js asking the status endpoint), what the check found. A changed
    URL is checked the same way, and the feeds list shows "checking…" for it meanwhile."""
    with FeedServer() as feeds:
        def slow(handler):
            time.sleep(4)  # a slow server: longer than a request should ever wait
            handler.send_reply(Reply(rss([{"title": "Sakte nyheter fra Vestland",
                                           "guid": "urn:slow:1"}], title="Treg Tidende")))

        def moved(handler):
            time.sleep(5)
            handler.send_reply(Reply(rss([{"title": "Flytta avis, nye saker",
                                           "guid": "urn:moved:1"}], title="Treg Tidende")))

        url = feeds.add("/slow.xml", slow)
        moved_url = feeds.add("/moved.xml", moved)
        log_in("editor")
        page.goto("/monitoring/feeds/new")
        page.get_by_label("Feed address (URL)", exact=True).fill(url)
        started = time.monotonic()
        page.get_by_role("button", name="Save").click()
        checking = page.get_by_role("status").filter(has_text="Checking the feed…")
        expect(checking).to_be_visible()
        shown_in = time.monotonic() - started
        feed_page = page.url
        expect(page.get_by_role("status").filter(has_text="Entries found: 1.")).to_be_visible()
        expect(checking).to_have_count(0)
        expect(page.get_by_role("heading", name="Treg Tidende")).to_be_visible()
        expect(page.get_by_role("link", name="Sakte nyheter fra Vestland")).to_be_visible()
        assert page.url == feed_page  # the same page, reloaded by its script
        print(f"'checking…' shown {shown_in:.1f} s after Save (the server took 4 s)")

        page.get_by_role("link", name="Edit").click()
        page.get_by_label("Feed address (URL)", exact=True).fill(moved_url)
        page.get_by_role("button", name="Save").click()
        expect(checking).to_be_visible()
        assert page.url == feed_page
        page.get_by_role("navigation", name="Monitoring").get_by_role("link",
                                                                      name="Feeds").click()
        row = page.get_by_role("row").filter(has_text="/moved.xml")
        listed = row.get_by_role("status")
        expect(listed).to_have_text("checking…")
        expect(listed).to_have_count(0, timeout=15_000)  # the list reloaded by itself
        expect(row.get_by_text("ok", exact=True)).to_be_visible()
        page.get_by_role("link", name="Treg Tidende").click()
        expect(page.get_by_role("link", name="Flytta avis, nye saker")).to_be_visible()
