"""A press release from draft to journalists' inboxes, in a real Chromium (issue 3, Done means).

An editor drafts a release from the default template (bold, a bullet list, an embargo that has
already passed, so nothing states it) and submits it for review. The four-eyes rule holds in the browser: the author
gets no Approve button, and forcing the approval with a valid form post is refused. A second
editor approves it, downloads the .docx, and sends it to a media list of two journalists
through a real SMTP server on loopback: each gets one email of their own, the .docx attached,
and the sending shows on their timeline.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from crm.contacts.lists import add_members, save_media_list
from crm.contacts.services import ContactData, create_contact
from tests.browser.support import playwright_expect

pytestmark = [pytest.mark.browser, pytest.mark.slow]
expect = playwright_expect()

TITLE = "Ap & Høyre vil ha gratis tannhelse – også på Værøy og Røst"
LEAD = "Unge under 30 skal slippe å betale hos tannlegen."
BODY = ("Vi foreslår **gratis tannhelse** for alle under 30 år.\n\n"
        "- billigere tannlege for studenter\n- kortere køer i Nord-Norge\n\n"
        "Forslaget legges fram i Stortinget i dag.")
JOURNALISTS = {"kari.nordmann@nrk.no": "Kari Nordmann",
               "bjorn.lokken@vg.no": "Bjørn Løkken"}
LIST_NAME = "Helse – riksmedier"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def seed_media_list() -> None:
    media_list = save_media_list(None, name=LIST_NAME)
    ids = [create_contact(ContactData(kind="journalist", name=name, emails=[email])).id
           for email, name in JOURNALISTS.items()]
    add_members(media_list, ids)


def an_hour_ago_in_oslo() -> str:
    """For the datetime-local field (Norwegian time): the embargo has passed, so the release
    goes out as soon as it is sent."""
    return (datetime.now(ZoneInfo("Europe/Oslo")) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_draft_review_approve_download_and_send_to_a_media_list(page, live_server, log_in,
                                                                smtp):
    live_server.call(seed_media_list)

    # The author drafts the release from the default template.
    log_in("editor")
    page.get_by_role("navigation").get_by_role("link", name="Press releases").click()
    page.get_by_role("link", name="New release").click()
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Lead", exact=True).fill(LEAD)
    page.get_by_label("Text", exact=True).fill(BODY)
    expect(page.get_by_label("Language", exact=True)).to_have_value("nb")
    expect(page.get_by_label("Template", exact=True).locator("option:checked")) \
        .to_have_text("Default for the language")
    page.get_by_label("Embargoed until", exact=True).fill(an_hour_ago_in_oslo())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Release saved (version 1).")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_text("Draft", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Embargoed until "))).to_be_visible()
    release_url = page.url

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("status")).to_have_text("Status: In review.")

    # Four eyes: the author may not approve, neither by a button nor by posting the form.
    expect(page.get_by_text("You edited this release last, so another colleague must "
                            "approve it (four eyes).")).to_be_visible()
    expect(page.get_by_role("button", name="Approve", exact=True)).to_have_count(0)
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    forced = page.request.post(release_url + "/action/approve", form={"csrf_token": token})
    assert forced.ok
    assert "Four eyes: the last editor cannot approve the release" in forced.text()
    page.reload()
    expect(page.get_by_text("In review", exact=True)).to_be_visible()
    log_out(page)

    # A colleague approves it.
    approver = log_in("editor2")
    page.get_by_role("navigation").get_by_role("link", name="Press releases").click()
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(release_url)
    expect(page.get_by_text("(four eyes)")).to_have_count(0)
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("Status: Approved.")
    expect(page.get_by_text(f"approved by {approver['name']}")).to_be_visible()

    # The Word document, from the default (bokmål) template.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download .docx").click()
    download = download_info.value
    assert re.fullmatch(r"pressemelding-\d{4}-\d{2}-\d{2}-ap-hoyre-vil-ha-gratis-[a-z-]+\.docx",
                        download.suggested_filename)
    assert_release_docx(Path(download.path()).read_bytes())

    # Sent to the media list through the loopback SMTP server.
    page.get_by_role("link", name="Send", exact=True).click()
    expect(page.get_by_text("The embargo lifted ")).to_be_visible()
    page.get_by_role("checkbox", name=LIST_NAME).first.check()
    page.get_by_role("button", name="Preview recipients").click()
    expect(page.get_by_text("Recipients: 2. Skipped: 0.", exact=False)).to_be_visible()
    recipients = page.get_by_role("table")
    for email, name in JOURNALISTS.items():
        expect(recipients.get_by_role("cell", name=name, exact=True)).to_be_visible()
        expect(recipients.get_by_role("cell", name=email, exact=True)).to_be_visible()
    assert smtp.messages == []  # a preview sends nothing
    page.get_by_role("button", name="Confirm and send").click()
    expect(page.get_by_role("status")).to_have_text("2 sent, 0 failed, 0 skipped.")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    sent_rows = page.get_by_role("row").filter(has=page.get_by_text("sent", exact=True))
    expect(sent_rows).to_have_count(2)

    assert sorted(str(m["X-Envelope-To"]) for m in smtp.messages) == sorted(JOURNALISTS)
    for message in smtp.messages:
        assert_individual_email_with_the_docx(message)

    # The sending is on each journalist's timeline; the release is now published.
    page.get_by_role("table").get_by_role("link", name="Bjørn Løkken").click()
    expect(page.get_by_role("heading", name="Bjørn Løkken")).to_be_visible()
    expect(page.get_by_text(TITLE).first).to_be_visible()
    page.goto(release_url)
    expect(page.get_by_text("Published", exact=True)).to_be_visible()


def assert_release_docx(data: bytes) -> None:
    """A zip with word/document.xml holding the title (its "&" escaped), bold and bullets."""
    assert zipfile.is_zipfile(io.BytesIO(data))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        document_xml = archive.read("word/document.xml").decode("utf-8")
        headers = " ".join(archive.read(n).decode("utf-8") for n in archive.namelist()
                           if re.fullmatch(r"word/header\d*\.xml", n))
    assert xml_escape(TITLE) in document_xml
    assert "PRESSEMELDING" in headers  # the default nb template
    assert "SPERREFRIST" not in headers and "SPERREFRIST" not in document_xml  # lifted
    doc = Document(io.BytesIO(data))
    paragraphs = {p.text: p for p in doc.paragraphs}
    assert TITLE in paragraphs and LEAD in paragraphs
    assert any(r.bold and r.text == "gratis tannhelse"
               for p in doc.paragraphs for r in p.runs)
    assert paragraphs["billigere tannlege for studenter"].style.name == "List Bullet"


def assert_individual_email_with_the_docx(message) -> None:
    recipient = str(message["X-Envelope-To"])
    assert JOURNALISTS[recipient] in str(message["To"]) and recipient in str(message["To"])
    assert "," not in str(message["To"]) and message["Cc"] is None and message["Bcc"] is None
    assert str(message["Subject"]) == TITLE  # sent after the lift: no embargo stated
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert "SPERREFRIST" not in text and "gratis tannhelse" in text
    attachments = list(message.iter_attachments())
    assert len(attachments) == 1
    attachment = attachments[0]
    assert attachment.get_content_type() == DOCX_MIME
    assert attachment.get_filename().startswith("pressemelding-")
    assert_release_docx(attachment.get_content())
