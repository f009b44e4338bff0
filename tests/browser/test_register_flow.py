"""The press officer's daily path through the register, in a real Chromium (issue 2, Done means).

Log in, create the outlet NRK and the journalist Bjørn Løkken through the forms, log a phone
call with a follow-up due today from his page, find him by typing a name with ø into the search
box, open him, and see the follow-up on "My day".
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from crm.contacts.services import ContactData, create_contact
from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()


def test_log_in_register_a_journalist_log_a_call_find_him_and_see_the_follow_up(
        page, live_server, log_in):
    live_server.call(create_contact, ContactData(kind="journalist", name="Kari Nordmann"))
    log_in("editor")
    expect(page.get_by_role("heading", name="My day")).to_be_visible()

    # The outlet first, through the Organisations page.
    page.get_by_role("navigation").get_by_role("link", name="Organisations").click()
    page.get_by_role("link", name="New organisation").click()
    page.get_by_label("Name", exact=True).fill("NRK")
    page.get_by_label("Kind", exact=True).select_option(label="Media outlet")
    page.get_by_label("Website", exact=True).fill("https://www.nrk.no")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Organisation saved.")
    expect(page.get_by_role("heading", name="NRK")).to_be_visible()

    # The journalist, through the contact form.
    page.get_by_role("navigation").get_by_role("link", name="Contacts").click()
    page.get_by_role("link", name="New contact").click()
    page.get_by_label("Kind", exact=True).select_option(label="Journalist")
    page.get_by_label("Name", exact=True).fill("Bjørn Løkken")
    page.get_by_label("Organisation", exact=True).select_option(label="NRK")
    page.get_by_label("Role or title", exact=True).fill("Politisk reporter")
    page.get_by_label("Beats / topics", exact=True).fill("politikk, helse")
    page.get_by_label("Emails", exact=True).fill("bjorn.lokken@nrk.no")
    page.get_by_label("Phones", exact=True).fill("412 34 567")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Contact saved.")
    expect(page.get_by_role("heading", name="Bjørn Løkken")).to_be_visible()
    expect(page.get_by_role("link", name="NRK", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="bjorn.lokken@nrk.no")).to_be_visible()
    contact_url = page.url

    # From his page: a phone call, with a follow-up due later today, assigned to me.
    page.get_by_role("link", name="Log interaction").click()
    expect(page.get_by_role("heading", name="Log interaction")).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("Bjørn Løkken"))).to_be_checked()
    page.get_by_label("Type", exact=True).select_option(label="Phone call")
    page.get_by_label("Direction", exact=True).select_option(label="Outbound")
    page.get_by_label("Subject", exact=True).fill("Ventelister i helse-Norge")
    page.get_by_label("Notes", exact=True).fill("Han vil ha tall før fredag.")
    page.get_by_label("Outcome", exact=True).fill("Lovet tall på e-post.")
    page.get_by_label("Follow-up due", exact=True).fill(f"{oslo_today().isoformat()}T23:59")
    page.get_by_label("Who follows up", exact=True).select_option(label="Eva Redaktør")
    page.get_by_label("What to do", exact=True).fill("Send tallene på ventelister til Bjørn")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Interaction saved.")

    # Find him again by typing a name with ø into the search box at the top of every page.
    search = page.get_by_role("search").get_by_role("searchbox", name="Search contacts")
    search.fill("løkken")
    search.press("Enter")
    expect(page).to_have_url(re.compile(r"/contacts\?q=l%C3%B8kken$"))
    results = page.get_by_role("table")
    expect(results.get_by_role("link", name="Bjørn Løkken")).to_be_visible()
    expect(results.get_by_role("cell", name="NRK", exact=True)).to_be_visible()
    expect(results.get_by_role("link", name="Kari Nordmann")).to_have_count(0)
    results.get_by_role("link", name="Bjørn Løkken").click()
    expect(page).to_have_url(contact_url)
    expect(page.get_by_role("heading", name="Bjørn Løkken")).to_be_visible()

    # His timeline shows the call and its open follow-up.
    timeline = section_headed(page, "Timeline")
    expect(timeline.get_by_role("link", name="Ventelister i helse-Norge")).to_be_visible()
    expect(timeline.get_by_text("Phone call", exact=True)).to_be_visible()
    expect(timeline.get_by_text("Send tallene på ventelister til Bjørn")).to_be_visible()

    # "My day" lists the follow-up under today's, with the call and the contact it is about.
    page.get_by_role("navigation").get_by_role("link", name="My day").click()
    today = section_headed(page, "Due today")
    expect(today.get_by_text("Send tallene på ventelister til Bjørn")).to_be_visible()
    expect(today.get_by_role("link", name="Ventelister i helse-Norge")).to_be_visible()
    expect(today.get_by_role("link", name="Bjørn Løkken")).to_be_visible()
    expect(section_headed(page, "Overdue").get_by_text("Nothing overdue.")) \
        .to_be_visible()
    today.get_by_role("link", name="Bjørn Løkken").click()
    expect(page).to_have_url(contact_url)


def oslo_today() -> date:
    return datetime.now(ZoneInfo("Europe/Oslo")).date()


def section_headed(page, heading: str):
    """The page section whose heading starts with `heading` (headings carry a count)."""
    return page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile("^" + re.escape(heading))))
