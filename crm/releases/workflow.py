"""Release statuses: draft -> in_review -> approved -> published, or withdrawn.

Every change of a release's status goes through this module, whether a user asks for it
(`transition`, the buttons on the release page) or the system makes it:

- `reopen_review`: saving an approved release sends it back to review, because the approval
  was for other words (services.save_release calls it); so does a change to a part it uses,
  a text snippet or its template (`reopen_for_parts`);
- `mark_published`: a release is published openly at its publication moment (the chosen
  time, else the embargo's lift) once a distribution has reached someone; one without either
  at its first send (distribution.py calls it).

Four eyes: the approver must be another user than the last editor, and the approval covers
exactly what goes out: at approval a digest of the title, lead, body, quotes, contact person,
the snippets' text, the template's file and the times is kept (`content_digest`); a part
changed since then sends the release back to review (here, or at the latest when a send finds
the digest changed), and its scheduled distributions are held until it is approved again
(`Distribution.is_held`). Withdrawing holds them too: a withdrawn release is never sent.
What a transition does besides changing the status is written in its `effect`. Every
transition is written to
the audit log by the Audited mixin; user transitions commit, system ones are committed by the
service that makes them, with the rest of its change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from crm.errors import UserError
from crm.extensions import db
from crm.i18n import lazy_gettext as _l
from crm.messages import Message, msg
from crm.releases.models import Release, ReleaseStatus
from crm.timeutil import utcnow


class WorkflowError(UserError):
    """The action is not allowed now; the message says why."""


def content_digest(release: Release) -> str:
    """A digest of all that goes out: text, quotes, contact person, snippets' text, template
    file (its language's default when none is chosen), the letterhead logo where the template
    shows it, and times."""
    # export.py reaches the template store, which needs this module's callers loaded first.
    from crm.releases.export import ExportError, template_for

    logo = ""
    try:
        chosen = template_for(release)
        template = chosen.sha256
        if "logo" in (chosen.variables or []):  # its letterhead shows the office's logo
            from crm.releases.logo import logo_bytes
            logo = hashlib.sha256(logo_bytes()).hexdigest()
    except ExportError:
        template = ""
    content = {
        "title": release.title, "lead": release.lead, "body": release.body,
        "language": release.language, "spokesperson": release.spokesperson_id,
        "quotes": [[q.contact_id, q.text] for q in release.quotes],
        "snippets": [s.body for s in release.snippets], "template": template, "logo": logo,
        "embargo_until": str(release.embargo_until), "release_at": str(release.release_at),
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def _approve(release: Release, user_id: int | None, now: datetime) -> None:
    release.approved_by_id, release.approved_at = user_id, now
    release.approved_digest = content_digest(release)
    release.review_note = Message("")


def _forget_approval(release: Release, user_id: int | None, now: datetime) -> None:
    release.approved_by_id = release.approved_at = None
    release.approved_digest = ""


def _publish(release: Release, user_id: int | None, now: datetime) -> None:
    release.published_at = release.published_at or now


def _withdraw(release: Release, user_id: int | None, now: datetime) -> None:
    release.withdrawn_at = now  # its scheduled distributions are held (never sent)


Effect = Callable[[Release, "int | None", datetime], None]


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    label: object  # a lazy string: the button
    effect: Effect | None = None
    by_user: bool = True  # False: only the system makes it (no button, no URL)


TRANSITIONS: dict[str, Transition] = {
    "submit": Transition(("draft",), "in_review", _l("Submit for review")),
    "approve": Transition(("in_review",), "approved", _l("Approve"), _approve),
    "send_back": Transition(("in_review", "approved"), "draft", _l("Send back to draft"),
                            _forget_approval),
    "publish": Transition(("approved",), "published", _l("Mark as published"), _publish),
    "withdraw": Transition(("draft", "in_review", "approved", "published"), "withdrawn",
                           _l("Withdraw"), _withdraw),
    "reopen_review": Transition(("approved",), "in_review", _l("Back to review"),
                                _forget_approval, by_user=False),
}
USER_ACTIONS = tuple(name for name, t in TRANSITIONS.items() if t.by_user)
ACTION_LABELS = {name: TRANSITIONS[name].label for name in USER_ACTIONS}


def allowed_actions(release: Release, user_id: int | None) -> list[str]:
    """The actions `user_id` may take on `release` now (for buttons)."""
    actions = [name for name in USER_ACTIONS if release.status in TRANSITIONS[name].sources]
    if "approve" in actions and not may_approve(release, user_id):
        actions.remove("approve")
    return actions


def may_approve(release: Release, user_id: int | None) -> bool:
    return user_id is not None and release.updated_by_id != user_id


def _apply(release: Release, action: str, user_id: int | None, now: datetime) -> None:
    step = TRANSITIONS[action]
    if release.status not in step.sources:
        raise WorkflowError(msg("“%(action)s” is not possible for a release that is "
                                "“%(status)s”.", action=step.label,
                                status=ReleaseStatus.label_of(release.status)))
    if action == "approve" and not may_approve(release, user_id):
        raise WorkflowError(msg("Four eyes: the last editor cannot approve the release; "
                                "another colleague must."))
    release.status = step.target
    if step.effect is not None:
        step.effect(release, user_id, now)


def transition(release: Release, action: str, user_id: int | None,
               now: datetime | None = None) -> Release:
    """Apply a user's workflow action and commit. Raises WorkflowError if it is not allowed."""
    if action not in USER_ACTIONS:
        raise WorkflowError(msg("Unknown action."))
    _apply(release, action, user_id, now or utcnow())
    db.session.commit()
    return release


def check_editable(release: Release) -> None:
    """Raise WorkflowError unless the release's words may still change."""
    if not release.is_editable:
        raise WorkflowError(msg("A published or withdrawn release cannot be changed."))


def reopen_review(release: Release, user_id: int | None, note: Message | None = None) -> None:
    """An approved release was edited: back to review, approval forgotten (not committed).

    `note` says why when the change was not to the release itself (a snippet, a template).
    """
    if release.status == "approved":
        _apply(release, "reopen_review", user_id, utcnow())
        release.review_note = note or Message("")


def reopen_for_parts(releases: Iterable[Release], user_id: int | None,
                     note: Message) -> list[Release]:
    """A part the releases use changed (a snippet's text, a template): each approved one goes
    back to review, the changer counting as its last editor (not committed). Returns them."""
    reopened = []
    for release in releases:
        if release.status == "approved":
            reopen_review(release, user_id, note)
            release.updated_by_id = user_id if user_id is not None else release.updated_by_id
            reopened.append(release)
    return reopened


def approved_releases() -> list[Release]:
    return list(db.session.scalars(db.select(Release).where(Release.status == "approved")))


def approved_using(*, snippet_id: int | None = None,
                   template_id: int | None = None) -> list[Release]:
    """The approved releases that include a snippet, or render with a template (chosen, or
    their language's default): those a change to it sends back to review."""
    # export.py reaches the template store, which needs this module's callers loaded first.
    from crm.releases.export import ExportError, template_for

    def uses(release: Release) -> bool:
        if snippet_id is not None:
            return snippet_id in (link.snippet_id for link in release.snippet_links)
        try:
            return template_for(release).id == template_id
        except ExportError:
            return False
    return [release for release in approved_releases() if uses(release)]


def reopen_changed(user_id: int | None, note: Message,
                   using: Iterable[Release] = ()) -> list[Release]:
    """After a change to a part (a snippet, a template, the default): every approved release
    whose outgoing content now differs from what was approved goes back to review, and so do
    the releases `using` the part that were approved before digests were kept (not
    committed; the session is flushed first). Returns them."""
    undigested = [r for r in using if not r.approved_digest]
    db.session.flush()
    changed = [r for r in approved_releases() if not is_as_approved(r)]
    return reopen_for_parts(dict.fromkeys(changed + undigested), user_id, note)


def is_as_approved(release: Release) -> bool:
    """Whether what would go out now is what was approved (True for releases approved before
    the digest was kept, and for published ones, which cannot change)."""
    if release.status != "approved" or not release.approved_digest:
        return True
    return content_digest(release) == release.approved_digest


def mark_published(release: Release, now: datetime) -> None:
    """A distribution reached someone and the publication moment has come: an approved
    release is now published (not committed)."""
    moment = release.publish_moment
    if release.status == "approved" and (moment is None or moment <= now):
        _apply(release, "publish", None, now)
