"""Building small .docx templates and zips for tests (python-docx, zipfile)."""

from __future__ import annotations

import io
import zipfile

from docx import Document


def make_template(body=(), header=(), footer=(), split_runs=(), table=()) -> bytes:
    """A .docx with these paragraphs; `split_runs` paragraphs are lists of run texts, the way
    Word splits "{{ title }}" into several runs; `table` is rows of cell texts."""
    doc = Document()
    for text in body:
        doc.add_paragraph(text)
    if table:
        grid = doc.add_table(rows=len(table), cols=max(len(row) for row in table))
        for cells, row in zip(grid.rows, table, strict=False):
            for cell, text in zip(cells.cells, row, strict=False):
                cell.text = text
    for runs in split_runs:
        paragraph = doc.add_paragraph()
        for text in runs:
            paragraph.add_run(text).bold = True
    section = doc.sections[0]
    for text in header:
        section.header.add_paragraph(text)
    for text in footer:
        section.footer.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def rezip(data: bytes, replace: dict[str, bytes] | None = None, drop=(), add=None,
          compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A copy of a zip with members replaced, dropped or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, content in add.items():
            dst.writestr(name, content)
    return out.getvalue()


def texts(data: bytes) -> dict:
    """Body paragraphs, header and footer text of a .docx."""
    doc = Document(io.BytesIO(data))
    section = doc.sections[0]
    return {"body": [p.text for p in doc.paragraphs],
            "header": [p.text for p in section.header.paragraphs],
            "footer": [p.text for p in section.footer.paragraphs],
            "doc": doc}
