"""What the UI calls interaction kinds, directions and inquiry statuses (translatable)."""

from flask_babel import lazy_gettext as _l

# Kinds a person logs by hand; "release" interactions are written by the releases domain.
LOGGABLE_KINDS = ("phone", "email", "meeting", "interview", "inquiry", "statement", "event")

KIND_LABELS = {
    "phone": _l("Phone call"),
    "email": _l("Email"),
    "meeting": _l("Meeting"),
    "interview": _l("Interview"),
    "inquiry": _l("Press inquiry"),
    "statement": _l("Statement"),
    "event": _l("Event"),
    "release": _l("Press release"),
}
DIRECTION_LABELS = {"inbound": _l("Inbound"), "outbound": _l("Outbound")}
STATUS_LABELS = {
    "new": _l("New"),
    "in_progress": _l("In progress"),
    "answered": _l("Answered"),
    "declined": _l("Declined"),
}


def template_labels() -> dict:
    """Template globals: label dicts for kinds, directions and inquiry statuses."""
    return {"kind_labels": KIND_LABELS, "direction_labels": DIRECTION_LABELS,
            "status_labels": STATUS_LABELS}

