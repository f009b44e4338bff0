"""Release statuses: draft -> in_review -> approved -> published, or withdrawn.

Four eyes: the approver must be another user than the last editor. Editing an approved release
sends it back to review (see services.save_release). Every transition commits and is written
to the audit log by the Audited mixin.
"""

from __future__ import annotations

from crm.extensions import db
from crm.releases.models import Distribution, Release
from crm.timeutil import utcnow

# (from statuses, to status) per action
TRANSITIONS = {
    "submit": (("draft",), "in_review"),
    "approve": (("in_review",), "approved"),
    "send_back": (("in_review", "approved"), "draft"),
    "publish": (("approved",), "published"),
    "withdraw": (("draft", "in_review", "approved", "published"), "withdrawn"),
}


class WorkflowError(ValueError):
    """The action is not allowed now; the message says why."""


def allowed_actions(release: Release, user_id: int | None) -> list[str]:
    """The actions `user_id` may take on `release` now (for buttons)."""
    actions = [name for name, (sources, _to) in TRANSITIONS.items()
               if release.status in sources]
    if "approve" in actions and not may_approve(release, user_id):
        actions.remove("approve")
    return actions


def may_approve(release: Release, user_id: int | None) -> bool:
    return user_id is not None and release.updated_by_id != user_id


def transition(release: Release, action: str, user_id: int | None) -> Release:
    """Apply a workflow action and commit. Raises WorkflowError if it is not allowed."""
    if action not in TRANSITIONS:
        raise WorkflowError("Unknown action.")
    sources, target = TRANSITIONS[action]
    if release.status not in sources:
        raise WorkflowError(f"A release that is {release.status.replace('_', ' ')} "
                            f"cannot be {target.replace('_', ' ')}.")
    if action == "approve" and not may_approve(release, user_id):
        raise WorkflowError("Four eyes: the last editor cannot approve the release; "
                            "another colleague must.")
    now = utcnow()
    release.status = target
    if action == "approve":
        release.approved_by_id, release.approved_at = user_id, now
    elif action == "send_back":
        release.approved_by_id = release.approved_at = None
    elif action == "publish":
        release.published_at = release.published_at or now
    elif action == "withdraw":
        release.withdrawn_at = now
        for distribution in db.session.scalars(db.select(Distribution).where(
                Distribution.release_id == release.id, Distribution.status == "scheduled")):
            distribution.status = "cancelled"
            distribution.finished_at = now
    db.session.commit()
    return release
