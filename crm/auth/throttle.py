"""Failed login attempts, limited per account and per client address.

Only failures count: a whole office behind one address logs in as often as it likes, while
someone guessing one account's password (or trying many accounts from one address) is
stopped for a while. The counters live in Flask-Limiter's storage (RATELIMIT_STORAGE_URI),
so with `CRM_RATELIMIT_STORAGE_URI=redis://...` every worker process shares them.

Limits (config, in Flask-Limiter's notation):
- CRM_LOGIN_ACCOUNT_LIMIT: failed passwords for one account;
- CRM_LOGIN_ADDRESS_LIMIT: failed passwords from one address, over all accounts (looser);
- CRM_LOGIN_CODE_LIMIT: failed two-factor codes for one account.
"""

from __future__ import annotations

import time

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse_many

from crm.extensions import limiter
from crm.messages import Message, msg

SCOPES = {
    "account": "CRM_LOGIN_ACCOUNT_LIMIT",
    "address": "CRM_LOGIN_ADDRESS_LIMIT",
    "code": "CRM_LOGIN_CODE_LIMIT",
}


def _items(scope: str):
    return parse_many(current_app.config[SCOPES[scope]])


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True)) and limiter.enabled


def _key(scope: str, value: str) -> tuple[str, ...]:
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or "crm"
    return (prefix, "login-failures", scope, value.strip().lower()[:300])


def _blocked(scope: str, value: str) -> int | None:
    """Seconds until `value` may try again in `scope`, or None if it may now."""
    strategy = limiter.limiter
    waits = []
    for item in _items(scope):
        if not strategy.test(item, *_key(scope, value)):
            stats = strategy.get_window_stats(item, *_key(scope, value))
            waits.append(max(1, int(stats.reset_time - time.time())))
    return max(waits) if waits else None


def _minutes(seconds: int) -> int:
    return max(1, (seconds + 59) // 60)


def password_refusal(email: str) -> Message | None:
    """Why a password login for `email` from this request's address is refused now, if it is."""
    if not _enabled():
        return None
    wait = _blocked("account", email)
    if wait:
        return msg("Too many failed logins for this account. For its safety it is locked for "
                   "%(minutes)d minutes; try again then, or ask an admin.",
                   minutes=_minutes(wait))
    wait = _blocked("address", get_remote_address())
    if wait:
        return msg("Too many failed logins from your network address. Try again in "
                   "%(minutes)d minutes.", minutes=_minutes(wait))
    return None


def password_failed(email: str) -> None:
    if _enabled():
        for item in _items("account"):
            limiter.limiter.hit(item, *_key("account", email))
        for item in _items("address"):
            limiter.limiter.hit(item, *_key("address", get_remote_address()))


def password_succeeded(email: str) -> None:
    """A right password clears the account's failures (not the address's)."""
    if _enabled():
        for item in _items("account"):
            limiter.limiter.clear(item, *_key("account", email))


def code_refusal(user_id: int) -> Message | None:
    if not _enabled():
        return None
    wait = _blocked("code", str(user_id))
    if wait:
        return msg("Too many wrong codes. Try again in %(minutes)d minutes.",
                   minutes=_minutes(wait))
    return None


def code_failed(user_id: int) -> None:
    if _enabled():
        for item in _items("code"):
            limiter.limiter.hit(item, *_key("code", str(user_id)))


def code_succeeded(user_id: int) -> None:
    if _enabled():
        for item in _items("code"):
            limiter.limiter.clear(item, *_key("code", str(user_id)))
