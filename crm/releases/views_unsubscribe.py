"""The opt-out page a release's recipient reaches from the email: the only public page.

GET shows a confirmation with a button (a form with a CSRF token). A POST whose body is
`List-Unsubscribe=One-Click` comes from a mail provider on the recipient's behalf (RFC 8058)
and carries no CSRF token: that one POST is exempt, every other POST is checked.
"""

from __future__ import annotations

from email.utils import parseaddr

from flask import current_app, render_template, request
from flask_babel import force_locale

from crm.extensions import csrf
from crm.releases import bp
from crm.releases import unsubscribe as opt_outs
from crm.releases.distribution import office_sender

STATUS = {"invalid": 404, "expired": 400}


def _office_name(language: str) -> str:
    name, email = parseaddr(office_sender(language))
    return name or email


def _page(state: str, language: str, status: int = 200):
    with force_locale(language):
        html = render_template("releases/unsubscribe.html", state=state, lang=language,
                               office=_office_name(language))
    return html, status, {"Cache-Control": "no-store", "X-Robots-Tag": "noindex",
                          "Referrer-Policy": "no-referrer"}


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    """Opt out of release emails through the signed link (public: the token is the key)."""
    found = opt_outs.read_token(token[:500])
    if found.contact is None:
        return _page(found.problem, found.language, STATUS[found.problem])
    if request.method == "GET":
        return _page("already" if found.contact.opted_out else "confirm", found.language)
    one_click = request.form.get("List-Unsubscribe") == "One-Click"
    if not one_click and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
    changed = opt_outs.opt_out(found.contact)
    return _page("done" if changed else "already", found.language)
