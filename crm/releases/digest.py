"""The releases section of the morning digest: embargoes that lift on the digest's day."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _

from crm.digest.content import DigestContext, DigestGroup, DigestItem, DigestSection, capped
from crm.extensions import db
from crm.releases.models import Release
from crm.templating import localtime
from crm.timeutil import local_day_bounds


def embargo_section(context: DigestContext) -> list[DigestSection]:
    """Releases (not withdrawn) whose embargo lifts during the digest's local day."""
    start, end = local_day_bounds(context.day)
    releases = db.session.scalars(
        db.select(Release)
        .where(Release.embargo_until >= start, Release.embargo_until < end,
               Release.status != "withdrawn")
        .order_by(Release.embargo_until)).all()
    items = [DigestItem(title=r.title,
                        url=url_for("releases.detail", release_id=r.id, _external=True),
                        meta=_("embargo lifts %(when)s", when=localtime(r.embargo_until, "time")))
             for r in releases]
    if not items:
        return []
    group = DigestGroup("embargo", _("Embargo lifts today"), capped(items), len(items))
    return [DigestSection("releases", _("Press releases"), [group], order=30)]
