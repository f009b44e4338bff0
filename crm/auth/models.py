from __future__ import annotations

import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.labels import LabelledEnum
from crm.timeutil import UTCDateTime, utcnow


class Role(LabelledEnum):
    """Ordered: each role may do everything the ones before it may."""
    VIEWER = "viewer", _l("Viewer (read only)")
    EDITOR = "editor", _l("Editor")
    ADMIN = "admin", _l("Admin")


class UILanguage(LabelledEnum):
    """The languages of the interface, each named in itself."""
    NB = "nb", "Norsk bokmål"
    EN = "en", "English"


ROLES = Role.values()
LANGUAGES = UILanguage.values()


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16), default="viewer")
    language: Mapped[str] = mapped_column(String(8), default="nb")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session's and remember cookie's user id (get_id): a new token ends them all.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token)
    # A confirmed TOTP secret (base32) turns two-factor login on; the last time step used
    # keeps one code from being used twice.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column()
    # Until when an alert of this user's may still be in the banner (the newest alert given to
    # them, plus the banner's hours; crm.alerts.check sets it). Every page asks for the banner:
    # for a user with no recent alert it is empty without a query.
    banner_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def set_password(self, password: str) -> None:
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("CRM_PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    # Flask-Login's alternative id: "<session token>.<issued, epoch seconds>.<nonce>", a new
    # one per login (login_id is set by services.start_login), so that each login's session
    # and remember cookie differ, carry their age, and die with the session token.
    login_id = None

    def get_id(self) -> str:
        return self.login_id or f"{self.session_token}.0.-"

    @property
    def two_factor_enabled(self) -> bool:
        return bool(self.totp_secret)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def has_role(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    @property
    def can_write(self) -> bool:
        return self.has_role("editor")

    @property
    def is_admin(self) -> bool:
        return self.has_role("admin")

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"


class RecoveryCode(db.Model):
    """A one-time code that stands in for a TOTP code (a lost phone); only its hash is kept."""
    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(256))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
