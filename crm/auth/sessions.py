"""Sessions that end: the user loader, idle and absolute timeouts, and mandatory 2FA.

A session holds the user's login id (see crm.auth.services); Flask-Login stores it in the
session cookie and, with "keep me logged in", in the remember cookie. The loader refuses a
login id whose session token has changed (logout, a new password, deactivation, "sign out
everywhere"), so every cookie of that user stops working at once. On top, a session ends when
it has been idle for CRM_SESSION_IDLE_HOURS or began more than CRM_SESSION_MAX_DAYS ago; the
remember cookie (if any) may then start a new one, until it too is 30 days old.
"""

from __future__ import annotations

from flask import Flask, redirect, request, session, url_for
from flask_login import current_user, user_loaded_from_cookie

from crm import timeutil

STARTED, SEEN = "_crm_start", "_crm_seen"
_LOGIN_KEYS = ("_user_id", "_fresh", "_id", STARTED, SEEN)
# Endpoints an admin who must enrol in 2FA may still reach.
_ENROL_ENDPOINTS = {"auth.two_factor", "auth.logout", "static"}
# Don't rewrite the session cookie on every request just to move "last seen" on.
_SEEN_RESOLUTION = 60


def _now() -> float:
    return timeutil.utcnow().timestamp()


def mark_started() -> None:
    """Call when a user has just logged in (or come back through the remember cookie)."""
    now = _now()
    session[STARTED] = session[SEEN] = now


def forget_login() -> None:
    for key in _LOGIN_KEYS:
        session.pop(key, None)


def install(app: Flask, login_manager) -> None:
    from crm.auth import services

    @login_manager.user_loader
    def load_user(login_id: str):
        return services.user_for_login_id(login_id)

    @user_loaded_from_cookie.connect_via(app)
    def _from_cookie(_sender, user):
        mark_started()

    @app.before_request
    def end_stale_sessions():
        if "_user_id" not in session:
            return None
        started, seen = session.get(STARTED), session.get(SEEN)
        now = _now()
        if (not isinstance(started, (int, float)) or not isinstance(seen, (int, float))
                or services.session_expired(started, seen, now)):
            forget_login()  # the remember cookie, if any and still valid, may start anew
            return None
        if now - seen >= _SEEN_RESOLUTION:
            session[SEEN] = now
        return None

    @app.before_request
    def admins_enrol_in_two_factor():
        if not app.config.get("CRM_REQUIRE_2FA") or request.endpoint in _ENROL_ENDPOINTS:
            return None
        if (request.endpoint is not None and current_user.is_authenticated
                and current_user.is_admin and not current_user.two_factor_enabled):
            return redirect(url_for("auth.two_factor"))
        return None
