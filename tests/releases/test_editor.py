"""The release editor: the live preview endpoint (roles, CSRF, hostile input) and the
word-level diff between versions with translated field labels."""

from __future__ import annotations

import httpx
import pytest

from crm.releases import services
from crm.releases.diff import diff_versions, word_diff
from tests.factories import draft, make_user
from tests.support import csrf_token_in, live_login, live_server, login


def preview(client, body: str):
    return client.post("/releases/preview", data={"body": body})


def test_the_preview_shows_the_body_formatted_as_every_output_does(as_editor):
    response = preview(as_editor, "Første **fet** og *kursiv* [lenke](https://nrk.no).\n\n"
                                  "- Ap & Høyre\n- Sp <og> KrF")
    assert response.status_code == 200 and response.headers["X-Body-Preview"] == "1"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.get_data(as_text=True) == (
        '<p>Første <strong>fet</strong> og <em>kursiv</em> <a href="https://nrk.no">lenke</a>'
        '.</p>\n<ul><li>Ap &amp; Høyre</li><li>Sp &lt;og&gt; KrF</li></ul>')


@pytest.mark.parametrize("body,shown,absent", [
    ("", "Nothing to show yet.", "<strong"),
    ("   \n\n  ", "Nothing to show yet.", "<strong"),
    ("<script>alert(1)</script> <img src=x onerror=alert(2)>",
     "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;", "<script"),
    ("[klikk](javascript:alert(1))", "[klikk](javascript:alert(1))", "href"),
    ("Bjelle\x07 og vertikal\x0btab", "Bjelle og vertikaltab", "\x07"),
    ("Emoji 🌹🙂 og æøå ÆØÅ", "Emoji 🌹🙂 og æøå ÆØÅ", "&#"),
    ("**" * 5000, "", "<script"),
])
def test_hostile_input_is_shown_as_text(as_editor, body, shown, absent):
    response = preview(as_editor, body)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert shown in text and absent not in text


def test_a_text_over_the_limit_gets_a_message_not_a_500(as_editor):
    response = preview(as_editor, "x" * (services.BODY_MAX + 1))
    assert response.status_code == 400 and response.headers["X-Body-Preview"] == "1"
    assert "at most 100000 characters" in response.get_data(as_text=True)


def test_a_nul_character_is_refused_like_everywhere_else(as_editor):
    response = preview(as_editor, "Null\x00byte")
    assert response.status_code == 400 and "X-Body-Preview" not in response.headers


def test_only_editors_may_preview(client, users):
    assert preview(client, "Tekst").status_code in (302, 401)  # not logged in
    login(client, users["viewer"].email)
    assert preview(client, "Tekst").status_code == 403
    assert client.get("/releases/preview").status_code == 405


def test_the_editor_page_has_the_preview_beside_the_text(as_editor, users):
    release = draft(users["editor"], body="Gammel **tekst** <b>")
    text = as_editor.get(f"/releases/{release.id}/edit").get_data(as_text=True)
    assert 'data-preview-url="/releases/preview"' in text
    assert 'id="body-preview"' in text and "release-preview.js" in text
    assert "Gammel <strong>tekst</strong> &lt;b&gt;" in text  # shown before any typing
    assert "<script>" not in text.split("release-preview.js")[0].split("<main")[-1]


def test_the_preview_needs_a_csrf_token(make_app, users):
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False, SERVER_NAME=None)
    with live_server(app) as base, httpx.Client(base_url=base, timeout=30) as client:
        live_login(client, users["editor"].email)
        refused = client.post("/releases/preview", data={"body": "**fet**"})
        assert refused.status_code == 400 and "X-Body-Preview" not in refused.headers
        token = csrf_token_in(client.get("/releases/new").text)
        by_field = client.post("/releases/preview", data={"body": "**fet**", "csrf_token": token})
        by_header = client.post("/releases/preview", data={"body": "**fet**"},
                                headers={"X-CSRFToken": token})
        for response in (by_field, by_header):
            assert response.status_code == 200
            assert response.text == "<p><strong>fet</strong></p>"


# --- the diff -------------------------------------------------------------------------------

def test_the_word_diff_marks_only_the_changed_words():
    assert word_diff("Støre møter Ap-ledere i Bodø.", "Støre møtte Ap-ledere i Tromsø.") == [
        ("equal", "Støre "), ("delete", "møter"), ("insert", "møtte"),
        ("equal", " Ap-ledere i "), ("delete", "Bodø"), ("insert", "Tromsø"), ("equal", ".")]
    assert word_diff("", "Ny tekst") == [("insert", "Ny tekst")]
    assert word_diff("Borte", "") == [("delete", "Borte")]


def test_a_long_body_is_compared_line_by_line_first():
    """A body at the length limit (repetitive words made difflib take minutes); a change
    stretch too long to compare word by word is shown as replaced."""
    paragraphs = [f"Avsnitt {n} om helsekøer i Nord-Norge og på Værøy." for n in range(1800)]
    before = "\n\n".join(paragraphs)
    assert len(before) > 90_000
    after = before.replace("Avsnitt 900 om", "Avsnitt 900 handler om")
    assert word_diff(before, after) == [
        ("equal", before.split("Avsnitt 900 om")[0] + "Avsnitt 900 "), ("insert", "handler "),
        ("equal", "om" + before.split("Avsnitt 900 om")[1])]
    words = "ord " * 25_000
    assert word_diff(words, words[:50_000] + "nytt " + words[50_000:]) == [
        ("equal", words[:50_000]), ("insert", "nytt "), ("equal", words[50_000:])]
    old_line, new_line = " ".join(["a", "b"] * 2500), " ".join(["b", "a"] * 2500)
    assert word_diff(old_line, new_line) == [("delete", old_line), ("insert", new_line)]


def test_versions_differ_word_by_word_with_norwegian_labels_and_escaped_html(client, politician):
    editor = make_user("redaktor@example.no", "editor", name="Åse", language="nb")
    release = draft(editor, title="Ap & Høyre er enige", lead="Kort ingress.",
                    body="Første avsnitt om æøå.\n\nAndre avsnitt.")
    services.save_release(release, services.ReleaseData(
        title="Ap & Høyre er uenige", lead="Kort og klar ingress.",
        body="Første avsnitt om ÆØÅ.\n\nAndre <script>alert(1)</script> avsnitt.",
        quotes=[(politician.id, "Vi står på vårt.")]), editor.id)
    diff = {d.field: d for d in diff_versions(services.get_version(release, 1),
                                             services.get_version(release, 2))}
    assert set(diff) == {"title", "lead", "body", "quotes"}
    assert diff["body"].deleted == ["æøå"]
    assert diff["body"].inserted == ["ÆØÅ", "<script>alert(1)</script> "]
    login(client, editor.email)
    text = client.get(f"/releases/{release.id}/versions?a=1&b=2").get_data(as_text=True)
    for label in ("<h3>Tittel</h3>", "<h3>Ingress</h3>", "<h3>Brødtekst</h3>",
                  "<h3>Sitater</h3>"):
        assert label in text
    assert "Ap &amp; Høyre er <del>enige</del><ins>uenige</ins>" in text
    assert "Kort <ins>og klar </ins>ingress." in text
    assert "om <del>æøå</del><ins>ÆØÅ</ins>." in text
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt; </ins>avsnitt." in text
    assert "<script>alert(1)" not in text
    assert "<ins>Jonas Ødegård: Vi står på vårt.</ins>" in text
