"""Issue 11, Done means: at phone width (390x844) in a real Chromium, log an inquiry from a
journalist who is not in the register (created inline from the form, after the picker found no
one), claim it ("I'll take it"), and find it on My day with its deadline."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crm.contacts.services import ContactData, create_contact
from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()

PHONE = {"width": 390, "height": 844}


def section_headed(page, heading: str):
    return page.locator("section").filter(
        has=page.get_by_role("heading", name=re.compile("^" + re.escape(heading))))


def assert_no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at phone width"


def test_log_an_inquiry_from_an_unknown_journalist_claim_it_and_find_it_on_my_day(
        page, live_server, log_in):
    live_server.call(create_contact, ContactData(kind="journalist", name="Kari Nordmann"))
    log_in("editor")  # the login helper looks for "Log out", which a phone folds away
    page.set_viewport_size(PHONE)
    page.reload()
    page.get_by_role("link", name="Log press inquiry").first.click()
    expect(page.get_by_role("heading", name="Log interaction")).to_be_visible()
    expect(page.get_by_label("Type", exact=True)).to_have_value("inquiry")

    # She is not in the register: the picker says so and offers her as a new contact.
    page.get_by_label("Add contacts by name", exact=True).fill("Kari Vårli")
    page.get_by_label("Subject", exact=True).fill("Sitatsjekk om sykehusene")
    deadline = datetime.now(ZoneInfo("Europe/Oslo")) + timedelta(hours=3)
    page.get_by_label("Deadline", exact=True).fill(deadline.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("No contact matches “Kari Vårli”.")).to_be_visible()
    new_contact = page.locator("#new-contact")
    expect(new_contact.get_by_label("Name of the new contact")).to_have_value("Kari Vårli")
    new_contact.get_by_label("Outlet or organisation").fill("Vårt Land")
    new_contact.get_by_label("Phone or email").fill("kari.varli@vl.no")
    expect(new_contact.get_by_label("Kind of contact")).to_have_value("journalist")
    assert_no_sideways_scroll(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").filter(has_text="Interaction saved.")).to_be_visible()
    expect(page.get_by_role("link", name="Kari Vårli")).to_be_visible()

    # "I'll take it" on the inquiry's page.
    page.get_by_role("button", name="I’ll take it").click()
    expect(page.get_by_role("status").filter(has_text="You have taken the inquiry.")) \
        .to_be_visible()
    expect(page.locator("#inquiry dd").filter(has_text="Eva Redaktør")).to_be_visible()
    expect(page.get_by_role("button", name="I’ll take it")).to_have_count(0)

    # My day has it among mine, with the time left, and nobody else's list.
    page.goto("/")
    mine = page.locator("section#today, section#upcoming").filter(
        has=page.get_by_role("link", name="Sitatsjekk om sykehusene"))
    expect(mine).to_have_count(1)
    assert_no_sideways_scroll(page)
    expect(mine.get_by_text(re.compile(r"h \d\d min left"))).to_be_visible()
    expect(mine.get_by_text("Vårt Land")).to_be_visible()
    expect(section_headed(page, "Press inquiries nobody has taken")
           .get_by_role("link", name="Sitatsjekk om sykehusene")).to_have_count(0)
    # The inquiry list shows the outlet and who has it.
    page.goto("/inquiries")
    row = page.get_by_role("row").filter(has=page.get_by_role("link",
                                                              name="Sitatsjekk om sykehusene"))
    expect(row.get_by_role("cell", name="Vårt Land")).to_be_visible()
    expect(row.get_by_text("Eva Redaktør")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert not live_server.errors
