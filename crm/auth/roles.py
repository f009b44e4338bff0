"""Role checks: viewer < editor < admin."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user


def role_required(role: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated or not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


editor_required = role_required("editor")
admin_required = role_required("admin")


def viewer_may_post(view):
    """Mark a view a viewer may POST to (own settings, logout); every other POST needs editor."""
    view.viewer_may_post = True
    return view
