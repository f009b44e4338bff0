"""The personal calendar feed: its settings page (make, replace, revoke) and the feed itself,
which a calendar app fetches without logging in (the secret URL is the key)."""

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from crm.auth.roles import viewer_may_post
from crm.interactions import bp, queries
from crm.interactions import calendar_feed as feeds
from crm.view_helpers import send_download


def _feed_url(token: str) -> str:
    """The public address (CRM_BASE_URL: right behind a reverse proxy too)."""
    base = current_app.config.get("CRM_BASE_URL", "").rstrip("/")
    path = url_for("interactions.calendar_feed_ics", token=token)
    return base + path if base else url_for("interactions.calendar_feed_ics", token=token,
                                            _external=True)


@bp.route("/calendar-feed")
def calendar_feed():
    """My calendar subscription: whether there is one, make a new one, revoke it."""
    return render_template("interactions/calendar_feed.html",
                           feed=feeds.feed_of(current_user), new_url=None)


@bp.route("/calendar-feed/new", methods=["POST"])
@viewer_may_post
def calendar_feed_new():
    """Make (or replace) my secret calendar URL; it is shown this once."""
    token = feeds.create_feed_token(current_user)
    flash(_("Your calendar link is ready. Copy it now: it is shown only this once."), "success")
    return render_template("interactions/calendar_feed.html",
                           feed=feeds.feed_of(current_user), new_url=_feed_url(token))


@bp.route("/calendar-feed/revoke", methods=["POST"])
@viewer_may_post
def calendar_feed_revoke():
    """Revoke my calendar URL: calendars subscribed to it get nothing more."""
    if feeds.revoke_feed_token(current_user):
        flash(_("Calendar link revoked."), "success")
    return redirect(url_for("interactions.calendar_feed"))


@bp.route("/calendar/<token>.ics")
def calendar_feed_ics(token: str):
    """A user's open follow-ups and inquiry deadlines, titles only. Public: the secret URL
    is the key; an unknown or revoked token is 404."""
    user = feeds.user_for_token(token)
    if user is None:
        abort(404)
    with force_locale(user.language or current_app.config["CRM_DEFAULT_LANGUAGE"]):
        body = queries.user_calendar(user, titles_only=True)
    return send_download(body, "pressdesk.ics", "text/calendar", inline=True,
                         headers={"Cache-Control": "private, max-age=300",
                                  "X-Robots-Tag": "noindex"})
