"""A release rendered to .docx from its chosen template (or its language's default)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from crm.errors import UserError
from crm.messages import msg
from crm.releases import docx
from crm.releases.models import Release, ReleaseTemplate
from crm.releases.output import document_data, filename
from crm.releases.templates_store import default_for


class ExportError(UserError):
    """No template, or the template failed to render; the message says why."""


def template_for(release: Release) -> ReleaseTemplate:
    template = release.template or default_for(release.language)
    if template is None:
        raise ExportError(msg("There is no release template; upload one or set a default."))
    return template


def render_docx(release: Release, at: datetime | None = None) -> tuple[str, bytes]:
    """(file name, .docx bytes) as sent at `at` (default now: the embargo stated only while
    it is ahead). Raises ExportError."""
    template = template_for(release)
    timeout = current_app.config.get("CRM_RELEASE_RENDER_TIMEOUT", docx.DEFAULT_TIMEOUT)
    try:
        content = docx.render(template.content, document_data(release, at), timeout=timeout)
    except docx.RenderError as exc:
        raise ExportError(msg("The template “%(name)s” failed: %(reason)s",
                                      name=template.name, reason=exc.msg)) from None
    return filename(release), content
