"""The simple markup of release bodies and snippets, and its HTML, plain-text and Word forms.

Paragraphs are separated by a blank line; a single line break stays a line break. Lines that
start with "- " or "* " are bullet items. Inline: **bold**, *italic* and [text](https://link)
(http, https and mailto only; any other link stays literal text). Nothing else is markup, so
whatever a user types (HTML, script, SQL-looking text) is shown as text in every output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape as html_escape
from xml.sax.saxutils import escape as xml_escape

from markupsafe import Markup

ALLOWED_SCHEMES = ("http://", "https://", "mailto:")
_BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
_INLINE = re.compile(
    r"\*\*(?P<bold>.+?)\*\*"
    r"|(?<![\w*])\*(?P<italic>[^\s*](?:.*?[^\s*])?)\*(?![\w*])"
    r"|\[(?P<ltext>[^\[\]\n]+)\]\((?P<href>[^()\s]+)\)")
# Control characters other than tab and newline are invalid in XML (and a docx).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str = ""


@dataclass(frozen=True)
class Block:
    kind: str  # "p" (lines: each a list of runs, joined by line breaks) or "ul" (items)
    lines: tuple[tuple[Run, ...], ...]


def clean(text: str) -> str:
    """Newlines normalised, control characters (invalid in XML) removed."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def safe_href(href: str) -> str:
    href = href.strip()
    return href if href.lower().startswith(ALLOWED_SCHEMES) and len(href) <= 2000 else ""


def parse_inline(text: str, bold: bool = False, italic: bool = False) -> list[Run]:
    runs: list[Run] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            runs.append(Run(text[pos:m.start()], bold, italic))
        if m.group("bold") is not None:
            runs.extend(parse_inline(m.group("bold"), True, italic))
        elif m.group("italic") is not None:
            runs.extend(parse_inline(m.group("italic"), bold, True))
        else:
            href = safe_href(m.group("href"))
            if href:
                runs.append(Run(m.group("ltext"), bold, italic, href))
            else:
                runs.append(Run(m.group(0), bold, italic))
        pos = m.end()
    if pos < len(text):
        runs.append(Run(text[pos:], bold, italic))
    return [r for r in runs if r.text]


def parse(text: str) -> list[Block]:
    """The markup as blocks of runs."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", clean(text)):
        lines = [line.rstrip() for line in chunk.split("\n") if line.strip()]
        current_kind, current = "", []
        for line in lines:
            bullet = _BULLET.match(line)
            kind = "ul" if bullet else "p"
            content = bullet.group(1) if bullet else line.strip()
            if kind != current_kind and current:
                blocks.append(Block(current_kind, tuple(current)))
                current = []
            current_kind = kind
            current.append(tuple(parse_inline(content)))
        if current:
            blocks.append(Block(current_kind, tuple(current)))
    return blocks


# --- HTML -----------------------------------------------------------------------------------

def _runs_html(runs) -> str:
    out = []
    for run in runs:
        piece = html_escape(run.text, quote=False)
        if run.italic:
            piece = f"<em>{piece}</em>"
        if run.bold:
            piece = f"<strong>{piece}</strong>"
        if run.href:
            piece = f'<a href="{html_escape(run.href)}">{piece}</a>'
        out.append(piece)
    return "".join(out)


def to_html(text: str) -> Markup:
    """HTML built only from escaped text and the tags above."""
    parts = []
    for block in parse(text):
        if block.kind == "ul":
            items = "".join(f"<li>{_runs_html(line)}</li>" for line in block.lines)
            parts.append(f"<ul>{items}</ul>")
        else:
            parts.append("<p>" + "<br>".join(_runs_html(line) for line in block.lines) + "</p>")
    return Markup("\n".join(parts))


# --- plain text -----------------------------------------------------------------------------

def _runs_text(runs) -> str:
    out = []
    for run in runs:
        out.append(f"{run.text} <{run.href.removeprefix('mailto:')}>" if run.href else run.text)
    return "".join(out)


def to_text(text: str) -> str:
    """Plain text: markup removed, bullets as "• ", links as "text <url>"."""
    parts = []
    for block in parse(text):
        if block.kind == "ul":
            parts.append("\n".join("• " + _runs_text(line) for line in block.lines))
        else:
            parts.append("\n".join(_runs_text(line) for line in block.lines))
    return "\n\n".join(parts)


# --- WordprocessingML -----------------------------------------------------------------------

def _run_xml(run: Run) -> str:
    props = ""
    if run.bold:
        props += "<w:b/><w:bCs/>"
    if run.italic:
        props += "<w:i/><w:iCs/>"
    if run.href:
        props += '<w:color w:val="0563C1"/><w:u w:val="single"/>'
    rpr = f"<w:rPr>{props}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{xml_escape(run.text)}</w:t></w:r>'


def _line_xml(runs, link_id) -> str:
    out = []
    for run in runs:
        xml = _run_xml(run)
        if run.href:
            xml = f'<w:hyperlink r:id="{link_id(run.href)}" w:history="1">{xml}</w:hyperlink>'
        out.append(xml)
    return "".join(out)


def to_wordml(text: str, link_id, bullet_style: str = "") -> str:
    """Paragraph XML (<w:p> elements) for a `{{p name }}` placeholder.

    `link_id(url)` returns the relationship id of an external hyperlink; `bullet_style` is
    the id of a list paragraph style the template has (e.g. "ListBullet"); without one,
    bullets are a "•" with a hanging indent, so every template shows them.
    """
    paragraphs = []
    for block in parse(text):
        if block.kind == "ul":
            for line in block.lines:
                if bullet_style:
                    ppr = f'<w:pPr><w:pStyle w:val="{xml_escape(bullet_style)}"/></w:pPr>'
                    lead = ""
                else:
                    ppr = '<w:pPr><w:ind w:left="720" w:hanging="360"/></w:pPr>'
                    lead = '<w:r><w:t xml:space="preserve">•</w:t></w:r><w:r><w:tab/></w:r>'
                paragraphs.append(f"<w:p>{ppr}{lead}{_line_xml(line, link_id)}</w:p>")
        else:
            body = "<w:r><w:br/></w:r>".join(_line_xml(line, link_id) for line in block.lines)
            paragraphs.append(f"<w:p>{body}</w:p>")
    return "".join(paragraphs)
