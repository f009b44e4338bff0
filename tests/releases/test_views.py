"""The release pages: editors write, viewers read, bad input never gives a 500."""

import io

import pytest
from docx import Document

from crm.extensions import db
from crm.releases import templates_store
from crm.releases.export import render_docx
from crm.releases.models import Release, ReleaseTemplate, TextSnippet
from tests.factories import approved, draft
from tests.releases.docxfiles import make_template, rezip
from tests.support import login

FORM = {"title": "Nye tall for helsekøer", "lead": "Køene vokser.",
        "body": "Avsnitt **én**.\n\n- punkt", "language": "nb", "tags": "helse",
        "spokesperson_id": 0, "template_id": 0, "quotes-0-contact_id": 0,
        "quotes-0-text": "", "quotes-1-contact_id": 0, "quotes-1-text": ""}


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_an_editor_drafts_a_release_with_an_embargo_in_oslo_time(as_editor, politician):
    response = as_editor.post("/releases/new", data={
        **FORM, "embargo_until": "2026-11-23T07:00", "spokesperson_id": politician.id,
        "quotes-0-contact_id": politician.id, "quotes-0-text": "Vi tar grep."},
        follow_redirects=True)
    text = page(response)
    release = db.session.scalar(db.select(Release))
    assert release.embargo_until.isoformat() == "2026-11-23T06:00:00+00:00"
    assert release.quotes[0].contact == politician and release.version == 1
    assert "23 Nov 2026, 07:00" in text or "23.11.2026 07:00" in text
    # The lift (23.11.2026) has passed: the email text on the page states no embargo.
    assert "SPERREFRIST" not in text


@pytest.mark.parametrize("changes,message", [
    ({"title": ""}, "This field is required"),
    ({"title": "x" * 301}, "300"),
    ({"embargo_until": "not a date"}, "Not a valid date and time"),
    ({"embargo_until": "2026-03-29T02:30"}, "does not exist"),
    ({"spokesperson_id": "99999"}, "Not a valid choice"),
    ({"spokesperson_id": "abc"}, "Invalid Choice"),
    ({"language": "xx"}, "Not a valid choice"),
    ({"snippet_ids": "77"}, "not a valid choice"),
])
def test_bad_input_gives_a_message_and_stores_nothing(as_editor, changes, message):
    text = page(as_editor.post("/releases/new", data={**FORM, **changes}))
    assert message.lower() in text.lower()
    assert db.session.scalar(db.select(db.func.count()).select_from(Release)) == 0


def test_hostile_text_is_escaped_everywhere(as_editor, users):
    hostile = "<script>alert('x')</script> Robert'); DROP TABLE release;-- 😀"
    release = draft(users["editor"], title=hostile, body=hostile, lead=hostile)
    for url in (f"/releases/{release.id}", "/releases/", f"/releases/{release.id}/email.html",
                f"/releases/{release.id}/versions", f"/releases/{release.id}/edit"):
        assert "<script>alert" not in page(as_editor.get(url)), url


def test_viewers_read_but_cannot_change_anything(client, users, second_editor):
    release = approved(users["editor"], second_editor)
    login(client, users["viewer"].email)
    text = page(client.get(f"/releases/{release.id}"))
    assert "Edit" not in text and "Send</a>" not in text
    page(client.get("/releases/"))
    page(client.get("/releases/templates"))
    page(client.get("/releases/snippets"))
    assert client.get(f"/releases/{release.id}/download.docx").status_code == 200
    for url in ("/releases/new", f"/releases/{release.id}/edit",
                f"/releases/{release.id}/action/withdraw", "/releases/templates",
                f"/releases/{release.id}/distribute", "/releases/snippets/new"):
        assert client.post(url, data=FORM).status_code == 403, url
    assert client.get("/releases/new").status_code == 403
    assert release.status == "approved"


def test_unknown_ids_are_404(as_editor):
    for url in ("/releases/999", "/releases/999/edit", "/releases/999/download.docx",
                "/releases/999/versions", "/releases/templates/999",
                "/releases/distributions/999", "/releases/snippets/999/edit"):
        assert as_editor.get(url).status_code == 404, url
    assert as_editor.post("/releases/999/action/approve").status_code == 404


def test_draft_approve_by_a_colleague_download_and_send(client, users, second_editor,
                                                       media_list, smtp_server):
    login(client, users["editor"].email)
    client.post("/releases/new", data=FORM)
    release = db.session.scalar(db.select(Release))
    client.post(f"/releases/{release.id}/action/submit")
    text = page(client.post(f"/releases/{release.id}/action/approve", follow_redirects=True))
    assert "Four eyes" in text and release.status == "in_review"
    client.post("/logout")
    login(client, second_editor.email)
    page(client.post(f"/releases/{release.id}/action/approve", follow_redirects=True))
    db.session.refresh(release)
    assert release.status == "approved"
    download = client.get(f"/releases/{release.id}/download.docx")
    assert download.headers["Content-Disposition"].startswith(
        'attachment; filename="pressemelding-')
    document = Document(io.BytesIO(download.data))
    assert "Nye tall for helsekøer" in [p.text for p in document.paragraphs]
    preview = page(client.post(f"/releases/{release.id}/distribute",
                               data={"list_ids": media_list.id}))
    assert "Recipients: 3. Skipped: 3." in preview and "Opted out of mailings." in preview
    assert smtp_server.messages == []
    text = page(client.post(f"/releases/{release.id}/distribute",
                            data={"list_ids": media_list.id, "confirm": "1"},
                            follow_redirects=True))
    assert "3 sent, 0 failed, 3 skipped" in text
    assert len(smtp_server.messages) == 3
    db.session.refresh(release)
    assert release.status == "published"


def test_a_failed_recipient_is_shown_and_retried_from_the_page(as_editor, users,
                                                               second_editor, media_list,
                                                               smtp_server):
    smtp_server.handler.refuse = {"per@vg.no"}
    release = approved(users["editor"], second_editor)
    text = page(as_editor.post(f"/releases/{release.id}/distribute",
                               data={"list_ids": media_list.id, "confirm": "1"},
                               follow_redirects=True))
    assert "550" in text and "Retry the failed ones" in text
    smtp_server.handler.refuse = set()
    distribution_id = release.distributions[0].id
    text = page(as_editor.post(f"/releases/distributions/{distribution_id}/retry",
                               follow_redirects=True))
    assert "1 sent, 0 failed" in text and len(smtp_server.messages) == 3


def test_an_embargoed_release_is_sent_now_under_embargo(as_editor, users, second_editor,
                                                        media_list, smtp_server):
    from datetime import timedelta

    from crm.timeutil import utcnow
    release = approved(users["editor"], second_editor,
                       embargo_until=utcnow() + timedelta(hours=3))
    text = page(as_editor.post(f"/releases/{release.id}/distribute",
                               data={"list_ids": media_list.id, "confirm": "1"},
                               follow_redirects=True))
    assert "3 sent, 0 failed" in text and len(smtp_server.messages) == 3
    assert "This wave goes out before the lift" in text
    assert all(m["Subject"].startswith("SPERREFRIST ") for m in smtp_server.messages)
    assert release.status == "approved"  # published openly only at the lift


def test_a_scheduled_distribution_can_be_cancelled(as_editor, users, second_editor,
                                                   media_list, smtp_server):
    from datetime import timedelta

    from crm.timeutil import utcnow
    release = approved(users["editor"], second_editor)
    later = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    text = page(as_editor.post(f"/releases/{release.id}/distribute",
                               data={"list_ids": media_list.id, "confirm": "1",
                                     "send_at": later}, follow_redirects=True))
    assert "Scheduled." in text and smtp_server.messages == []
    page(as_editor.post(f"/releases/distributions/{release.distributions[0].id}/cancel",
                        follow_redirects=True))
    assert release.distributions[0].status == "cancelled"


def test_a_draft_cannot_be_sent_from_the_page(as_editor, users, media_list):
    release = draft(users["editor"])
    text = page(as_editor.post(f"/releases/{release.id}/distribute",
                               data={"list_ids": media_list.id, "confirm": "1"},
                               follow_redirects=True))
    assert "Only an approved release can be sent." in text


def test_versions_are_compared_and_restored(as_editor, users):
    release = draft(users["editor"], body="Gammel linje")
    as_editor.post(f"/releases/{release.id}/edit", data={**FORM, "title": release.title,
                                                         "body": "Ny linje"})
    assert release.version == 2
    text = page(as_editor.get(f"/releases/{release.id}/versions?a=1&b=2"))
    assert "<del>Gammel</del><ins>Ny</ins> linje" in text
    page(as_editor.get(f"/releases/{release.id}/versions?a=abc&b=99"))
    page(as_editor.get(f"/releases/{release.id}/versions?a=99999999999999999999&b=-1"))
    page(as_editor.post(f"/releases/{release.id}/versions/1/restore", follow_redirects=True))
    assert release.version == 3 and release.body == "Gammel linje"
    assert as_editor.post(f"/releases/{release.id}/versions/77/restore").status_code == 404


def upload(client, data: bytes, name="Vår mal", filename="mal.docx"):
    return client.post("/releases/templates", data={
        "name": name, "language": "nb", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data", follow_redirects=True)


def test_uploading_a_template_lists_its_placeholders_and_warns_on_unknown_ones(as_editor):
    template = make_template(body=["{{ title }}", "{{ kampanjenavn }}", "{{p body }}"],
                             footer=["{{ date }}"])
    text = page(upload(as_editor, template))
    assert "Template uploaded." in text and "kampanjenavn" in text
    assert "placeholders Pressdesk does not fill" in text
    stored = db.session.scalar(db.select(ReleaseTemplate))
    assert stored.variables == ["body", "date", "kampanjenavn", "title"]
    assert stored.is_default  # the first one of its language
    assert as_editor.get(f"/releases/templates/{stored.id}/download.docx").data == template


@pytest.mark.parametrize("data,message", [
    (b"not a word file", "not a zip"),
    (b"", "required"),
    (make_template(body=["{{ cycler.__init__.__globals__ }}"]), "blocked by the sandbox"),
    (make_template(body=["{{ title "]), "syntax error"),
    (make_template(body=["Brødtekst: {{ body }}"]), "alone on its own paragraph"),
])
def test_bad_templates_are_refused_with_a_reason(as_editor, data, message):
    text = page(upload(as_editor, data))
    assert message in text
    assert db.session.scalar(db.select(db.func.count()).select_from(ReleaseTemplate)) == 0


def test_a_zip_bomb_upload_is_refused(as_editor):
    bomb = rezip(make_template(body=["{{ title }}"]),
                 add={"word/media/x.bin": b"\0" * (60 * 1024 * 1024)})
    assert "zip bomb" in page(upload(as_editor, bomb))
    assert db.session.scalar(db.select(db.func.count()).select_from(ReleaseTemplate)) == 0


def test_default_templates_are_installed_set_default_and_retire(as_editor):
    text = page(as_editor.get("/releases/templates"))
    assert "Standard pressemelding (bokmål)" in text and "Default press release" in text
    nb_default = templates_store.default_for("nb")
    page(upload(as_editor, make_template(body=["{{ title }}"]), name="Ny mal"))
    new = db.session.scalar(db.select(ReleaseTemplate).where(ReleaseTemplate.name == "Ny mal"))
    assert not new.is_default
    page(as_editor.post(f"/releases/templates/{new.id}/default", follow_redirects=True))
    assert templates_store.default_for("nb") == new and not nb_default.is_default
    assert templates_store.default_for("nn") == new  # nynorsk uses the bokmål default
    page(as_editor.post(f"/releases/templates/{new.id}/retire", follow_redirects=True))
    assert new.retired_at is not None and not new.is_default
    text = page(as_editor.post(f"/releases/templates/{new.id}/default", follow_redirects=True))
    assert "retired template cannot be the default" in text



def test_english_gets_its_own_default_template_and_english_releases_use_it(as_editor, users):
    """Installing the built-ins once made only bokmål a default (English fell back to it), so
    English releases came out as "PRESSEMELDING ... Kontaktperson"."""
    page(as_editor.get("/releases/templates"))  # installs the built-in templates
    english = templates_store.default_for("en")
    assert (english.language, english.name) == ("en", "Default press release (English)")
    assert templates_store.default_for("nb").language == "nb"
    name, content = render_docx(draft(users["editor"], language="en"))
    assert name.startswith("press-release-")
    assert "PRESS RELEASE" in Document(io.BytesIO(content)).sections[0].header.paragraphs[0].text
    # With the English default retired, the next English upload becomes the default.
    templates_store.retire(english)
    assert templates_store.default_for("en").language == "nb"  # the fallback meanwhile
    as_editor.post("/releases/templates", data={
        "name": "Our template", "language": "en",
        "file": (io.BytesIO(make_template(body=["{{ title }}"])), "ours.docx")})
    assert templates_store.default_for("en").name == "Our template"

def test_snippets_are_written_and_included_in_a_release(as_editor, users, second_editor):
    page(as_editor.post("/releases/snippets/new", data={
        "name": "Om partiet", "language": "nb",
        "body": "**Om partiet**\n\nPartiet <b>er</b> stort."}, follow_redirects=True))
    snippet = db.session.scalar(db.select(TextSnippet))
    text = page(as_editor.get("/releases/snippets"))
    assert "Partiet &lt;b&gt;er&lt;/b&gt; stort." in text
    assert "already" not in text
    text = page(as_editor.post("/releases/snippets/new", data={
        "name": "om partiet", "language": "nb", "body": "x"}))
    assert "A snippet with this name exists." in text
    release = approved(users["editor"], second_editor, snippet_ids=[snippet.id])
    email = page(as_editor.get(f"/releases/{release.id}/email.txt"))
    assert email.rstrip().endswith("Partiet <b>er</b> stort.\n\n"
                                   "Pressemeldingen ligger vedlagt som Word-dokument.")
    document = Document(io.BytesIO(as_editor.get(f"/releases/{release.id}/download.docx").data))
    assert "Partiet <b>er</b> stort." in [p.text for p in document.paragraphs]


def test_an_upload_over_the_request_limit_is_refused_cleanly(app, as_editor):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    response = upload(as_editor, b"PK" + b"x" * 20_000)
    assert response.status_code == 413
    assert db.session.scalar(db.select(db.func.count()).select_from(ReleaseTemplate)) == 0


def test_a_large_list_is_sent_by_the_scheduler_not_in_the_request(
        app, as_editor, users, second_editor, media_list, smtp_server):
    from crm.releases import distribution
    app.config["CRM_RELEASE_INLINE_SEND_LIMIT"] = 2
    release = approved(users["editor"], second_editor)
    text = page(as_editor.post(f"/releases/{release.id}/distribute",
                               data={"list_ids": media_list.id, "confirm": "1"},
                               follow_redirects=True))
    assert "in the background" in text and smtp_server.messages == []
    assert str(distribution.send_due_distributions()).startswith("1 distribution: 3 sent")
    assert len(smtp_server.messages) == 3


def speaking(client, user, language):
    user.language = language
    db.session.commit()
    login(client, user.email)
    return client


@pytest.mark.parametrize("language,expected", [
    ("nb", "Bare en godkjent pressemelding kan sendes."),
    ("en", "Only an approved release can be sent."),
])
def test_sending_a_release_that_is_not_approved_reads_in_the_users_language(
        client, users, media_list, language, expected):
    release = draft(users["editor"])
    speaking(client, users["editor"], language)
    for response in (client.get(f"/releases/{release.id}/distribute", follow_redirects=True),
                     client.post(f"/releases/{release.id}/distribute",
                                 data={"list_ids": media_list.id, "confirm": "1"},
                                 follow_redirects=True)):
        assert expected in page(response)
    assert release.distributions == []


@pytest.mark.parametrize("language,expected", [
    ("nb", ["Mottakeren ble avvist av e-posttjeneren: 550", "Har reservert seg mot utsendelser.",
            "Ikke registrert behandlingsgrunnlag."]),
    ("en", ["Recipient refused by the mail server: 550", "Opted out of mailings.",
            "No lawful basis recorded."]),
])
def test_a_recipients_failure_reason_reads_in_the_readers_language(
        client, users, second_editor, media_list, smtp_server, language, expected):
    from crm.releases import distribution
    smtp_server.handler.refuse = {"per@vg.no"}
    release = approved(users["editor"], second_editor)
    # Sent by the scheduler (in the default language), read later by either reader.
    distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                     send_at=None, user_id=None)
    with pytest.raises(distribution.DistributionFailure):
        distribution.send_due_distributions()
    text = page(speaking(client, users["viewer"], language).get(
        f"/releases/distributions/{release.distributions[0].id}"))
    for sentence in expected:
        assert sentence in text


def test_a_bad_template_is_refused_in_the_users_language(client, users):
    text = page(speaking(client, users["editor"], "nb").post(
        "/releases/templates", data={"name": "Mal", "language": "nb",
                                     "file": (io.BytesIO(b"not a word file"), "mal.docx")},
        content_type="multipart/form-data"))
    assert "Dette er ikke et Word-dokument (.docx): det er ikke en zip-pakke." in text


def test_system_transitions_have_no_url(as_editor, users, second_editor):
    release = approved(users["editor"], second_editor)
    assert as_editor.post(f"/releases/{release.id}/action/reopen_review").status_code == 404
    assert release.status == "approved"
