"""Media monitoring: RSS/Atom feeds, watch terms, mentions and coverage analytics."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from crm.navigation import NavItem, add_main

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")
add_main(NavItem("monitoring.mentions_index", _l("Mentions"), "monitoring.mention"))
add_main(NavItem("monitoring.feeds", _l("Feeds"), "monitoring.feed"))
add_main(NavItem("monitoring.terms", _l("Watch terms"), "monitoring.term"))
add_main(NavItem("monitoring.coverage", _l("Coverage"), "monitoring.coverage"))

from crm.monitoring import digest, privacy, views  # noqa: E402,F401
