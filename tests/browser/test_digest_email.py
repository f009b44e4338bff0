"""The morning digest's HTML as a mail client would show it, in a real Chromium (issue 5).

The digest is sent through a loopback SMTP server; the HTML part that arrives is loaded into
Chromium and checked for the key items, and for feed text shown as text, never run.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from crm.auth.services import find_user
from crm.contacts.services import save_organisation
from crm.digest import services as digest
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction
from crm.monitoring.mentions import TermData, save_term
from crm.monitoring.models import Feed
from crm.monitoring.parse import ParsedEntry
from crm.monitoring.store import StoreContext, store_entries
from crm.timeutil import utcnow
from tests.browser.support import playwright_expect
from tests.smtp import SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()

HOSTILE_TITLE = 'Støre svarer <img src=x onerror="document.title=\'pwned\'">'
HOSTILE_SUMMARY = "Ap & Høyre: <script>document.title='pwned'</script> Støre i Stortinget"


def _seed_and_send(smtp_url: str) -> str:
    from flask import current_app
    current_app.config["CRM_SMTP_URL"] = smtp_url
    nrk = save_organisation(None, name="NRK", kind="outlet")
    save_term(None, TermData("Støre", group="politician"))
    feed = Feed(url="https://www.nrk.no/toppsaker.rss", name="NRK", organisation_id=nrk.id)
    db.session.add(feed)
    db.session.commit()
    store_entries(feed.id, feed.organisation_id, [ParsedEntry(
        "urn:nrk:1", "https://www.nrk.no/sak/1", HOSTILE_TITLE, HOSTILE_SUMMARY,
        HOSTILE_SUMMARY, "Kari Nordmann", None)], StoreContext.load())
    user = find_user("editor@example.no")
    user.language = "nb"
    call = Interaction(kind="phone", direction="inbound", subject="Budsjettspørsmål",
                       occurred_at=utcnow() - timedelta(days=2), staff_id=user.id)
    call.follow_ups.append(FollowUp(due_at=utcnow() - timedelta(days=1),
                                    note="Ring Åse Ødegård tilbake", assignee_id=user.id))
    db.session.add(call)
    db.session.commit()
    digest.send_test(user)
    return user.email


def test_the_digest_email_shows_its_items_and_never_runs_feed_markup(page, live_server):
    with SmtpServer() as server:
        email = live_server.call(_seed_and_send, server.url)
        (message,) = server.messages
    assert message["X-Envelope-To"] == email
    html = message.get_body(("html",)).get_content()

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_content(html)

    expect(page.get_by_text("God morgen")).to_be_visible()
    expect(page.get_by_role("heading", name="I nyhetene")).to_be_visible()
    expect(page.get_by_role("link", name=HOSTILE_TITLE)).to_be_visible()
    expect(page.locator("mark").first).to_have_text("Støre")
    expect(page.get_by_text("Ring Åse Ødegård tilbake")).to_be_visible()
    expect(page.get_by_role("heading", name="Din dag (1)")).to_be_visible()
    expect(page.get_by_text("NRK", exact=False).first).to_be_visible()
    # The feed's markup arrives as text: no image, no script, nothing ran.
    assert page.locator("img").count() == 0
    assert page.locator("body script").count() == 0
    assert 'svarer <img src=x onerror="document.title' in page.inner_text("body")
    assert page.title() != "pwned" and not dialogs
    links = page.locator("a").evaluate_all("els => els.map(e => e.href)")
    assert links and all(link.startswith(live_server.url) for link in links)
