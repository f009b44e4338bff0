"""The code sets of interactions: kinds, directions and inquiry statuses, each labelled."""

from crm.i18n import lazy_gettext as _l
from crm.labels import LabelledEnum


class InteractionKind(LabelledEnum):
    PHONE = "phone", _l("Phone call")
    EMAIL = "email", _l("Email")
    MEETING = "meeting", _l("Meeting")
    INTERVIEW = "interview", _l("Interview")
    INQUIRY = "inquiry", _l("Press inquiry")
    STATEMENT = "statement", _l("Statement")
    EVENT = "event", _l("Event")
    PITCH = "pitch", _l("Pitch")  # a story offered to a journalist (see pitch coordination)
    RELEASE = "release", _l("Press release")  # written by the releases domain, not by hand


class Direction(LabelledEnum):
    INBOUND = "inbound", _l("Inbound")
    OUTBOUND = "outbound", _l("Outbound")


class InquiryStatus(LabelledEnum):
    NEW = "new", _l("New")
    IN_PROGRESS = "in_progress", _l("In progress")
    ANSWERED = "answered", _l("Answered")
    DECLINED = "declined", _l("Declined")


# Kinds a person logs by hand; "release" interactions are written by the releases domain.
LOGGABLE_KINDS = tuple(k for k in InteractionKind if k is not InteractionKind.RELEASE)
