"""Sending under embargo in two waves, in a real Chromium (issue 10, Done means).

A release under embargo (the lift three hours ahead) is approved. An editor sends it to a
media list of trusted journalists now and, in a second wave of the same distribution, to
everyone else at the lift; a journalist on both lists gets it once, in the first wave. The
first wave goes out at once through a real SMTP server on loopback, stating the embargo in
the subject, the email and the document; the second waits, and the scheduler's job sends it
at the lift with no embargo stated. The embargo register shows who received it when, also on
a phone's width. Then a recipient of the second wave opens the opt-out link of her email in
a browser of her own (no login) and opts out.
"""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from docx import Document

from crm.contacts.lists import add_members, save_media_list
from crm.contacts.models import Contact
from crm.contacts.services import ContactData, create_contact
from crm.extensions import db
from crm.releases import distribution, services, workflow
from crm.releases.models import Distribution
from crm.timeutil import utcnow
from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()

TITLE = "Partiet vil gi gratis skolemat – også på Værøy og Røst"
TRUSTED = "Betrodde – riksmedier"
EVERYONE = "Alle redaksjoner"
FIRST = {"kari.nordmann@nrk.no": "Kari Nordmann", "bjorn.lokken@vg.no": "Bjørn Løkken"}
LATER = {"ola.lokal@ba.no": "Ola Lokal", "siri.sor@fvn.no": "Siri Sør"}


def seed(author_id: int, approver_id: int) -> tuple[int, object]:
    """Two media lists (Kari on both) and an approved release whose embargo lifts in 3 h."""
    people = {email: create_contact(ContactData(kind="journalist", name=name,
                                                emails=[email])).id
              for email, name in {**FIRST, **LATER}.items()}
    add_members(save_media_list(None, name=TRUSTED), [people[e] for e in FIRST])
    add_members(save_media_list(None, name=EVERYONE),
                [people["kari.nordmann@nrk.no"]] + [people[e] for e in LATER])
    lift = (utcnow() + timedelta(hours=3)).replace(second=0, microsecond=0)
    release = services.save_release(None, services.ReleaseData(
        title=TITLE, lead="Alle elever skal få et gratis måltid.", body="Forslaget koster "
        "tre milliarder kroner.", embargo_until=lift), author_id)
    workflow.transition(release, "submit", author_id)
    workflow.transition(release, "approve", approver_id)
    return release.id, lift


def send_second_wave(lift) -> str:
    return str(distribution.send_due_distributions(lift))


def opted_out(email: str) -> bool:
    from crm.contacts.models import ContactEmail
    contact = db.session.scalar(db.select(Contact).join(ContactEmail).where(
        ContactEmail.email == email))
    return contact.opted_out


def second_wave_id() -> int:
    return db.session.scalar(db.select(Distribution.id).where(Distribution.wave == 2))


def test_send_under_embargo_to_one_list_now_and_to_another_at_the_lift(page, live_server,
                                                                       log_in, smtp):
    users = live_server.users
    release_id, lift = live_server.call(seed, users["editor"]["id"], users["editor2"]["id"])
    log_in("editor")
    page.goto(f"/releases/{release_id}")
    page.get_by_role("link", name="Send", exact=True).click()
    expect(page.get_by_text("What is sent before then states the embargo")).to_be_visible()

    page.get_by_role("checkbox", name=TRUSTED).first.check()
    second = page.get_by_role("group", name="Second wave")
    second.get_by_role("checkbox", name="Send to more recipients in a second wave").check()
    second.get_by_role("checkbox", name=EVERYONE).check()
    page.get_by_role("button", name="Preview recipients").click()
    expect(page.get_by_text("under embargo: the embargo is stated")).to_be_visible()
    expect(page.get_by_text("after the lift: no embargo stated")).to_be_visible()
    expect(page.get_by_role("cell", name="Gets it in the first wave.")).to_be_visible()
    assert smtp.messages == []  # a preview sends nothing

    page.get_by_role("button", name="Confirm and send").click()
    expect(page.get_by_role("status")).to_have_text("2 sent, 0 failed, 0 skipped.")
    expect(page.get_by_text("Wave 1 of 2")).to_be_visible()
    expect(page.get_by_text("This wave goes out before the lift")).to_be_visible()
    assert sorted(str(m["X-Envelope-To"]) for m in smtp.messages) == sorted(FIRST)
    for message in smtp.messages:
        assert str(message["Subject"]).startswith("SPERREFRIST ")
        assert str(message["Subject"]).endswith(TITLE)
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert text.startswith("*** SPERREFRIST: ") and text.count("SPERREFRIST") == 1
        document = Document(io.BytesIO(next(message.iter_attachments()).get_content()))
        assert [p.text for p in document.paragraphs if "SPERREFRIST" in p.text] != []

    # The second wave waits for the lift; its page says it will state no embargo.
    page.get_by_role("link", name="Wave 2").click()
    expect(page.get_by_text("This wave goes out after the lift: no embargo is stated.")) \
        .to_be_visible()
    expect(page.get_by_text("Wave 2 of 2")).to_be_visible()

    # The register, on a phone: who got it under embargo, and who is still to get it.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/releases/embargo")
    entry = page.locator("section.embargo-entry", has_text=TITLE)
    expect(entry.get_by_text("Received by 2")).to_be_visible()
    for name in FIRST.values():
        expect(entry.get_by_role("cell", name=name, exact=True)).to_be_visible()
    expect(entry.get_by_text(EVERYONE)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    # At the lift the scheduler's job sends the second wave, stating no embargo.
    assert live_server.call(send_second_wave, lift).startswith("1 distribution: 2 sent")
    later = [m for m in smtp.messages if str(m["X-Envelope-To"]) in LATER]
    assert sorted(str(m["X-Envelope-To"]) for m in later) == sorted(LATER)
    assert len(smtp.messages) == 4  # Kari once
    for message in later:
        assert str(message["Subject"]) == TITLE
        assert "SPERREFRIST" not in message.get_body(preferencelist=("plain",)).get_content()
    page.goto(f"/releases/distributions/{live_server.call(second_wave_id)}")
    sent_rows = page.get_by_role("row").filter(has=page.get_by_text("sent", exact=True))
    expect(sent_rows).to_have_count(2)

    # Siri, a recipient of the second wave, opts out from the link in her email, in her own
    # browser: no login, none of her data on the page, and the register records it.
    siri = next(m for m in later if str(m["X-Envelope-To"]) == "siri.sor@fvn.no")
    assert siri["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = next(part.strip("<> ") for part in str(siri["List-Unsubscribe"]).split(",")
                if part.strip("<> ").startswith("http"))
    assert link.startswith(live_server.url)
    recipient = page.context.browser.new_context(base_url=live_server.url, locale="nb-NO")
    try:
        own = recipient.new_page()
        own.set_viewport_size({"width": 390, "height": 800})
        own.goto(urlsplit(link).path)
        expect(own.get_by_role("heading", name="Meld deg av pressemeldinger")).to_be_visible()
        assert "Siri" not in own.content() and "fvn.no" not in own.content()
        assert not live_server.call(opted_out, "siri.sor@fvn.no")
        own.get_by_role("button", name="Meld deg av").click()
        expect(own.get_by_role("heading", name="Du er meldt av")).to_be_visible()
    finally:
        recipient.close()
    assert live_server.call(opted_out, "siri.sor@fvn.no")
    assert not live_server.call(opted_out, "ola.lokal@ba.no")
