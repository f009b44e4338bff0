"""Optional TOTP two-factor login (RFC 6238, as in every authenticator app) and recovery codes.

Enrolment: a new secret is shown (as text, an otpauth:// URI and a QR code) and becomes the
user's only once a code from the app confirms it; ten one-time recovery codes are shown once
then, and only their hashes are kept. A used time step is remembered so that one code cannot
be used twice.
"""

from __future__ import annotations

import secrets

import pyotp
from werkzeug.security import check_password_hash, generate_password_hash

from crm.auth.models import RecoveryCode, User
from crm.extensions import db
from crm.timeutil import utcnow

ISSUER = "Pressdesk"
RECOVERY_CODES = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The URI as an inline SVG QR code (segno draws it locally, no network, no script)."""
    import segno
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, dark="#000", light="#fff")


def _digits(code: str) -> str:
    return "".join(ch for ch in (code or "") if not ch.isspace())


def _valid_step(secret: str, code: str) -> int | None:
    """The time step a 6-digit code is valid for (now, or one step either side), or None."""
    code = _digits(code)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for offset in (0, -1, 1):
        moment = now.timestamp() + offset * totp.interval
        if secrets.compare_digest(totp.at(moment), code):
            return int(moment // totp.interval)
    return None


def confirm_enrolment(user: User, secret: str, code: str) -> list[str] | None:
    """Turn 2FA on if `code` fits `secret`; return the new recovery codes (shown once)."""
    step = _valid_step(secret, code)
    if step is None:
        return None
    user.totp_secret, user.totp_last_step = secret, step
    codes = _replace_recovery_codes(user)
    db.session.commit()
    return codes


def verify(user: User, code: str) -> bool:
    """A TOTP code not used before, or an unused recovery code (then used up)."""
    if not user.totp_secret:
        return False
    step = _valid_step(user.totp_secret, code)
    if step is not None:
        if user.totp_last_step is not None and step <= user.totp_last_step:
            return False
        user.totp_last_step = step
        db.session.commit()
        return True
    return _use_recovery_code(user, code)


def _normalise_recovery(code: str) -> str:
    return _digits(code).replace("-", "").lower()


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=generate_password_hash(
            raw, method="pbkdf2:sha256:100000")))
    return codes


def new_recovery_codes(user: User) -> list[str]:
    codes = _replace_recovery_codes(user)
    db.session.commit()
    return codes


def _use_recovery_code(user: User, code: str) -> bool:
    raw = _normalise_recovery(code)
    if len(raw) != 10 or not raw.isascii():
        return False
    unused = db.session.scalars(db.select(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))).all()
    for row in unused:
        if check_password_hash(row.code_hash, raw):
            row.used_at = utcnow()
            db.session.commit()
            return True
    return False


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) or 0


def disable(user: User) -> None:
    """Turn 2FA off (the user themself, or an admin's reset of a lost phone)."""
    user.totp_secret, user.totp_last_step = None, None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.commit()
