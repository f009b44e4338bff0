"""Rendering a digest as an email: subject, plain text and HTML (inline CSS, no remote images)."""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale, ngettext
from markupsafe import Markup, escape

from crm.digest.content import Digest
from crm.templating import localdate


@dataclass
class RenderedDigest:
    subject: str
    text: str
    html: str


def link_context():
    """A request context whose url_for(_external=True) points at CRM_BASE_URL."""
    if has_request_context():
        return contextlib.nullcontext()
    return current_app.test_request_context("/", base_url=current_app.config["CRM_BASE_URL"])


def user_locale(user):
    """Everything inside speaks the user's language (labels built by sections, dates)."""
    return force_locale(user.language or current_app.config["CRM_DEFAULT_LANGUAGE"])


def highlight(text: str, terms: list[str]) -> Markup:
    """Escape `text`, then wrap each whole-word occurrence of a term in <mark>."""
    escaped = str(escape(text))
    words = sorted({str(escape(t)) for t in terms if t}, key=len, reverse=True)
    if not words:
        return Markup(escaped)
    pattern = re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)",
                         re.IGNORECASE)
    marked = pattern.sub(
        r'<mark style="background:#fff3a3;padding:0 2px;">\1</mark>', escaped)
    return Markup(marked)


def render_digest(digest: Digest) -> RenderedDigest:
    user = digest.context.user
    with user_locale(user), link_context():
        day = localdate(digest.context.day)  # 23.11.2026; Nov 23, 2026 in English
        mentions = sum(s.total for s in digest.sections if s.key == "mentions")
        subject = ngettext("Pressdesk digest %(day)s: %(num)d new mention",
                           "Pressdesk digest %(day)s: %(num)d new mentions", mentions, day=day)
        values = {"digest": digest, "user": user, "day": day, "subject": subject,
                  "highlight": highlight, "base_url": current_app.config["CRM_BASE_URL"]}
        return RenderedDigest(subject=subject,
                              text=render_template("digest/email.txt", **values),
                              html=render_template("digest/email.html", **values))
