"""The clean default release templates (Norwegian and English), built with python-docx.

Built from code so that no binary appears from nowhere: `scripts/make_default_template.py`
writes them to files for staff to restyle in Word, and the app stores them in the database the
first time a release needs a template. Staff replace the letterhead text with their own.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
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

    header = section.header
    first = header.paragraphs[0]
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
