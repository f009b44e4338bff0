"""A journalist opens the opt-out link of a real release email in Chromium on a phone
(390 px): the page speaks their language, shows none of their data, needs no login, breaks
no Content-Security-Policy rule, and one tap on the button opts them out."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from crm.auth.models import User
from crm.contacts.models import Contact
from crm.extensions import db
from crm.releases import distribution
from tests import factories as make
from tests.browser.support import playwright_expect
from tests.smtp import SmtpServer

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()


def send_release() -> None:
    author = db.session.scalar(db.select(User).where(User.email == "editor@example.no"))
    approver = db.session.scalar(db.select(User).where(User.email == "editor2@example.no"))
    release = make.approved(author, approver)
    media_list = make.media_list("Helse", [make.journalist("Åse Ødegård",
                                                           email="ase@aftenposten.no")])
    created = distribution.create_distribution(release, list_ids=[media_list.id],
                                               contact_ids=[], send_at=None, user_id=None)
    assert distribution.send_distribution(created).sent == 1
    db.session.remove()


def opted_out() -> bool:
    contact = db.session.scalar(db.select(Contact))
    value = contact.opted_out
    db.session.remove()
    return value


def test_a_journalist_opts_out_from_the_link_in_the_email_on_a_phone(page, live_server):
    live_server.app.config["CRM_RELEASE_FROM"] = "Partiets pressekontor <presse@partiet.no>"
    with SmtpServer() as smtp:
        live_server.app.config["CRM_SMTP_URL"] = smtp.url
        live_server.call(send_release)
        message = smtp.messages[0]
    link = message["List-Unsubscribe"].strip("<>")
    assert link.startswith(live_server.url)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(urlsplit(link).path)
    expect(page.get_by_role("heading", name="Meld deg av pressemeldinger")).to_be_visible()
    expect(page.get_by_text("Partiets pressekontor")).to_be_visible()
    body = page.content()
    assert "Åse" not in body and "aftenposten" not in body and "Logg inn" not in body
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert not live_server.call(opted_out)
    page.get_by_role("button", name="Meld deg av").click()
    expect(page.get_by_role("heading", name="Du er meldt av")).to_be_visible()
    assert live_server.call(opted_out)
