"""Release statuses: draft -> in_review -> approved -> published, or withdrawn.

Every change of a release's status goes through this module, whether a user asks for it
(`transition`, the buttons on the release page) or the system makes it:

- `reopen_review`: saving an approved release sends it back to review, because the approval
  was for other words (services.save_release calls it);
- `mark_published`: the first distribution that reaches a recipient publishes an approved
  release (distribution.send_distribution calls it).

Four eyes: the approver must be another user than the last editor. What a transition does
besides changing the status is written in its `effect`; withdrawing cancels the release's
scheduled distributions through `distribution.cancel_scheduled`. Every transition is written to
the audit log by the Audited mixin; user transitions commit, system ones are committed by the
service that makes them, with the rest of its change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l

from crm.errors import UserError
from crm.extensions import db
from crm.messages import msg
from crm.releases.models import Release, ReleaseStatus
from crm.timeutil import utcnow


class WorkflowError(UserError):
    """The action is not allowed now; the message says why."""


def _approve(release: Release, user_id: int | None, now: datetime) -> None:
    release.approved_by_id, release.approved_at = user_id, now


def _forget_approval(release: Release, user_id: int | None, now: datetime) -> None:
    release.approved_by_id = release.approved_at = None


def _publish(release: Release, user_id: int | None, now: datetime) -> None:
    release.published_at = release.published_at or now


def _withdraw(release: Release, user_id: int | None, now: datetime) -> None:
    # distribution.py publishes through this module, so it is imported on use, not on load.
    from crm.releases.distribution import cancel_scheduled

    release.withdrawn_at = now
    cancel_scheduled(release, now)


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


def reopen_review(release: Release, user_id: int | None) -> None:
    """An approved release was edited: back to review, approval forgotten (not committed)."""
    if release.status == "approved":
        _apply(release, "reopen_review", user_id, utcnow())


def mark_published(release: Release, now: datetime) -> None:
    """A distribution reached someone: an approved release is now published (not committed)."""
    if release.status == "approved":
        _apply(release, "publish", None, now)
