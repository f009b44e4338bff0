"""Media monitoring: RSS/Atom feeds, watch terms, mentions and coverage analytics."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from crm.navigation import NavItem, add_main

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring")
# One menu entry; feeds, watch terms and coverage are tabs (templates/monitoring/_tabs.html).
add_main(NavItem("monitoring.mentions_index", _l("Monitoring"), "monitoring.", order=40))

from crm.monitoring import digest, privacy, views, views_coverage  # noqa: E402,F401
