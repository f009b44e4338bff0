"""The personal calendar feed: a secret URL per user that a calendar app subscribes to.

The token is shown once, when it is made; only its SHA-256 hash is stored (a stolen database
gives no working URL). Making a new one replaces the old; revoking deletes it. An unknown or
revoked token, or the token of a deactivated user, finds no one (the view answers 404).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from crm.auth.models import User
from crm.extensions import db
from crm.interactions.models import CalendarFeedToken
from crm.timeutil import utcnow

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100
_USED_EVERY = timedelta(hours=1)  # how often last_used_at is written (calendar apps poll)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def feed_of(user: User) -> CalendarFeedToken | None:
    return db.session.scalar(db.select(CalendarFeedToken)
                             .where(CalendarFeedToken.user_id == user.id))


def create_feed_token(user: User) -> str:
    """A new secret for `user` (the old URL stops working) and commit; returns the token."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = feed_of(user) or CalendarFeedToken(user_id=user.id)
    feed.token_hash, feed.created_at, feed.last_used_at = token_hash(token), utcnow(), None
    db.session.add(feed)
    db.session.commit()
    return token


def revoke_feed_token(user: User) -> bool:
    """Delete the user's feed (True if there was one) and commit."""
    feed = feed_of(user)
    if feed is None:
        return False
    db.session.delete(feed)
    db.session.commit()
    return True


def user_for_token(token: str, now: datetime | None = None) -> User | None:
    """The active user whose feed has this token, or None."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    feed = db.session.scalar(db.select(CalendarFeedToken)
                             .where(CalendarFeedToken.token_hash == token_hash(token)))
    if feed is None or not feed.user.active:
        return None
    now = now or utcnow()
    if feed.last_used_at is None or now - feed.last_used_at > _USED_EVERY:
        feed.last_used_at = now
        db.session.commit()
    return feed.user
