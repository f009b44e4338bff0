"""Locale and time-zone selection for Flask-Babel."""

from flask import current_app, has_request_context, request
from flask.globals import _cv_app
from flask_babel import get_translations
from flask_babel.speaklater import LazyString
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

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


# Templates call gettext hundreds of times a page (a 50-row contact list: about 470 times), and
# every code label (`contact.kind|label(...)`, a menu entry) is a lazy string translated when it
# is shown. Flask-Babel's own callables find the translations through three context proxies and
# a cache per call, a third of such a page's CPU time. These read the locale Flask-Babel has
# already chosen for this request (or forced, with force_locale) straight from the app context
# and keep one Translations object per locale; until the locale is chosen they defer to it.
_TRANSLATIONS: dict = {}


def _translations():
    app_ctx = _cv_app.get(None)
    state = getattr(app_ctx.g, "_flask_babel", None) if app_ctx is not None else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()  # chooses (and records) the locale
    last = getattr(state, "crm_translations", None)  # this request's, while its locale holds
    if last is not None and last[0] is locale:
        return last[1]
    key = (locale, id(app_ctx.app))
    translations = _TRANSLATIONS.get(key)
    if translations is None:
        translations = _TRANSLATIONS[key] = get_translations()
    state.crm_translations = (locale, translations)
    return translations


def gettext(string: str, **variables) -> str:
    """flask_babel.gettext, through the quicker lookup above."""
    s = _translations().ugettext(string)
    return s if not variables else s % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    """flask_babel.lazy_gettext (the same LazyString), translated through gettext above."""
    return LazyString(gettext, string, **variables)


# In templates, `_()` and `ngettext()` as Jinja's i18n extension defines them with newstyle
# gettext (the result is Markup when autoescaping, and always %-formatted with the keyword
# arguments), in one call each instead of three nested ones through the template context.
@pass_context
def _template_gettext(context, string: str, **variables) -> str:
    rv = _translations().ugettext(string)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    if not variables and "%" not in rv:
        return rv  # what formatting would return
    return rv % variables


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    rv = _translations().ungettext(singular, plural, num)
    if context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % variables


def install_template_gettext(app) -> None:
    """Replace Flask-Babel's template gettext callables by the quicker ones above."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True)
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext,
                                 ngettext=_template_ngettext)
