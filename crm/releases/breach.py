"""Breach watch: an article like a release under embargo, published before the lift.

Monitoring calls `after_poll` once a poll cycle's articles are stored (registry.AFTER_POLL).
Only releases under embargo now are candidates, so with none (the usual case) it costs one
small query; otherwise the cycle's new article copies are compared with each candidate by the
content fingerprints of crm/monitoring/dedupe.py (`drawn_from`: a copy, or a rewrite keeping
much of the release's text). A match is stored once per release and article
(`EmbargoBreach`), with the outlet of the feed that carried it, and the release's owner (its
author) is told at once by email; the breach shows on the release's page and in the embargo
register with the recipients at that outlet. An email that could not be sent is tried again
after the next poll that stores something (the hook runs only then).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func

from crm.contacts.models import Contact
from crm.extensions import db
from crm.mail import MailConfigError, SendError, SmtpSender, SmtpSettings, build_message
from crm.monitoring.dedupe import (
    Fingerprint,
    drawn_from,
    fingerprint,
    may_be_drawn_from,
    title_words,
)
from crm.monitoring.models import ArticleSource, Feed
from crm.releases import markup
from crm.releases.models import (
    Distribution,
    DistributionRecipient,
    EmbargoBreach,
    Release,
)
from crm.timeutil import utcnow

WATCHED_STATUSES = ("in_review", "approved", "published")


def under_embargo(now: datetime) -> list[Release]:
    """Releases whose embargo is still ahead (not drafts, not withdrawn), soonest lift first."""
    return list(db.session.scalars(db.select(Release).where(
        Release.embargo_until > now, Release.status.in_(WATCHED_STATUSES))
        .order_by(Release.embargo_until)))


def release_print(release: Release) -> Fingerprint:
    """The release's fingerprint: its title, and its lead and text as an article's summary."""
    text = " ".join(part for part in (markup.to_text(release.lead),
                                      markup.to_text(release.body)) if part)
    return fingerprint(markup.clean(release.title), text)


@dataclass(frozen=True)
class Found:
    release_id: int
    article_id: int
    outlet_id: int | None
    similarity: float


def find_breaches(since: datetime, now: datetime) -> list[EmbargoBreach]:
    """Store (and commit) the possible breaches among the article copies seen since `since`;
    return the new ones."""
    releases = under_embargo(now)
    if not releases:
        return []
    prints = [(release, release_print(release)) for release in releases]
    latest_lift = max(release.embargo_until for release in releases)
    rows = db.session.execute(
        db.select(ArticleSource.article_id, ArticleSource.title, ArticleSource.summary,
                  func.coalesce(ArticleSource.published_at, ArticleSource.seen_at),
                  Feed.organisation_id)
        .join(Feed, Feed.id == ArticleSource.feed_id)
        .where(ArticleSource.seen_at >= since,
               func.coalesce(ArticleSource.published_at, ArticleSource.seen_at) < latest_lift))
    found: dict[tuple[int, int], Found] = {}
    for article_id, title, summary, published, outlet_id in rows:
        words = title_words(title)
        candidates = [(release, source) for release, source in prints
                      if published < release.embargo_until
                      and may_be_drawn_from(source.title_words, words)]
        if not candidates:  # most articles: the title alone rules them out
            continue
        copy = fingerprint(title, summary)
        for release, source in candidates:
            score = drawn_from(source, copy)
            key = (release.id, article_id)
            if score and (key not in found or found[key].similarity < score):
                found[key] = Found(release.id, article_id, outlet_id, round(score, 3))
    if not found:
        return []
    known = {(release_id, article_id) for release_id, article_id in db.session.execute(
        db.select(EmbargoBreach.release_id, EmbargoBreach.article_id).where(
            EmbargoBreach.release_id.in_({f.release_id for f in found.values()})))}
    new = [EmbargoBreach(release_id=f.release_id, article_id=f.article_id,
                         outlet_id=f.outlet_id, similarity=f.similarity, found_at=now)
           for key, f in found.items() if key not in known]
    db.session.add_all(new)
    db.session.commit()
    return new


def recipients_at(breach: EmbargoBreach) -> list[DistributionRecipient]:
    """Who at the breach's outlet received the release (sent), first sent first."""
    if breach.outlet_id is None:
        return []
    return list(db.session.scalars(
        db.select(DistributionRecipient).join(Distribution).join(
            Contact, Contact.id == DistributionRecipient.contact_id)
        .where(Distribution.release_id == breach.release_id,
               DistributionRecipient.status == "sent",
               Contact.organisation_id == breach.outlet_id)
        .order_by(DistributionRecipient.sent_at)))


def breaches_of(release_ids: list[int]) -> dict[int, list[EmbargoBreach]]:
    """The breaches of these releases, newest first, by release."""
    out: dict[int, list[EmbargoBreach]] = {i: [] for i in release_ids}
    if release_ids:
        for breach in db.session.scalars(db.select(EmbargoBreach).where(
                EmbargoBreach.release_id.in_(release_ids))
                .order_by(EmbargoBreach.found_at.desc(), EmbargoBreach.id.desc())):
            out[breach.release_id].append(breach)
    return out


def _message(breach: EmbargoBreach):
    # The digest's helpers: the owner's language, links to CRM_BASE_URL.
    from crm.digest.render import link_context, user_locale

    owner = breach.release.created_by
    with user_locale(owner), link_context():
        context = {"breach": breach, "release": breach.release, "article": breach.article,
                   "recipients": recipients_at(breach),
                   "url": url_for("releases.detail", release_id=breach.release_id,
                                  _external=True)}
        subject = _("Possible embargo breach: %(title)s", title=breach.release.title)
        text = render_template("releases/breach_email.txt", **context)
        html = render_template("releases/breach_email.html", **context)
    return build_message(sender=current_app.config["CRM_MAIL_SENDER"], to_email=owner.email,
                         to_name=owner.name, subject=subject, text=text, html=html,
                         headers={"Auto-Submitted": "auto-generated"})


def notify_owners(now: datetime) -> int:
    """Email each release owner about breaches not told yet (releases still under embargo);
    commit and return how many were told. A mail failure is logged and tried next time."""
    waiting = db.session.scalars(db.select(EmbargoBreach).join(Release).where(
        EmbargoBreach.notified_at.is_(None), Release.embargo_until > now)
        .order_by(EmbargoBreach.id)).all()
    waiting = [b for b in waiting
               if b.release.created_by is not None and b.release.created_by.active]
    if not waiting:
        return 0
    told = 0
    try:
        with SmtpSender(SmtpSettings.from_url(current_app.config["CRM_SMTP_URL"])) as sender:
            for breach in waiting:
                sender.send(_message(breach), breach.release.created_by.email)
                breach.notified_at = utcnow()
                db.session.commit()
                told += 1
    except (SendError, MailConfigError) as exc:
        db.session.rollback()
        current_app.logger.warning("Embargo breach email not sent: %s", exc.msg)
    return told


def after_poll(since: datetime, summary=None) -> None:
    """The AFTER_POLL hook: find the cycle's possible breaches and tell the owners."""
    now = utcnow()
    find_breaches(since, now)
    notify_owners(now)
