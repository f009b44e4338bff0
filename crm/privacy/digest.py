"""Admins' digests say how many contacts are past the retention period."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from crm.digest.content import (
    DigestContext,
    DigestGroup,
    DigestItem,
    DigestSection,
)
from crm.privacy.retention import retention_report


def retention_section(context: DigestContext) -> list[DigestSection]:
    if not context.user.is_admin:
        return []
    months = current_app.config["CRM_RETENTION_MONTHS"]
    report = retention_report(months, context.until)
    if not report.total:
        return []
    item = DigestItem(
        title=ngettext("%(num)d contact has had no activity for %(months)d months",
                       "%(num)d contacts have had no activity for %(months)d months",
                       report.total, months=months),
        url=url_for("privacy.retention", months=months, _external=True),
        snippet=_("Datatilsynet expects parties to delete what they no longer need. Review "
                  "and erase them in the retention report."))
    group = DigestGroup("retention", _("Data retention"), [item], report.total)
    return [DigestSection("privacy", _("Data protection"), [group], order=40)]
