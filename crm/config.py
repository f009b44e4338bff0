"""The one place where environment variables (CRM_*) are read."""

from __future__ import annotations

import ipaddress
import os
import secrets
from datetime import timedelta
from pathlib import Path


def _flag(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_config(instance_path: str, environ: dict[str, str] | None = None) -> dict:
    """Build the Flask config from CRM_* environment variables."""
    env = os.environ if environ is None else environ
    default_db = "sqlite:///" + str(Path(instance_path) / "crm.sqlite3")
    base_url = env.get("CRM_BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    https = _flag(env.get("CRM_HTTPS"), default=base_url.startswith("https://"))
    database_url = _database_url(env.get("CRM_DATABASE_URL") or default_db)
    return {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": env.get("CRM_SECRET_KEY") or None,
        "CRM_TIMEZONE": env.get("CRM_TIMEZONE", "Europe/Oslo"),
        "CRM_BASE_URL": base_url,
        "CRM_DEFAULT_LANGUAGE": env.get("CRM_DEFAULT_LANGUAGE", "nb"),
        "CRM_SMTP_URL": env.get("CRM_SMTP_URL", "smtp://127.0.0.1:25"),
        "CRM_MAIL_SENDER": env.get("CRM_MAIL_SENDER", "Pressdesk <pressdesk@localhost>"),
        # Releases come from the press office (per language; English falls back to the first),
        # and an opt-out mailbox adds a mailto: to List-Unsubscribe.
        "CRM_RELEASE_FROM": env.get("CRM_RELEASE_FROM", ""),
        "CRM_RELEASE_FROM_EN": env.get("CRM_RELEASE_FROM_EN", ""),
        "CRM_UNSUBSCRIBE_MAILTO": env.get("CRM_UNSUBSCRIBE_MAILTO", ""),
        "CRM_DATA_CONTROLLER": env.get("CRM_DATA_CONTROLLER", ""),  # named in GDPR exports
        "CRM_RETENTION_MONTHS": int(env.get("CRM_RETENTION_MONTHS", "24")),
        "CRM_PITCH_WINDOW_DAYS": int(env.get("CRM_PITCH_WINDOW_DAYS", "7")),
        "CRM_PROXY_FIX": _flag(env.get("CRM_PROXY_FIX")),
        # A claim (digest, distribution) whose heartbeat is this old was left by a dead process.
        "CRM_CLAIM_STALE_SECONDS": int(env.get("CRM_CLAIM_STALE_SECONDS", "120")),
        "MAX_CONTENT_LENGTH": int(env.get("CRM_MAX_UPLOAD_MB", "10")) * 1024 * 1024,
        "RATELIMIT_STORAGE_URI": env.get("CRM_RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _flag(env.get("CRM_RATELIMIT_ENABLED"), default=True),
        # Failed logins only (crm.auth.throttle); successful ones are never limited.
        "CRM_LOGIN_ACCOUNT_LIMIT": env.get("CRM_LOGIN_ACCOUNT_LIMIT", "10 per 15 minutes"),
        "CRM_LOGIN_ADDRESS_LIMIT": env.get("CRM_LOGIN_ADDRESS_LIMIT",
                                           "50 per 15 minutes;200 per day"),
        "CRM_LOGIN_CODE_LIMIT": env.get("CRM_LOGIN_CODE_LIMIT", "5 per 15 minutes"),
        "CRM_REQUIRE_2FA": _flag(env.get("CRM_REQUIRE_2FA")),
        "CRM_SESSION_IDLE_HOURS": float(env.get("CRM_SESSION_IDLE_HOURS", "12")),
        "CRM_SESSION_MAX_DAYS": float(env.get("CRM_SESSION_MAX_DAYS", "7")),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_SECURE": https,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(env.get("CRM_REMEMBER_DAYS", "30"))),
        "PREFERRED_URL_SCHEME": "https" if https else "http",
        "WTF_CSRF_TIME_LIMIT": None,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(database_url),
        "BABEL_DEFAULT_LOCALE": env.get("CRM_DEFAULT_LANGUAGE", "nb"),
        "BABEL_DEFAULT_TIMEZONE": "UTC",
        # Networks feeds may be fetched from although they are not public (an intranet).
        "CRM_FEED_ALLOW_NETWORKS": _networks(env.get("CRM_FEED_ALLOW_NETWORKS", "")),
        # Bounces (crm/bounces): the mailbox they are read from (imaps://, imap://, maildir://),
        # the envelope sender they come back to (bounces@ becomes bounces+TOKEN@ per
        # recipient) and how many soft bounces in a row count as a hard one.
        "CRM_BOUNCE_MAILBOX_URL": env.get("CRM_BOUNCE_MAILBOX_URL", ""),
        "CRM_BOUNCE_ADDRESS": env.get("CRM_BOUNCE_ADDRESS", ""),
        "CRM_BOUNCE_SOFT_LIMIT": int(env.get("CRM_BOUNCE_SOFT_LIMIT", "3")),
    }


def _networks(value: str) -> tuple[str, ...]:
    """Comma- or space-separated CIDRs, checked now so a typo stops the start, not a poll."""
    networks = []
    for part in value.replace(",", " ").split():
        try:
            networks.append(str(ipaddress.ip_network(part.strip("[]"), strict=False)))
        except ValueError:
            raise ValueError(f"CRM_FEED_ALLOW_NETWORKS: not an IP network (CIDR): {part!r}") \
                from None
    return tuple(networks)


def _engine_options(url: str) -> dict:
    options: dict = {"pool_pre_ping": True}
    if url.startswith("postgresql"):
        # A database host that has gone away (not refused: silent) fails a connection attempt
        # in 10 s instead of hanging the request or the scheduler for the kernel's minutes.
        options["connect_args"] = {"connect_timeout": 10}
    return options


def _database_url(url: str) -> str:
    # Accept the URLs people paste (postgres://, postgresql://) and use psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str, options: dict | None) -> dict:
    """SQLAlchemy engine options for `url`.

    psycopg 3 prepares a statement on its fifth use, and PostgreSQL then may settle on a
    generic plan chosen while the tables were nearly empty (a sequential scan of article_key
    that is never replaced when autovacuum is off: the poll cycle took 340 s instead of 61 s).
    Not preparing keeps each statement planned with its actual parameters.
    """
    options = dict(options or {})
    if url.startswith("postgresql+psycopg"):
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("prepare_threshold", None)
        options["connect_args"] = connect_args
    return options


def instance_secret_key(instance_path: str) -> str:
    """Return the secret key stored under instance/, creating it once (mode 0600)."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key + "\n")
    return key
