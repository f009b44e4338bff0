"""The clean default release templates (Norwegian and English), built with python-docx.

Built from code so that no binary appears from nowhere: `scripts/make_default_template.py`
writes them to files for staff to restyle in Word, and the app stores them in the database the
first time a release needs a template. Staff replace the letterhead text with their own; the
logo comes from the settings (`{{ logo }}`, nothing when none is set). The fonts are set in
the styles (not per run), so a restyle in Word changes them in one place: Calibri for text and
Cambria for headings, which LibreOffice shows with their metric twins Carlito and Caladea.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

WORDING = {
    "nb": {"kind": "PRESSEMELDING", "letterhead": "Partiet · Pressekontoret",
           "contact": "Kontaktperson", "name": "Standard pressemelding (bokmål)",
           "footer": "Pressemelding"},
    "en": {"kind": "PRESS RELEASE", "letterhead": "The Party · Press office",
           "contact": "Contact", "name": "Default press release (English)",
           "footer": "Press release"},
}
RED = RGBColor(0xB0, 0x00, 0x20)
BODY_FONT = "Calibri"  # LibreOffice: Carlito
HEADING_FONT = "Cambria"  # LibreOffice: Caladea
STYLE_FONTS = {"Normal": (BODY_FONT, 11), "Header": (BODY_FONT, None),
               "Footer": (BODY_FONT, 9), "Title": (HEADING_FONT, 26),
               "Heading 1": (HEADING_FONT, 18), "Heading 2": (HEADING_FONT, 13)}


def set_style_font(style, name: str, size: int | None = None) -> None:
    """The style's font for every script, replacing the theme fonts (which would win)."""
    style.font.name = name
    if size:
        style.font.size = Pt(size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def _styles(doc) -> None:
    for style_name, (font, size) in STYLE_FONTS.items():
        set_style_font(doc.styles[style_name], font, size)


def _paragraph(container, text: str = "", *, bold=False, size=None, color=None,
               align=None, style=None):
    paragraph = container.add_paragraph(style=style)
    if text:
        run = paragraph.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if color is not None:
            run.font.color.rgb = color
    if align is not None:
        paragraph.alignment = align
    return paragraph


def build(language: str) -> bytes:
    """The default template for "nb" or "en" as .docx bytes."""
    words = WORDING[language]
    doc = Document()
    doc.core_properties.title = "{{ title }}"
    doc.core_properties.language = language
    doc.core_properties.author = words["letterhead"]
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(2.5)

    _styles(doc)
    header = section.header
    header.paragraphs[0].add_run("{%p if logo %}")
    _paragraph(header, "{{ logo }}")
    _paragraph(header, "{%p endif %}")
    first = header.add_paragraph()
    first.add_run(words["letterhead"]).bold = True
    first.add_run("\t\t" + words["kind"])

    footer = section.footer
    footer.paragraphs[0].add_run(words["footer"] + " {{ date }} · {{ title }}")
    footer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    # The embargo once, prominently, at the top of the text (not also in the header).
    doc.add_paragraph("{%p if embargo %}")
    _paragraph(doc, "{{ embargo }}", bold=True, size=14, color=RED)
    doc.add_paragraph("{%p endif %}")
    _paragraph(doc, "{{ date }}", size=10)
    doc.add_heading("{{ title }}", level=1)
    _paragraph(doc, "{{ lead }}", bold=True)
    doc.add_paragraph("{{p body }}")
    doc.add_paragraph("{{p quotes }}")
    doc.add_paragraph("{%p if spokesperson.name %}")
    doc.add_heading(words["contact"], level=2)
    _paragraph(doc, "{{ spokesperson.name }}{% if spokesperson.title %}, "
                    "{{ spokesperson.title }}{% endif %}")
    _paragraph(doc, "{{ spokesperson.phone }}{% if spokesperson.phone and spokesperson.email %}"
                    " · {% endif %}{{ spokesperson.email }}")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{{p snippets }}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
