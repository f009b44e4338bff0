"""The Content-Security-Policy in a real Chromium (issue 12, Headers): no page of the app
breaks it (the `page` fixture fails a test on any violation), the coverage charts still draw,
and the confirmation dialogs, now in crm/static/app.js, still ask before deleting.
"""

from __future__ import annotations

import pytest

from crm.contacts.lists import save_media_list
from crm.demo.generate import generate_demo
from crm.extensions import db
from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()

MAIN_PAGES = ["/", "/contacts", "/organisations", "/lists", "/interactions",
              "/interactions/new", "/inquiries", "/monitoring/coverage", "/digest/preview",
              "/contacts/duplicates", "/admin/audit/"]


def _first_id(table: str) -> int:
    t = db.metadata.tables[table]
    return db.session.scalar(db.select(t.c.id).order_by(t.c.id).limit(1))


def test_main_pages_break_no_content_security_policy(page, live_server, log_in):
    live_server.call(generate_demo, contacts=40, seed=5)
    contact_id = live_server.call(_first_id, "contact")
    release_id = live_server.call(_first_id, "release")
    list_id = live_server.call(_first_id, "media_list")
    log_in("admin")
    for path in [*MAIN_PAGES, f"/contacts/{contact_id}", f"/lists/{list_id}",
                 f"/releases/{release_id}", f"/releases/{release_id}/versions",
                 f"/contacts/merge?a={contact_id}"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"], path
    page.goto("/monitoring/coverage")
    charts = page.locator("svg.chart")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 3
    assert page.locator("svg.chart rect").count() > 0, "the charts have bars"
    page.goto("/digest/preview")  # the email in its sandboxed frame keeps its inline styles
    expect(page.frame_locator("iframe.email-preview").locator("body")).to_be_visible()


def _list():
    return save_media_list(None, name="Pressefolk i Østfold").id


def test_confirm_dialogs_ask_first_and_cancel_means_nothing_happens(page, live_server,
                                                                      log_in):
    list_id = live_server.call(_list)
    log_in("editor")
    questions: list[str] = []
    answer = {"accept": False}

    def on_dialog(dialog):
        questions.append(dialog.message)
        dialog.accept() if answer["accept"] else dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"/lists/{list_id}")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Pressefolk i Østfold")).to_be_visible()
    assert questions == ["Delete this media list? Its contacts stay."]
    answer["accept"] = True
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Media lists")).to_be_visible()
    expect(page.get_by_text("Pressefolk i Østfold")).to_have_count(0)
