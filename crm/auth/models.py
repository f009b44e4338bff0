from __future__ import annotations

from datetime import datetime

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from crm.extensions import db
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

    def set_password(self, password: str) -> None:
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("CRM_PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

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
