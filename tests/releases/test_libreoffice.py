"""A rendered release opens in LibreOffice, with its text and formatting (issue 3, Output).

A release with everything in it (bold, italic, a link, bullets, a quote by a politician, a
contact person, a snippet, an embargo, æøå and "Ap & Høyre") is rendered from the built-in
Norwegian and English default templates and converted by LibreOffice itself
(`libreoffice --headless --convert-to ...`, with a private profile and a time limit):

- to PDF: the file exists, is a PDF, and carries the text (read with `pdftotext` when it is
  installed, otherwise from LibreOffice's own plain-text export of the same .docx);
- to flat OpenDocument (.fodt): LibreOffice's model of the document, where we check that bold,
  italic, the link, the list, the header and the footer came through as such.

Headless LibreOffice shows no repair dialog: a package it would offer to repair is "could not
be loaded" (exit code still 0, no output file), and a file that is no Word document at all is
opened as plain text. So the checks are on what comes out, never on the exit code alone; the
last test shows they catch both.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import signal
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from crm.contacts.services import ContactData, create_contact
from crm.releases import services, snippets
from crm.releases.export import render_docx, template_for
from crm.releases.package import check_docx
from tests.factories import make_user
from tests.releases.docxfiles import rezip

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    LIBREOFFICE is None,
    reason="LibreOffice is not installed (no `libreoffice` or `soffice` on PATH): cannot check "
           "that rendered Word files open in it")

CONVERT_TIMEOUT = 180  # seconds; the first start with a fresh profile is the slow one
EMBARGO = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 in Oslo
SENT_AT = EMBARGO - timedelta(hours=12)  # rendered as sent the evening before, under embargo
TITLE = "Ap & Høyre er enige om æøå"
LINK = "https://partiet.no/sak?a=1&b=2"
BODY = ("Første avsnitt med **fet skrift**, *kursiv tekst* og en [lenke til partiet](" + LINK
        + ").\n\n- første punkt\n- andre punkt med æøå\n\nSiste avsnitt: Ap & Høyre.")

NS = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
      "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
      "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
      "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
      "xlink": "http://www.w3.org/1999/xlink",
      "dc": "http://purl.org/dc/elements/1.1/"}
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

# What each language's document must say, in the body and in the header/footer.
EXPECTED = {
    "nb": {"body": ["SPERREFRIST: 23.11.2026 kl. 07:00. Ikke for publisering før dette "
                    "tidspunktet.", "23.11.2026",
                    "«Dette er et godt forlik for Ap & Høyre», sier Jonas Ødegård, "
                    "stortingsrepresentant.", "Kontaktperson"],
           "header": ["Partiet · Pressekontoret", "PRESSEMELDING"],
           "footer": [f"Pressemelding 23.11.2026 · {TITLE}"]},
    "en": {"body": ["EMBARGOED UNTIL 07:00 CET, 23 November 2026. Not for publication before "
                    "this time.", "23 November 2026",
                    "“Dette er et godt forlik for Ap & Høyre,” says Jonas Ødegård, "
                    "stortingsrepresentant.", "Contact"],
           "header": ["The Party · Press office", "PRESS RELEASE"],
           "footer": [f"Press release 23 November 2026 · {TITLE}"]},
}
COMMON_BODY = [TITLE, "Ingress: «blåbærsyltetøy» for Ap & Høyre.",
               "Første avsnitt med fet skrift, kursiv tekst og en lenke til partiet.",
               "første punkt", "andre punkt med æøå", "Siste avsnitt: Ap & Høyre.",
               "Jonas Ødegård, stortingsrepresentant", "+47 912 34 567 · jonas@partiet.no",
               "Om partiet", "Vi er en folkebevegelse fra Værøy til Østfold."]


# --- driving LibreOffice --------------------------------------------------------------------

@pytest.fixture(scope="module")
def lo_profile(tmp_path_factory) -> str:
    """A private LibreOffice user profile: parallel runs (and a desktop LibreOffice someone
    has open) do not share, lock or hand the job to each other's instance."""
    return tmp_path_factory.mktemp("lo-profile").as_uri()


def convert(profile: str, sources: list[Path], target: str, outdir: Path) -> str:
    """Run LibreOffice's converter; return what it printed (stdout and stderr)."""
    command = [LIBREOFFICE, f"-env:UserInstallation={profile}", "--headless", "--norestore",
               "--convert-to", target, "--outdir", str(outdir), *map(str, sources)]
    # Its own session: on a timeout the whole group goes (the launcher script, oosplash and
    # soffice.bin), so no LibreOffice is left running with the profile locked.
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          start_new_session=True) as process:
        try:
            out, err = process.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"LibreOffice did not convert {[s.name for s in sources]} to {target} "
                        f"within {CONVERT_TIMEOUT} seconds")
    return out + err


def converted(profile: str, source: Path, target: str, suffix: str) -> Path:
    """`source` converted to `target`; fails with LibreOffice's words if nothing came out."""
    outdir = source.parent / suffix
    printed = convert(profile, [source], target, outdir)
    path = outdir / (source.stem + "." + suffix)
    assert "Error" not in printed, printed
    assert path.is_file() and path.stat().st_size > 0, f"no {suffix} from LibreOffice: {printed}"
    return path


def pdf_or_document_text(profile: str, docx_path: Path, pdf: Path) -> str:
    """The PDF's text (pdftotext), else LibreOffice's plain-text export of the document
    (body only: that filter leaves headers and footers out)."""
    if shutil.which("pdftotext"):
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
                                capture_output=True, timeout=60, check=True)
        text = result.stdout.decode("utf-8")
    else:
        text = converted(profile, docx_path, "txt:Text (encoded):UTF8", "txt") \
            .read_text("utf-8-sig")
    return " ".join(text.split())  # lines wrapped in the PDF join up again


# --- the release ----------------------------------------------------------------------------

def full_release(language: str):
    """A release using every kind of content a template renders, by an editor."""
    author = make_user(f"forfatter-{language}@example.no", "editor", name="Eva Redaktør")
    politician = create_contact(ContactData(
        kind="politician", name="Jonas Ødegård", title="stortingsrepresentant",
        emails=["jonas@partiet.no"], phones=["912 34 567"]))
    about = snippets.save_snippet(None, name=f"Om partiet ({language})", language="nb",
                                  body="**Om partiet**\n\nVi er en folkebevegelse fra Værøy "
                                       "til Østfold.")
    return services.save_release(None, services.ReleaseData(
        title=TITLE, lead="Ingress: «blåbærsyltetøy» for Ap & Høyre.", body=BODY,
        language=language, spokesperson_id=politician.id,
        quotes=[(politician.id, "Dette er et godt forlik for Ap & Høyre")],
        snippet_ids=[about.id], embargo_until=EMBARGO), author.id)


def dangling_relationships(data: bytes) -> list[str]:
    """r:id references in the body, headers and footers with no relationship behind them
    (Word reports such a file as unreadable content; LibreOffice silently drops the link)."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = set(archive.namelist())
        for name in sorted(n for n in names if re.fullmatch(
                r"word/(document|header\d*|footer\d*)\.xml", n)):
            rels_name = "word/_rels/" + name.removeprefix("word/") + ".rels"
            ids = set()
            if rels_name in names:
                ids = {el.get("Id") for el in etree.fromstring(archive.read(rels_name))}
            for el in etree.fromstring(archive.read(name)).iter():
                for attr, value in el.attrib.items():
                    if attr.startswith("{" + REL_NS + "}") and value not in ids:
                        problems.append(f"{name}: {value}")
    return problems


# --- the tests ------------------------------------------------------------------------------

@pytest.mark.slow
@pytest.mark.parametrize("language", ["nb", "en"])
def test_libreoffice_opens_the_rendered_release_with_text_and_formatting(
        app, language, lo_profile, tmp_path):
    release = full_release(language)
    assert template_for(release).language == language  # the built-in default of its language
    name, data = render_docx(release, at=SENT_AT)
    check_docx(data)  # the package is sound by our own upload rules
    assert dangling_relationships(data) == []
    source = tmp_path / name
    source.write_bytes(data)
    expected = EXPECTED[language]

    pdf = converted(lo_profile, source, "pdf", "pdf")
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = pdf_or_document_text(lo_profile, source, pdf)
    for words in COMMON_BODY + expected["body"]:
        assert words in text, f"{words!r} is missing from LibreOffice's text: {text}"
    assert "{{" not in text and "{%" not in text

    odt = etree.parse(str(converted(lo_profile, source, "fodt", "fodt"))).getroot()
    body = odt.find("office:body/office:text", NS)
    assert body_has_span(odt, body, "fet skrift", "fo:font-weight", "bold")
    assert body_has_span(odt, body, "kursiv tekst", "fo:font-style", "italic")
    links = [(a.get(f"{{{NS['xlink']}}}href"), "".join(a.itertext()))
             for a in body.iterfind(".//text:a", NS)]
    assert links == [(LINK, "lenke til partiet")]
    items = ["".join(item.find("text:p", NS).itertext())
             for item in body.iterfind(".//text:list/text:list-item", NS)]
    assert items == ["første punkt", "andre punkt med æøå"]
    page = odt.find("office:master-styles/style:master-page", NS)
    header = " ".join(page.find("style:header", NS).itertext())
    footer = " ".join(page.find("style:footer", NS).itertext())
    for words in expected["header"]:
        assert words in header
    assert "SPERREFRIST" not in header and "EMBARGOED" not in header  # once, in the body
    for words in expected["footer"]:
        assert words in footer
    assert odt.findtext("office:meta/dc:title", namespaces=NS) == TITLE


def body_has_span(odt, body, words: str, prop: str, value: str) -> bool:
    """Whether `words` is a text span whose (automatic) style sets `prop` to `value`."""
    prefix, local = prop.split(":")
    styles = {s.get(f"{{{NS['style']}}}name"): s
              for s in odt.iterfind("office:automatic-styles/style:style", NS)}
    for span in body.iterfind(".//text:span", NS):
        if "".join(span.itertext()) != words:
            continue
        style = styles.get(span.get(f"{{{NS['text']}}}style-name"))
        props = style.find("style:text-properties", NS) if style is not None else None
        if props is not None and props.get(f"{{{NS[prefix]}}}{local}") == value:
            return True
    return False


@pytest.mark.slow
def test_the_checks_catch_a_file_libreoffice_cannot_open(app, lo_profile, tmp_path):
    """Not vacuous: a damaged document gives no PDF, and a text file posing as .docx gives a
    PDF without the release's text."""
    name, data = render_docx(full_release("nb"), at=SENT_AT)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("word/document.xml")
    damaged = tmp_path / "damaged.docx"
    damaged.write_bytes(rezip(data, replace={"word/document.xml": xml[:len(xml) // 2]}))
    impostor = tmp_path / "impostor.docx"
    impostor.write_text("Bare tekst, ikke Word.", "utf-8")
    printed = convert(lo_profile, [damaged, impostor], "pdf", tmp_path / "out")
    assert "could not be loaded" in printed
    assert not (tmp_path / "out" / "damaged.pdf").exists()
    assert (tmp_path / "out" / "impostor.pdf").is_file()
    text = pdf_or_document_text(lo_profile, impostor, tmp_path / "out" / "impostor.pdf")
    assert TITLE not in text
