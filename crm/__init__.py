"""Pressdesk: press and media relations CRM."""

from __future__ import annotations

import os

from flask import Flask, abort, request
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from crm.config import engine_options, instance_secret_key, load_config

# Endpoints reachable without logging in, and why.
PUBLIC_ENDPOINTS = {
    "auth.login": "the way in",
    "auth.login_code": "the second step of a two-factor login (the password was right)",
    "static": "stylesheets and scripts",
    "interactions.calendar_feed_ics": "a calendar app subscribes without a session; the secret "
                                      "URL (hashed in calendar_feed_token, revocable) is the key",
    "releases.unsubscribe": "a release's recipient opts out from the link in the email (and "
                            "mail providers post RFC 8058 one-click opt-outs); the signed "
                            "token is the key, the page shows no personal data",
    "jobs.healthz": "load balancers and systemd check it; it says whether the database answers "
                    "and how old the scheduler's lease is, nothing else",
}


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, the domains' hooks, guards, error pages,
    template helpers, commands (every domain of crm/domains.py)."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=True)
    configure(app, test_config)
    init_extensions(app)
    register_blueprints(app)
    from crm.domains import register_hooks
    register_hooks()
    from crm import security
    security.install(app)
    install_guards(app)
    from crm import errors, templating
    errors.register(app)
    templating.register(app)
    from crm.cli import register_commands
    register_commands(app)
    return app


def configure(app: Flask, test_config: dict | None) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS"))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if app.config.get("CRM_PROXY_FIX"):
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)


def init_extensions(app: Flask) -> None:
    from crm.audit.listeners import install as install_audit
    from crm.domains import load_models
    from crm.extensions import babel, csrf, db, limiter, login_manager, migrate
    from crm.i18n import install_template_gettext, select_locale, select_timezone

    load_models()  # every model known before the mappers configure
    db.init_app(app)
    migrations = os.path.join(os.path.dirname(app.root_path), "migrations")
    migrate.init_app(app, db, directory=migrations, compare_type=True,
                      render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone,
                   default_translation_directories="translations")
    install_template_gettext(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"

    from crm.auth import sessions
    sessions.install(app, login_manager)

    install_audit()


class BoundedIntConverter(IntegerConverter):
    """<int:...> ids beyond a 64-bit integer are 404s, not database overflow errors."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = BoundedIntConverter
    from crm.domains import blueprints

    for blueprint in blueprints():
        app.register_blueprint(blueprint)


def install_guards(app: Flask) -> None:
    @app.before_request
    def require_login_and_write_role():
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if not current_user.is_authenticated:
            from crm.extensions import login_manager
            return login_manager.unauthorized()
        if request.method not in ("GET", "HEAD", "OPTIONS") and not current_user.can_write:
            view = app.view_functions.get(request.endpoint)
            if not getattr(view, "viewer_may_post", False):
                abort(403)
        return None
