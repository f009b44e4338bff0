"""The tasks section of the morning digest: the reader's follow-ups and open press inquiries."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from crm.digest.content import DigestContext, DigestGroup, DigestItem, DigestSection, capped
from crm.interactions import services as interactions
from crm.templating import localtime


def _follow_up_item(follow_up, overdue: bool) -> DigestItem:
    interaction = follow_up.interaction
    names = ", ".join(c.name for c in interaction.contacts) if interaction else ""
    title = follow_up.note or (interaction.subject if interaction else "") or _("Follow-up")
    url = url_for("interactions.interaction_detail", interaction_id=interaction.id, _external=True) \
        if interaction else url_for("interactions.my_day", _external=True)
    return DigestItem(title=title, url=url, snippet=names, overdue=overdue,
                      meta=_("due %(when)s", when=localtime(follow_up.due_at)))


def _inquiry_item(inquiry, now) -> DigestItem:
    interaction = inquiry.interaction
    names = ", ".join(c.name for c in interaction.contacts)
    deadline = _("deadline %(when)s", when=localtime(inquiry.deadline)) \
        if inquiry.deadline else _("no deadline")
    return DigestItem(title=interaction.subject or _("Press inquiry"), snippet=names,
                      url=url_for("interactions.interaction_detail", interaction_id=interaction.id,
                                  _external=True),
                      meta=deadline, overdue=interactions.inquiry_is_overdue(inquiry, now))


def tasks_section(context: DigestContext) -> list[DigestSection]:
    """The reader's overdue and due-today follow-ups and open press inquiries by deadline."""
    day = interactions.my_day(context.user, context.until)
    follow_ups = [_follow_up_item(f, True) for f in day.overdue] + \
        [_follow_up_item(f, False) for f in day.due_today]
    inquiries = [_inquiry_item(i, context.until)
                 for i in day.my_inquiries + day.unassigned_inquiries]
    groups = [
        DigestGroup("follow_ups", _("Follow-ups overdue or due today"), capped(follow_ups),
                    len(follow_ups)),
        DigestGroup("inquiries", _("Open press inquiries"), capped(inquiries), len(inquiries)),
    ]
    return [DigestSection("tasks", _("Your day"), [g for g in groups if g.total], order=20)]
