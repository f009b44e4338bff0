"""A release rendered to .docx from its chosen template (or its language's default)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app

from crm.errors import UserError
from crm.messages import Message, msg
from crm.releases import docx
from crm.releases.models import Release, ReleaseTemplate
from crm.releases.output import document_data, filename
from crm.releases.templates_store import default_for, unusable_reason


class ExportError(UserError):
    """No template, or the template failed to render; the message says why."""


def template_for(release: Release) -> ReleaseTemplate:
    template = release.template or default_for(release.language)
    if template is None:
        raise ExportError(msg("There is no release template; upload one or set a default."))
    return template


def send_refusal(release: Release) -> Message | None:
    """Why the release cannot be sent with its document now (no template, or one that shows
    neither its title nor its text), or None."""
    try:
        template = template_for(release)
    except ExportError as exc:
        return exc.msg
    return unusable_reason(template)


def render_docx(release: Release, at: datetime | None = None, *,
                for_send: bool = False) -> tuple[str, bytes]:
    """(file name, .docx bytes) as sent at `at` (default now: the embargo stated only while
    it is ahead). Raises ExportError; `for_send` also when the template shows neither the
    release's title nor its text (a preview download still renders)."""
    template = template_for(release)
    if for_send:
        reason = unusable_reason(template)
        if reason is not None:
            raise ExportError(reason)
    timeout = current_app.config.get("CRM_RELEASE_RENDER_TIMEOUT", docx.DEFAULT_TIMEOUT)
    try:
        content = docx.render(template.content, document_data(release, at), timeout=timeout)
    except docx.RenderError as exc:
        raise ExportError(msg("The template “%(name)s” failed: %(reason)s",
                                      name=template.name, reason=exc.msg)) from None
    return filename(release), content
