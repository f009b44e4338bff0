"""Press releases: templates, drafting, approval, embargo, Word export and distribution."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from crm.navigation import NavItem, add_main

bp = Blueprint("releases", __name__, url_prefix="/releases")
add_main(NavItem("releases.index", _l("Press releases"), "releases.", order=30))

from crm.releases import privacy, views, views_distribution, views_templates  # noqa: E402,F401
