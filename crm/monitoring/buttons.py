"""What the forms on every mention share on a page (templates/monitoring/_macros.html).

A mentions page shows about a hundred mentions, each with its relevance and tone forms. Their
URLs (but for the mention's id), the CSRF token and the labels are the same for all of them, so
they are built once per request, in the request's language, instead of once per mention.
"""

from __future__ import annotations

from types import SimpleNamespace

from flask import g
from flask_babel import gettext as _
from markupsafe import Markup

from crm.monitoring import bp
from crm.monitoring.models import Tone
from crm.templating import csrf_token, url_pattern


def _label(text) -> Markup:
    # What a template shows for _('...') or a code label: translations are trusted text.
    return Markup(str(text))


@bp.app_template_global()
def mention_forms() -> SimpleNamespace:
    """The shared parts of the mention forms, for this request."""
    forms = g.get("crm_mention_forms")
    if forms is None:
        forms = g.crm_mention_forms = SimpleNamespace(
            status_url=url_pattern("monitoring.mention_status", "mention_id"),
            tone_url=url_pattern("monitoring.mention_tone", "mention_id"),
            read_url=url_pattern("monitoring.mention_read", "mention_id"),
            csrf_token=csrf_token(),
            relevance=[("relevant", _label(_("Relevant"))), ("noise", _label(_("Noise"))),
                       ("unset", _label(_("Unmark")))],
            tones=[(value, _label(label)) for value, label in Tone.choices()],
            tone=_label(_("Tone")), mark_read=_label(_("Mark read")),
            mark_unread=_label(_("Mark unread")))
    return forms
