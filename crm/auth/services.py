"""Creating users and checking logins."""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email

from crm.auth.models import LANGUAGES, ROLES, User
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.timeutil import utcnow

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    try:
        return validate_email(email.strip(), check_deliverability=False
                              ).normalized.lower()
    except EmailNotValidError as exc:
        raise UserError(msg("Invalid email address: %(detail)s", detail=str(exc)[:200]),
                        field="email") from exc


def find_user(email: str) -> User | None:
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
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(msg("The password must have at least %(min)d characters.",
                            min=MIN_PASSWORD_LENGTH), field="password")
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
    user.role, user.name, user.language, user.active = role, name.strip(), language, active
    db.session.commit()
    return user


def change_password(user: User, password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(msg("The password must have at least %(min)d characters.",
                            min=MIN_PASSWORD_LENGTH), field="password")
    user.set_password(password)
    db.session.commit()


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same time either way)."""
    user = find_user(email)
    if user is None:
        # Hash anyway so a wrong email takes as long as a wrong password.
        User(password_hash="").set_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    user.last_login_at = utcnow()
    db.session.commit()
    return user


def _admin_count() -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(User).where(User.role == "admin", User.active)
    ) or 0


def ensure_first_admin(email: str = "admin@example.org") -> tuple[User, str] | None:
    """Create an admin with a random password if there is none; return it and the password."""
    if _admin_count():
        return None
    password = secrets.token_urlsafe(12)
    existing = find_user(email)
    if existing:
        existing.role, existing.active = "admin", True
        existing.set_password(password)
        db.session.commit()
        return existing, password
    return create_user(email, password, role="admin", name="Administrator"), password
