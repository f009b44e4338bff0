"""Issue 11: date inputs match the UI language. In a real Chromium whose own locale is English
(en-GB), a Norwegian user sees and types dates as 31.12.2026 14:30; the calendar button opens
the browser's picker and writes the chosen day back in the Norwegian pattern; at 390 px the
field and its button fit."""

from __future__ import annotations

import pytest

from crm.auth.models import User
from crm.contacts.services import ContactData, create_contact
from crm.extensions import db
from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()


def _norwegian(user_id: int) -> None:
    db.session.get(User, user_id).language = "nb"
    db.session.commit()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_norwegian_user_picks_a_deadline_and_sees_it_the_norwegian_way(
        page, live_server, log_in, width):
    live_server.call(create_contact, ContactData(kind="journalist", name="Kari Nordmann"))
    editor = log_in("editor")
    live_server.call(_norwegian, editor["id"])
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/interactions/new")
    page.get_by_label("Type", exact=True).select_option("inquiry")
    deadline = page.get_by_label("Frist", exact=True)
    expect(deadline).to_have_attribute("placeholder", "31.12.2026 14:30")
    wrap = page.locator(".date-wrap:has(input[name=deadline])")
    button = wrap.get_by_role("button", name="Velg i kalender")
    expect(button).to_be_visible()
    box, field_box = button.bounding_box(), deadline.bounding_box()
    assert box["x"] + box["width"] <= width and field_box["width"] >= 100
    # The picker itself is the browser's; choosing in it fires "change" on the native input,
    # which is what a choice does.
    wrap.locator("input.date-native").fill(
        "2026-12-03T15:00", force=True)
    expect(deadline).to_have_value("03.12.2026 15:00")

    page.get_by_label("Legg til kontakter etter navn", exact=True).fill("Kari Nordmann")
    page.get_by_label("Emne", exact=True).fill("Sitatsjekk om sykehusene")
    page.get_by_role("button", name="Lagre").click()
    expect(page.get_by_text("03.12.2026 15:00").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= max(width, 390)
