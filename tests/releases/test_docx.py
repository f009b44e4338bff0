"""Rendering .docx templates: placeholders everywhere, formatting, and hostile templates."""

import io
import zipfile

import pytest

from crm.releases import default_template, docx, markup
from crm.releases.output import sample_data
from crm.releases.package import PackageError, check_docx
from tests.releases.docxfiles import make_template, rezip, texts

DATA = {**sample_data("nb"), "title": "Ap & Høyre <b>enige</b>", "lead": "Ingress «æøå» 😀",
        "body": "Første **fet** og *kursiv* med [lenke](https://example.no/a?b=1&c=2).\n\n"
                "- punkt én\n- punkt to\n\nLinje én\nlinje to",
        "embargo": "SPERREFRIST: 23.11.2026 kl. 07:00"}


def test_default_template_fills_body_header_footer_and_properties():
    rendered = texts(docx.render(default_template.build("nb"), DATA))
    body = rendered["body"]
    assert "Ap & Høyre <b>enige</b>" in body  # the "&" survives, HTML stays text
    assert "Ingress «æøå» 😀" in body
    # The embargo once, prominently at the top of the text; not again in the header.
    assert [line for line in body if "SPERREFRIST" in line] == \
        ["SPERREFRIST: 23.11.2026 kl. 07:00"]
    assert body.index("SPERREFRIST: 23.11.2026 kl. 07:00") < body.index("Ap & Høyre <b>enige</b>")
    assert not any("SPERREFRIST" in line for line in rendered["header"] + rendered["footer"])
    assert any("23.11.2026 · Ap & Høyre" in line for line in rendered["footer"])
    assert rendered["doc"].core_properties.title == "Ap & Høyre <b>enige</b>"
    assert not any("{{" in line or "{%" in line for line in body + rendered["header"])


def test_body_keeps_its_formatting():
    doc = texts(docx.render(default_template.build("en"), DATA))["doc"]
    paragraphs = {p.text: p for p in doc.paragraphs}
    first = next(p for text, p in paragraphs.items() if text.startswith("Første"))
    runs = {r.text: r for r in first.runs}
    assert runs["fet"].bold and runs["kursiv"].italic
    links = first.hyperlinks
    assert [link.text for link in links] == ["lenke"]
    assert links[0].address == "https://example.no/a?b=1&c=2"
    assert paragraphs["punkt én"].style.name == "List Bullet"
    assert "Linje én\nlinje to" in paragraphs  # a single newline is a line break


def test_no_embargo_leaves_no_empty_warning():
    rendered = texts(docx.render(default_template.build("nb"), {**DATA, "embargo": ""}))
    assert not any("SPERREFRIST" in line for line in rendered["body"] + rendered["header"])


def test_placeholders_split_across_runs_in_header_and_footer_of_an_uploaded_template():
    template = make_template(
        body=["Dato: {{ date }}", "{{p body }}"],
        header=["{{ embargo }} – {{ spokesperson.name }}"],
        footer=["Side for {{ title }}"],
        split_runs=[["{{ ti", "tle", " }}"], ["{", "{ lead }", "}"]])
    rendered = texts(docx.render(template, DATA))
    assert "Ap & Høyre <b>enige</b>" in rendered["body"]
    assert "Ingress «æøå» 😀" in rendered["body"]
    assert "Dato: 23.11.2026" in rendered["body"]
    assert rendered["header"][-1] == "SPERREFRIST: 23.11.2026 kl. 07:00 – Åse Ødegård"
    assert rendered["footer"][-1] == "Side for Ap & Høyre <b>enige</b>"


def test_bullets_without_a_list_style_still_show():
    xml = markup.to_wordml("- a\n- b", lambda url: "rId1", bullet_style="")
    assert xml.count("•") == 2 and 'w:hanging="360"' in xml


def test_inspection_lists_placeholders_and_flags_unknown_ones():
    template = make_template(body=["{{ title }} {{ kampanje }} {{ spokesperson.phone }}",
                                   "{% for x in items %}{{ x }}{% endfor %}"])
    inspection = docx.inspect(template, DATA)
    assert inspection.variables == ["items", "kampanje", "spokesperson", "title"]
    assert inspection.unknown == ["items", "kampanje"]


@pytest.mark.parametrize("attack", [
    "{{ cycler.__init__.__globals__ }}",
    "{{ cycler.__init__.__globals__.os.system('touch /tmp/pwned-by-template') }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ title.__class__.__base__ }}",
    "{{ self.__init__.__globals__ }}",
])
def test_a_malicious_template_cannot_reach_python(attack):
    with pytest.raises(docx.RenderError) as caught:
        docx.render(make_template(body=[attack]), DATA)
    message = str(caught.value)
    assert "blocked by the sandbox" in message
    assert "<module" not in message and "/usr" not in message


def test_a_template_cannot_change_the_data_it_is_given():
    attack = "{{ spokesperson.update({'name': 'x'}) }}{{ spokesperson.clear() }}"
    with pytest.raises(docx.RenderError, match="sandbox"):
        docx.render(make_template(body=[attack]), DATA)


def test_a_template_that_runs_forever_is_stopped():
    endless = ("{% for i in range(100000) %}{% for j in range(100000) %}{{ j }}"
               "{% endfor %}{% endfor %}")
    with pytest.raises(docx.RenderError, match="longer than 1 seconds|memory or CPU"):
        docx.render(make_template(body=[endless]), DATA, timeout=1)


def test_syntax_errors_are_reported_not_raised():
    with pytest.raises(docx.RenderError, match="syntax"):
        docx.render(make_template(body=["{{ title "]), DATA)
    with pytest.raises(docx.RenderError, match="syntax"):
        docx.render(make_template(body=["{% if title %}"]), DATA)


def test_block_placeholders_inline_or_in_a_header_are_refused():
    with pytest.raises(docx.RenderError, match=r"\{\{p body \}\}"):
        docx.render(make_template(body=["Tekst: {{ body }}"]), DATA)
    with pytest.raises(docx.RenderError, match="header or footer"):
        docx.render(make_template(body=["x"], header=["{{p quotes }}"]), DATA)


# --- the package checks before anything parses an upload ---------------------------------

def zip_of(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_real_docx_passes():
    check_docx(default_template.build("nb"))


@pytest.mark.parametrize("data,message", [
    (b"", "empty"),
    (b"Hello, I am a text file", "not a zip"),
    (b"%PDF-1.7\n...", "not a zip"),
    (b"PK\x03\x04broken", "damaged"),
    (b"x" * (5 * 1024 * 1024 + 1), "larger than 5 MB"),
])
def test_what_is_not_a_docx_is_refused(data, message):
    with pytest.raises(PackageError, match=message):
        check_docx(data)


def test_a_zip_without_word_parts_is_refused():
    with pytest.raises(PackageError, match="word/document.xml"):
        check_docx(zip_of({"hello.txt": b"hi"}))


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    real = default_template.build("nb")
    # 60 MB of zeros compress to about 60 KB: too much in total and too well compressed.
    bomb = rezip(real, add={"word/media/bomb.bin": b"\0" * (60 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(PackageError, match="zip bomb"):
        check_docx(bomb)
    ratio_bomb = rezip(real, add={"word/media/ratio.bin": b"\0" * (5 * 1024 * 1024)})
    with pytest.raises(PackageError, match="zip bomb"):
        check_docx(ratio_bomb)


def test_a_zip_with_too_many_parts_is_refused():
    many = rezip(default_template.build("nb"),
                 add={f"word/x{i}.xml": b"<x/>" for i in range(1001)})
    with pytest.raises(PackageError, match="more than 1000 parts"):
        check_docx(many)


def test_macro_documents_and_word_templates_are_refused():
    real = default_template.build("nb")
    with zipfile.ZipFile(io.BytesIO(real)) as archive:
        types = archive.read("[Content_Types].xml")
    docm = types.replace(b"document.main+xml", b"document.macroEnabled.main+xml")
    docm = docm.replace(b"wordprocessingml.document.macroEnabled.main+xml",
                        b"ms-word.document.macroEnabled.main+xml")
    with pytest.raises(PackageError, match="Macro"):
        check_docx(rezip(real, replace={"[Content_Types].xml": docm}))
    dotx = types.replace(b"wordprocessingml.document.main+xml",
                         b"wordprocessingml.template.main+xml")
    with pytest.raises(PackageError, match="dotx"):
        check_docx(rezip(real, replace={"[Content_Types].xml": dotx}))
    with pytest.raises(PackageError, match="macros"):
        check_docx(rezip(real, add={"word/vbaProject.bin": b"\x00" * 100}))


def test_entities_in_content_types_are_not_expanded():
    real = default_template.build("nb")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">'
              b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><Types>&b;</Types>')
    with pytest.raises(PackageError):
        check_docx(rezip(real, replace={"[Content_Types].xml": laughs}))

