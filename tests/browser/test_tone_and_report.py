"""Tone and the coverage report in a real Chromium: one click sets a mention's tone without
reloading the page (crm/static/tone.js, no CSP violation), and the report page fits a phone
(390 px) and a laptop, its charts readable."""

from __future__ import annotations

import pytest

from crm.extensions import db
from crm.monitoring.models import Mention
from crm.timeutil import local_today
from tests import factories as make
from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()


def _seed():
    feed = make.feed("https://www.nrk.no/rss", "NRK", make.outlet("NRK"))
    store = make.politician("Jonas Gahr Støre")
    make.watch_term("Støre", "politician", contact_id=store.id)
    make.watch_term("Høyre", "competitor", case_mode="sensitive")
    make.articles(feed, make.entry("Støre og Høyre om <b>budsjettet</b> & æøå", guid="1"))
    return db.session.scalars(db.select(Mention).order_by(Mention.id)).first().id


def _tone(live_server, mention_id):
    with live_server.app.app_context():
        return db.session.get(Mention, mention_id).tone


def test_one_click_sets_the_tone_without_a_reload(page, live_server, log_in):
    mention_id = live_server.call(_seed)
    log_in("editor")
    page.goto("/monitoring/")
    page.evaluate("window.notReloaded = true")
    form = page.locator(f".tone-form[data-mention='{mention_id}']")
    negative = form.get_by_role("button", name="Negative")
    negative.click()
    expect(negative).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.notReloaded") is True  # the page was not loaded again
    assert _tone(live_server, mention_id) == "negative"
    form.get_by_role("button", name="Positive").click()
    expect(form.get_by_role("button", name="Positive")).to_have_attribute("aria-pressed", "true")
    expect(negative).to_have_attribute("aria-pressed", "false")
    negative.click()  # from positive to negative, then the chosen one again clears it
    expect(negative).to_have_attribute("aria-pressed", "true")
    negative.click()
    expect(negative).to_have_attribute("aria-pressed", "false")
    assert _tone(live_server, mention_id) == ""
    # The article page has the same buttons, and says who set a tone.
    form.get_by_role("button", name="Neutral").click()
    expect(form.get_by_role("button", name="Neutral")).to_have_attribute("aria-pressed", "true")
    page.goto(f"/monitoring/articles/{_article(live_server, mention_id)}")
    expect(page.get_by_text("Tone set by")).to_be_visible()


def _article(live_server, mention_id):
    with live_server.app.app_context():
        return db.session.get(Mention, mention_id).article_id


def _mention(live_server, mention_id):
    with live_server.app.app_context():
        m = db.session.get(Mention, mention_id)
        return m.status, m.tone, m.is_read


def test_the_mention_buttons_work_without_javascript(browser, live_server):
    """The buttons belong to the page's one action form (its CSRF token and `next`) by their
    form and formaction attributes: without JavaScript each posts and comes back."""
    from tests.support import PASSWORD

    mention_id = live_server.call(_seed)
    context = browser.new_context(base_url=live_server.url, locale="en-GB",
                                  java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("Email", exact=True).fill(live_server.users["editor"]["email"])
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto("/monitoring/?status=all")
        tones = page.locator(f".tone-form[data-mention='{mention_id}']")
        tones.get_by_role("button", name="Negative").click()
        page.wait_for_url("**/monitoring/?status=all")
        assert _mention(live_server, mention_id)[1] == "negative"
        chip = page.locator(f".tone-form[data-mention='{mention_id}']").locator("xpath=..")
        chip.locator("xpath=..").get_by_role("button", name="Noise").click()
        page.wait_for_url("**/monitoring/?status=all")
        assert _mention(live_server, mention_id)[0] == "noise"
        # On the article page: relevance and read, back to the article.
        article = _article(live_server, mention_id)
        page.goto(f"/monitoring/articles/{article}")
        page.locator(f"button[formaction='/monitoring/mentions/{mention_id}/status']"
                     "[value=relevant]").click()
        page.wait_for_url(f"**/monitoring/articles/{article}")
        was_read = _mention(live_server, mention_id)[2]  # marking noise marked it read
        page.locator(f"button[formaction='/monitoring/mentions/{mention_id}/read']").click()
        page.wait_for_url(f"**/monitoring/articles/{article}")
        assert _mention(live_server, mention_id) == ("relevant", "negative", not was_read)
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_the_report_page_fits_a_phone_and_a_laptop(page, live_server, log_in, width):
    live_server.call(_seed)
    log_in("viewer")
    page.set_viewport_size({"width": width, "height": 900})
    today = live_server.call(local_today)
    page.goto(f"/monitoring/coverage/report?from={today}&to={today}")
    expect(page.get_by_role("heading", name="Coverage report")).to_be_visible()
    expect(page.get_by_role("heading", name="Tone", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.locator("svg.chart").count() == 7
    # Chart labels stay at least 11 px: the charts scroll in their boxes instead of shrinking.
    smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('svg.chart text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize) *
                  t.ownerSVGElement.getBoundingClientRect().width /
                  t.ownerSVGElement.viewBox.baseVal.width))""")
    assert smallest >= 10.9
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Word").click()
    assert download.value.suggested_filename.endswith(".docx")
