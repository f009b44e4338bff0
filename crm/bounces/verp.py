"""The per-recipient envelope sender (VERP): bounces+TOKEN@office-domain.

With CRM_BOUNCE_ADDRESS=bounces@parti.no, the release email to distribution recipient 123
goes out with the envelope sender bounces+r123-1f2e3d4c5b@parti.no, so its bounce comes back
to that address and names the send, whatever address the remote server reports (or fails to
report, as flufl.bounce skips non-ASCII ones). The token is signed with the app's secret key:
a forged bounce cannot mark an address it did not receive. Lower case only, as some servers
lower-case the local part.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from flask import current_app

_TOKEN = re.compile(r"\+r(\d{1,18})-([0-9a-f]{10})@", re.IGNORECASE)


def _signature(recipient_id: int) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"bounce:{recipient_id}".encode(), hashlib.sha256).hexdigest()[:10]


def bounce_address() -> str:
    """CRM_BOUNCE_ADDRESS, or "" when bounces are not collected."""
    address = (current_app.config.get("CRM_BOUNCE_ADDRESS") or "").strip()
    return address if address.count("@") == 1 else ""


def envelope_sender(recipient_id: int) -> str | None:
    """The envelope sender for one distribution recipient, or None (the From address is
    used) when CRM_BOUNCE_ADDRESS is not set."""
    address = bounce_address()
    if not address:
        return None
    local, _, domain = address.partition("@")
    return f"{local}+r{recipient_id}-{_signature(recipient_id)}@{domain}"


def recipient_of(address: str) -> int | None:
    """The distribution recipient id a VERP address names, if its signature is right."""
    match = _TOKEN.search(address or "")
    if match is None:
        return None
    recipient_id = int(match.group(1))
    if not hmac.compare_digest(match.group(2).lower(), _signature(recipient_id)):
        return None
    return recipient_id
