"""Creating users, checking logins, and the sessions that end when they should."""

from __future__ import annotations

import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from crm import timeutil
from crm.auth import passwords
from crm.auth.models import LANGUAGES, ROLES, User, new_session_token
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.timeutil import utcnow

MIN_PASSWORD_LENGTH = passwords.MIN_LENGTH
MAX_PASSWORD_LENGTH = passwords.MAX_LENGTH


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False
                              ).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(msg("Invalid email address: %(detail)s", detail=str(exc)[:200]),
                        field="email") from exc


def find_user(email: str) -> User | None:
    if "\x00" in email:
        return None
    return db.session.scalar(db.select(User).where(User.email == email.strip().lower()))


def create_user(email: str, password: str, role: str = "viewer", name: str = "",
                language: str = "nb") -> User:
    """Create an active user; refuses duplicates, unknown roles and short passwords."""
    email = normalise_email(email)
    if role not in ROLES:
        raise UserError(msg("Unknown role “%(role)s”; choose one of %(roles)s.",
                            role=str(role)[:40], roles=", ".join(ROLES)), field="role")
    if language not in LANGUAGES:
        raise UserError(msg("Unknown language “%(language)s”.", language=str(language)[:40]),
                        field="language")
    check_password_rule(password, email=email, name=name)
    if find_user(email):
        raise UserError(msg("A user with the email %(email)s already exists.", email=email),
                        field="email")
    user = User(email=email, role=role, name=name.strip(), language=language)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def update_user(user: User, *, role: str, name: str, language: str, active: bool) -> User:
    if role not in ROLES:
        raise UserError(msg("Unknown role “%(role)s”.", role=str(role)[:40]), field="role")
    if user.role == "admin" and (role != "admin" or not active) and _admin_count() <= 1:
        raise UserError(msg("The last active admin cannot be demoted or deactivated."),
                        field="role")
    if user.active and not active:
        user.session_token = new_session_token()  # deactivation ends every session at once
    user.role, user.name, user.language, user.active = role, name.strip(), language, active
    db.session.commit()
    return user


def check_password_rule(password: str, *, email: str = "", name: str = "") -> None:
    """The password rule (crm.auth.passwords), with the user's email and name against it."""
    passwords.check_password(password, user_inputs=(email, name, "pressdesk"))


def change_password(user: User, password: str) -> None:
    """Set a new password; every session and remember cookie of the user ends."""
    check_password_rule(password, email=user.email, name=user.name)
    user.set_password(password)
    user.session_token = new_session_token()
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """End every session and remember cookie of `user`, on every device, at once."""
    user.session_token = new_session_token()
    db.session.commit()


# Sessions ------------------------------------------------------------------------------------
# A logged-in session (and a remember cookie) holds the user's login id,
# "<session token>.<issued, epoch seconds>.<nonce>": it is refused once the user's session
# token changes, or once it is older than the remember cookie's lifetime. The session itself
# also ends when idle for CRM_SESSION_IDLE_HOURS or older than CRM_SESSION_MAX_DAYS (then the
# remember cookie, if the user ticked it, starts a new one).

def start_login(user: User) -> User:
    """Give `user` a fresh login id for login_user (a new remember cookie value per login)."""
    user.login_id = f"{user.session_token}.{int(timeutil.utcnow().timestamp())}.{secrets.token_urlsafe(9)}"
    return user


def user_for_login_id(login_id: str) -> User | None:
    """The active user a session's or remember cookie's login id belongs to, if still valid."""
    parts = (login_id or "").split(".")
    if len(parts) != 3 or not parts[0] or not parts[1].isdigit() or "\x00" in login_id:
        return None
    token, issued = parts[0], int(parts[1])
    max_age = current_app.config["REMEMBER_COOKIE_DURATION"]
    if not isinstance(max_age, timedelta):
        max_age = timedelta(seconds=int(max_age))
    if timeutil.utcnow().timestamp() - issued > max_age.total_seconds():
        return None
    user = db.session.scalar(db.select(User).where(User.session_token == token))
    if user is None or not user.active:
        return None
    user.login_id = login_id
    return user


def session_expired(started: float, seen: float, now: float) -> bool:
    config = current_app.config
    idle = float(config["CRM_SESSION_IDLE_HOURS"]) * 3600
    absolute = float(config["CRM_SESSION_MAX_DAYS"]) * 86400
    return now - seen > idle or now - started > absolute


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same time either way)."""
    user = find_user(email) if len(password) <= MAX_PASSWORD_LENGTH else None
    if user is None:
        # Hash anyway so a wrong email takes as long as a wrong password.
        User(password_hash="").set_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    db.session.commit()


def _admin_count() -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(User).where(User.role == "admin", User.active)
    ) or 0


def _random_password(email: str) -> str:
    """16 random characters that pass the password rule (nearly always the first draw)."""
    while True:
        password = secrets.token_urlsafe(12)
        try:
            check_password_rule(password, email=email)
        except UserError:
            continue
        return password


def ensure_first_admin(email: str = "admin@example.org") -> tuple[User, str] | None:
    """Create an admin with a random password if there is none; return it and the password."""
    if _admin_count():
        return None
    password = _random_password(email)
    existing = find_user(email)
    if existing:
        existing.role, existing.active = "admin", True
        change_password(existing, password)
        return existing, password
    return create_user(email, password, role="admin", name="Administrator"), password
