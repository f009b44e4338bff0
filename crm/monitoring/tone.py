"""Tone of a mention from the party's point of view: positive, neutral or negative.

Set by hand only. An automatic first guess was considered and left out: no maintained
Norwegian sentiment lexicon or model installs from PyPI and runs without downloading data at
run time (checked 2026-12: `afinn` 0.1 (2016) ships Danish and English lists only;
`polyglot`/`polyglot3` fetch their sentiment lexicons with a downloader at run time; the
VADER ports are English, Swedish or translate through a web service; NoReC-based models live
on model hubs, not on PyPI). The UI says so ("Tone is set by hand").
"""

from __future__ import annotations

from crm.audit.models import AuditEntry
from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.monitoring.models import TONES, Mention
from crm.timeutil import utcnow

AUTOMATIC_GUESS = False  # see the module docstring


def set_tone(mention: Mention, tone: str, user_id: int | None) -> Mention:
    """Set (or with "" clear) a mention's tone, recording who did it and when, and write an
    audit entry with the old and new tone. Setting a tone also marks the mention read."""
    if tone not in ("", *TONES):
        raise UserError(msg("Choose positive, neutral or negative."), field="tone")
    old = mention.tone or ""
    now = utcnow()
    mention.tone = tone
    mention.tone_set_by_id = user_id if tone else None
    mention.tone_set_at = now if tone else None
    mention.is_read = True
    if old != tone:
        db.session.add(AuditEntry(
            user_id=user_id, action="update", entity_type="mention", entity_id=mention.id,
            created_at=now, label=f"{mention.term.term}: {mention.article.title}"[:300],
            changes={"tone": [old, tone]}))
    db.session.commit()
    return mention
