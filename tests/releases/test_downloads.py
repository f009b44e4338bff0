"""Any file name downloads (RFC 6266): an ASCII `filename=` for old clients and the real name
in `filename*=UTF-8''...`, checked over a real HTTP server with the names people give files."""

from __future__ import annotations

import re
from urllib.parse import unquote

import httpx
import pytest

from crm.extensions import db
from crm.releases.models import ReleaseTemplate
from crm.view_helpers import content_disposition
from tests.factories import approved
from tests.releases.docxfiles import make_template
from tests.support import csrf_token_in, live_login, live_server

NAMES = ["Vår mal 🌹.docx", 'Ap "og" Høyre.docx', "Pressemelding – ny; versjon.docx",
         "mal med mellomrom.docx", "🙂.docx", "ÆØÅ æøå.docx", "50% rabatt.docx",
         "plain.docx"]


def parse(value: str) -> tuple[str, str, str | None]:
    """(disposition, the ASCII filename, the decoded filename* or None)."""
    kind = value.split(";", 1)[0]
    plain = re.search(r'filename="([^"]*)"', value)
    star = re.search(r"filename\*=UTF-8''([^;\s]+)", value)
    return kind, plain.group(1) if plain else "", unquote(star.group(1)) if star else None


@pytest.fixture
def live(make_app, users):
    """An httpx client logged in as the editor on Pressdesk served for real, CSRF on."""
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False, SERVER_NAME=None)
    with live_server(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert live_login(client, users["editor"].email).status_code == 302
        yield client


def test_templates_with_any_file_name_download_again(live):
    data = make_template(body=["{{ title }}", "{{p body }}"])
    for number, name in enumerate(NAMES):
        token = csrf_token_in(live.get("/releases/templates").text)
        response = live.post("/releases/templates", data={
            "name": f"Mal {number}", "language": "nb", "csrf_token": token},
            files={"file": (name, data, "application/octet-stream")})
        assert response.status_code == 302, response.text
    uploaded = list(db.session.scalars(db.select(ReleaseTemplate).where(
        ReleaseTemplate.name.like("Mal %"))))
    # quotes and path characters are dropped at upload; everything else is kept
    assert sorted(t.filename for t in uploaded) == sorted(n.replace('"', "") for n in NAMES)
    for template in uploaded:
        response = live.get(f"/releases/templates/{template.id}/download.docx")
        assert response.status_code == 200 and response.content == data
        header = response.headers["Content-Disposition"]
        header.encode("ascii")  # a header is ASCII; anything else is what gave the 500
        kind, plain, star = parse(header)
        assert kind == "attachment" and plain.endswith(".docx")
        assert (star or plain) == template.filename
        assert all(" " <= ch <= "~" and ch not in '"\\%;/' for ch in plain)


def test_the_release_document_downloads_with_its_name(live, users, second_editor):
    release = approved(users["editor"], second_editor, title="Ap & Høyre: «enighet» 🌹")
    response = live.get(f"/releases/{release.id}/download.docx")
    assert response.status_code == 200
    kind, plain, star = parse(response.headers["Content-Disposition"])
    assert kind == "attachment" and star is None
    assert re.fullmatch(r"pressemelding-\d{4}-\d\d-\d\d-ap-hoyre-enighet\.docx", plain)


def test_other_downloads_use_the_same_header(live):
    response = live.get("/monitoring/feeds/opml")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="pressdesk-feeds.opml"'
    response = live.get("/follow-ups.ics")
    assert response.status_code == 200
    assert parse(response.headers["Content-Disposition"])[1] == "pressdesk-follow-ups.ics"


@pytest.mark.parametrize("name,plain,star", [
    ("rapport.csv", "rapport.csv", None),
    ("Vår mal 🌹.docx", "Var mal.docx", "Vår mal 🌹.docx"),
    ("Smørbrød Ærlig Åpen.docx", "Smorbrod Aerlig Apen.docx", "Smørbrød Ærlig Åpen.docx"),
    ('sitat "her".docx', "sitat her.docx", 'sitat "her".docx'),
    ("🙂.docx", "download.docx", "🙂.docx"),
    ("", "download", None),
    ("a\r\nSet-Cookie: x=1\x00.docx", "aSet-Cookie: x=1.docx", None),
    ("..\\..\\etc/passwd", ".._.._etc_passwd", None),
    ("x" * 400 + ".docx", "x" * 250 + ".docx", None),
    ("<script>alert(1)</script>.docx", "<script>alert(1)<_script>.docx", None),
])
def test_content_disposition_for_hostile_and_foreign_names(app, name, plain, star):
    value = content_disposition(name)
    value.encode("ascii")
    assert "\r" not in value and "\n" not in value and "\x00" not in value
    assert parse(value) == ("attachment", plain, star)
    assert content_disposition(name, inline=True).startswith("inline; ")
