"""Templates from other tools: a warning at upload when they use none of the placeholders or
show neither a release's title nor its text, no sending through those; `&`, `<`, `>` and æøå
in placeholder expressions; the office logo in the letterhead; fonts set in the styles."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from docx import Document
from docx.oxml.ns import qn

from crm.extensions import db
from crm.releases import default_template, distribution, docx, templates_store
from crm.releases.export import render_docx
from crm.releases.logo import MAX_LOGO_BYTES, LogoRejected, save_logo, solid_png
from crm.releases.models import OfficeLogo, ReleaseTemplate
from crm.releases.output import sample_data
from crm.timeutil import utcnow
from tests.factories import approved
from tests.releases.docxfiles import make_template, texts
from tests.support import login

NO_PLACEHOLDERS = "uses none of Pressdesk"
NOT_SHOWN = "shows neither the title nor the text of a release"


def page(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def upload(client, data: bytes, name="Mal fra et annet verktøy", filename="mal.docx"):
    return client.post("/releases/templates", data={
        "name": name, "language": "nb", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data", follow_redirects=True)


def stored(name: str) -> ReleaseTemplate:
    return db.session.scalar(db.select(ReleaseTemplate).where(ReleaseTemplate.name == name))


# Templates the way other tools and offices make them: no Jinja placeholders at all.
FOREIGN = {
    "plain letter": make_template(body=["Pressemelding", "Partiet · Storgata 1 · 0155 Oslo",
                                        "Kontakt: pressevakt@partiet.no"]),
    "letterhead in header and footer": make_template(
        body=["Skriv teksten her."], header=["Partiet · Pressekontoret"],
        footer=["Side 1 · www.partiet.no"]),
    "table layout": make_template(table=[["Tittel:", ""], ["Ingress:", ""], ["Tekst:", ""]]),
    "mail merge style": make_template(body=["${Title}", "[[Ingress]]", "{Body}"],
                                      split_runs=[["<<Kontakt", "person>>"]]),
}


@pytest.mark.parametrize("kind", FOREIGN)
def test_a_template_without_placeholders_is_stored_with_a_warning_and_not_usable(
        as_editor, kind):
    text = page(upload(as_editor, FOREIGN[kind], name=kind))
    assert "Template uploaded." in text and NO_PLACEHOLDERS in text
    template = stored(kind)
    assert template.variables == [] and template.shown == []
    assert not template.is_default  # even as the first template of its language
    listing = page(as_editor.get("/releases/templates"))
    row = listing[listing.index(kind):].split("</tr>")[0]
    assert "not usable: shows neither title nor text" in row and "Make default" not in row


def test_the_hint_names_another_tools_placeholders(as_editor):
    text = page(upload(as_editor, FOREIGN["mail merge style"]))
    assert "another program" in text and "${Title}" in text and "[[Ingress]]" in text


def test_a_template_showing_only_the_date_and_contact_warns_that_it_cannot_send(as_editor):
    data = make_template(body=["Pressemelding {{ date }}"],
                         table=[["Kontakt", "{{ spokesperson.name }}"]],
                         footer=["{{ release_number }}"])
    text = page(upload(as_editor, data, name="Bare dato"))
    assert NOT_SHOWN in text and NO_PLACEHOLDERS not in text
    template = stored("Bare dato")
    assert template.shown == [] and not template.is_default
    refused = page(as_editor.post(f"/releases/templates/{template.id}/default",
                                  follow_redirects=True))
    assert "shows neither the title nor the text" in refused
    db.session.refresh(template)
    assert not template.is_default


@pytest.mark.parametrize("data,shown", [
    # Word splits a placeholder over runs (python-docx #30); docxtpl joins them again.
    (make_template(split_runs=[["{{ ti", "tle", " }}"]], body=["{{p body }}"]),
     ["title", "body"]),
    (make_template(table=[["Tittel", "{{ title }}"], ["Ingress", "{{ lead }}"]]),
     ["title", "lead"]),
    (make_template(header=["{{ title }}"], body=["Tekst kommer."]), ["title"]),
    (make_template(body=["{{p body }}", "{{p quotes }}"], footer=["{{ date }}"]),
     ["body", "quotes"]),
])
def test_templates_showing_the_title_or_the_text_are_usable(as_editor, data, shown):
    text = page(upload(as_editor, data, name="God mal"))
    assert NOT_SHOWN not in text and NO_PLACEHOLDERS not in text
    template = stored("God mal")
    assert template.shown == shown and template.is_default
    assert "usable" in page(as_editor.get("/releases/templates"))


def test_a_title_placeholder_that_never_shows_does_not_count(as_editor):
    data = make_template(body=["{% if false %}{{ title }}{% endif %}", "{{ date }}"])
    assert NOT_SHOWN in page(upload(as_editor, data, name="Skjult tittel"))
    assert stored("Skjult tittel").variables == ["date", "title"]
    assert stored("Skjult tittel").shown == []


def _unusable_template(client) -> ReleaseTemplate:
    page(upload(client, FOREIGN["letterhead in header and footer"], name="Brevark"))
    return stored("Brevark")


def test_nothing_is_sent_through_a_template_that_shows_neither_title_nor_text(
        as_editor, users, second_editor, media_list, smtp_server):
    template = _unusable_template(as_editor)
    release = approved(users["editor"], second_editor, template_id=template.id)
    for data in ({"list_ids": media_list.id}, {"list_ids": media_list.id, "confirm": "1"}):
        text = page(as_editor.post(f"/releases/{release.id}/distribute", data=data,
                                   follow_redirects=True))
        assert "“Brevark” shows neither the title nor the text of a release" in text
    assert smtp_server.messages == [] and release.distributions == []
    form = page(as_editor.get(f"/releases/{release.id}/edit"))
    assert "Brevark (nb) – not usable: shows neither title nor text" in form
    # Downloading it to look at is still possible: only sending is refused.
    assert as_editor.get(f"/releases/{release.id}/download.docx").status_code == 200


def test_a_scheduled_send_through_a_template_found_unusable_fails_with_the_reason(
        users, second_editor, media_list, smtp_server):
    """A template stored before `shown` was recorded (NULL after the migration) is checked
    when a distribution made earlier goes out; its recipients fail with the reason."""
    data = FOREIGN["plain letter"]
    template = ReleaseTemplate(name="Gammel mal", language="nb", filename="gammel.docx",
                               content=data, size=len(data), variables=[], shown=["title"])
    db.session.add(template)
    db.session.commit()
    release = approved(users["editor"], second_editor, template_id=template.id)
    created = distribution.create_distribution(
        release, list_ids=[media_list.id], contact_ids=[], user_id=users["editor"].id,
        send_at=utcnow() + timedelta(minutes=5))
    template.shown = None  # as the migration leaves the rows already stored
    db.session.commit()
    report = distribution.send_distribution(created, utcnow() + timedelta(minutes=6))
    assert report is not None and report.sent == 0
    assert smtp_server.messages == []
    failed = [r for r in created.recipients if r.status == "failed"]
    assert len(failed) == 3
    assert "shows neither the title nor the text" in failed[0].reason.render()
    db.session.refresh(template)
    assert template.shown == []  # checked once, remembered


# --- & and friends inside placeholders ---------------------------------------------------

def test_ampersand_and_angle_brackets_inside_placeholders_render_as_typed():
    template = make_template(
        body=['{{ title ~ " & Co" }}', '{{ "Ap & Høyre <æøå>" }}',
              "{% if lead %}{{ lead }} & mer{% endif %}", "Fast tekst: R&D <ok>"],
        split_runs=[['{{ "Sp &', ' KrF" }}']],
        header=['{{ "Senter & " ~ title }}'], footer=["{{ date }} & {{ title }}"])
    data = {**sample_data(), "title": "Ap & Høyre <b>æøå</b>", "lead": "«Sitat» & svar"}
    out = texts(docx.render(template, data))
    assert out["body"] == ["Ap & Høyre <b>æøå</b> & Co", "Ap & Høyre <æøå>",
                           "«Sitat» & svar & mer", "Fast tekst: R&D <ok>", "Sp & KrF"]
    assert out["header"][-1] == "Senter & Ap & Høyre <b>æøå</b>"
    assert out["footer"][-1] == "23.11.2026 & Ap & Høyre <b>æøå</b>"


def test_a_release_title_with_ampersand_reaches_the_document_and_its_properties(
        as_editor, users):
    approved_release = approved(users["editor"], users["admin"],
                                title="Ap & Høyre: <enighet> om æøå")
    _name, content = render_docx(approved_release)
    document = Document(io.BytesIO(content))
    assert "Ap & Høyre: <enighet> om æøå" in [p.text for p in document.paragraphs]
    assert document.core_properties.title == "Ap & Høyre: <enighet> om æøå"


# --- the logo and the fonts ---------------------------------------------------------------

def _header_images(content: bytes) -> list[bytes]:
    document = Document(io.BytesIO(content))
    header = document.sections[0].header
    blips = header._element.findall(".//" + qn("a:blip"))
    return [header.part.related_parts[b.get(qn("r:embed"))].blob for b in blips]


def logo_upload(client, data: bytes, filename: str = "partilogo.png"):
    return client.post("/releases/logo", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data", follow_redirects=True)


def test_an_admin_uploads_the_logo_and_it_appears_in_the_letterhead(client, users):
    login(client, users["admin"].email)
    release = approved(users["editor"], users["admin"])
    assert _header_images(render_docx(release)[1]) == []  # no logo: none
    logo = solid_png(300, 90)
    text = page(logo_upload(client, logo, "Partiets logo 🌹 æøå.png"))
    assert "Logo saved." in text and "300 × 90 px" in text
    stored_logo = db.session.scalar(db.select(OfficeLogo))
    image = client.get(f"/releases/logo/{stored_logo.id}/image")
    assert image.data == logo and image.mimetype == "image/png"
    download = client.get(f"/releases/{release.id}/download.docx")
    assert _header_images(download.data) == [logo]
    replacement = solid_png(120, 120, (0, 80, 160))
    page(logo_upload(client, replacement, "ny.png"))
    assert _header_images(render_docx(release)[1]) == [replacement]
    assert "Logo removed." in page(client.post("/releases/logo/remove", follow_redirects=True))
    assert _header_images(render_docx(release)[1]) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(OfficeLogo)) == 0


@pytest.mark.parametrize("data,filename,message", [
    (b"", "tom.png", "required"),
    (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "logo.gif", "must be a PNG or JPEG"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg",
     "must be a PNG or JPEG"),
    (solid_png(10, 10)[:30], "avkuttet.png", "must be a PNG or JPEG"),
    (b"\xff\xd8\xff\xe0 ikke egentlig jpeg", "falsk.jpg", "must be a PNG or JPEG"),
    (solid_png(7000, 1), "bred.png", "at most 6000 pixels"),
])
def test_a_bad_logo_is_refused_with_a_reason_and_nothing_stored(as_admin, data, filename,
                                                                message):
    text = page(logo_upload(as_admin, data, filename))
    assert message in text
    assert db.session.scalar(db.select(db.func.count()).select_from(OfficeLogo)) == 0


def test_a_logo_over_the_size_limit_is_refused(app):
    with pytest.raises(LogoRejected, match="at most 2 MB"):
        save_logo(solid_png(10, 10) + b"\0" * MAX_LOGO_BYTES, "stor.png")
    assert db.session.scalar(db.select(db.func.count()).select_from(OfficeLogo)) == 0


def test_only_admins_manage_the_logo(as_editor):
    assert as_editor.get("/releases/logo").status_code == 403
    assert as_editor.post("/releases/logo/remove").status_code == 403
    assert db.session.scalar(db.select(db.func.count()).select_from(OfficeLogo)) == 0


@pytest.mark.parametrize("language", ["nb", "en"])
def test_the_default_template_sets_its_fonts_in_the_styles_not_per_run(language):
    document = Document(io.BytesIO(default_template.build(language)))
    for style_name, font in [("Normal", "Calibri"), ("Heading 1", "Cambria"),
                             ("Heading 2", "Cambria"), ("Footer", "Calibri")]:
        fonts = document.styles[style_name].element.rPr.rFonts
        assert {fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "cs", "eastAsia")} == {font}
        # a theme font would win over the named one in Word
        assert not [k for k in fonts.attrib if k.endswith("Theme") or k.endswith("theme")]
    body_xml = document.element.body.xml + document.sections[0].header._element.xml
    assert "<w:rFonts" not in body_xml


def test_the_default_template_shows_every_part_and_the_logo_placeholder():
    inspection = docx.inspect(default_template.build("nb"), sample_data("nb"))
    assert inspection.usable and inspection.shown == ["title", "lead", "body", "quotes"]
    assert "logo" in inspection.variables and not inspection.unknown


def test_templates_stored_before_the_check_are_checked_once_when_listed(as_editor):
    data = make_template(body=["{{ title }}", "{{p body }}"])
    db.session.add(ReleaseTemplate(name="Fra før", language="nb", filename="f.docx",
                                   content=data, size=len(data), variables=["body", "title"]))
    db.session.commit()
    assert "usable" in page(as_editor.get("/releases/templates"))
    assert stored("Fra før").shown == ["title", "body"]
    assert templates_store.is_usable(stored("Fra før"))
