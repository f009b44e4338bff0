"""The coverage report as a .docx on the party's letterhead.

The letterhead is the default release template's (crm.releases.templates_store.default_for):
staff restyle that one file, and the report follows. The template is rendered the safe way
(crm.releases.docx: sandbox, separate process, time limit) with the report's title and date;
the result is then plain .docx, which python-docx extends with the report's sections, figures
and tables. The template's words for the kind of document ("PRESSEMELDING" in the built-in
one) are replaced by the report's in headers and footers.
"""

from __future__ import annotations

import io

from docx import Document
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _

from crm.errors import UserError
from crm.messages import msg
from crm.monitoring.report import Report, cell_text
from crm.releases import docx as release_docx
from crm.releases.default_template import WORDING
from crm.releases.markup import _CONTROL
from crm.releases.templates_store import default_for
from crm.templating import localdate
from crm.timeutil import local_today


class ReportDocxError(UserError):
    """The letterhead template is missing or failed; the message says why."""


def _clean(value: object) -> str:
    """Text fit for XML: control characters (NUL ...) dropped."""
    return _CONTROL.sub("", str(value))


def _style(document, name: str) -> str | None:
    return name if any(s.name == name for s in document.styles) else None


def _replace_kind(document) -> None:
    """Headers and footers say what the document is: a report, not a press release."""
    kinds = {}
    for words in WORDING.values():
        kinds[words["kind"]] = _("COVERAGE REPORT")
        kinds[words["footer"]] = _("Coverage report")
    for section in document.sections:
        for part in (section.header, section.footer):
            for paragraph in part.paragraphs:
                for run in paragraph.runs:
                    text = run.text
                    for old, new in kinds.items():
                        text = text.replace(old, new)
                    if text != run.text:
                        run.text = text


def _heading(document, text: str, level: int) -> None:
    style = _style(document, f"Heading {level}")
    if style:
        document.add_paragraph(_clean(text), style=style)
    else:
        document.add_paragraph().add_run(_clean(text)).bold = True


def _table(document, header: list[str], rows: list[list[str]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    style = _style(document, "Table Grid")
    if style:
        table.style = style
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.paragraphs[0].add_run(_clean(text)).bold = True
    for cells in rows:
        row = table.add_row().cells
        for cell, text in zip(row, cells, strict=True):
            cell.text = _clean(text)


def letterhead(title: str, lead: str) -> bytes:
    """The default template rendered with the report's title, date and lead."""
    template = default_for(str(get_locale() or "nb"))
    if template is None:
        raise ReportDocxError(msg("There is no release template; upload one or set a "
                                  "default."))
    timeout = current_app.config.get("CRM_RELEASE_RENDER_TIMEOUT",
                                     release_docx.DEFAULT_TIMEOUT)
    try:
        return release_docx.render(template.content, {
            "title": _clean(title), "date": localdate(local_today()), "lead": _clean(lead),
            "language": str(get_locale() or "nb")}, timeout=timeout)
    except release_docx.RenderError as exc:
        raise ReportDocxError(msg("The template “%(name)s” failed: %(reason)s",
                                  name=template.name, reason=exc.msg)) from None


def render_report(report: Report) -> tuple[str, bytes]:
    """(file name, .docx bytes) of the report. Raises ReportDocxError."""
    period = report.period
    lead = _("Period: %(start)s – %(end)s", start=cell_text(period.start),
             end=cell_text(period.end))
    document = Document(io.BytesIO(letterhead(report.title, lead)))
    _replace_kind(document)
    for section in report.sections:
        _heading(document, section.title, 2)
        if section.note:
            document.add_paragraph(_clean(section.note))
        if section.figures:
            _table(document, [_("Figure"), _("Value")],
                   [[label, cell_text(value)] for label, value in section.figures])
        for table in section.tables:
            _heading(document, table.title, 3)
            if table.rows:
                _table(document, table.header,
                       [[cell_text(c) for c in cells] for cells in table.rows])
            else:
                document.add_paragraph(_("None in this period."))
    out = io.BytesIO()
    document.save(out)
    stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    return f"coverage-report-{stamp}.docx", out.getvalue()
