"""Locale and time-zone selection for Flask-Babel."""

from flask import current_app, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_translations
from flask_login import current_user

LOCALES = ("nb", "en")


def select_locale() -> str:
    if not has_request_context():  # command line and scheduled jobs
        return current_app.config["CRM_DEFAULT_LANGUAGE"]
    if current_user and current_user.is_authenticated and current_user.language in LOCALES:
        return current_user.language
    return request.accept_languages.best_match(LOCALES) or \
        current_app.config["CRM_DEFAULT_LANGUAGE"]


def select_timezone() -> str:
    return current_app.config["CRM_TIMEZONE"]


# Templates call gettext hundreds of times a page (a 50-row contact list: about 470 times).
# Flask-Babel's own callables find the translations through three context proxies and a cache
# per call, a third of such a page's CPU time. These read the locale Flask-Babel has already
# chosen for this request (or forced, with force_locale) straight from the app context and
# keep one Translations object per locale; until the locale is chosen they defer to it.
_TRANSLATIONS: dict = {}


def _translations():
    app_ctx = _cv_app.get(None)
    state = getattr(app_ctx.g, "_flask_babel", None) if app_ctx is not None else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()  # chooses (and records) the locale
    key = (locale, id(app_ctx.app))
    translations = _TRANSLATIONS.get(key)
    if translations is None:
        translations = _TRANSLATIONS[key] = get_translations()
    return translations


def install_template_gettext(app) -> None:
    """Replace Flask-Babel's template gettext callables by the quicker ones above."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
