"""A recipient's way out: the signed opt-out link in every release email, its headers
(RFC 2369 List-Unsubscribe, RFC 8058 one-click) and the opt-out it records.

The link carries a token signed with SECRET_KEY (salt SALT): the contact's id and the language
the confirmation speaks, nothing readable beyond that. A token is good for TOKEN_DAYS; a
tampered, unknown or expired one opens nothing. Opting out sets Contact.opted_out, which the
audit log records (as changed by nobody: the recipient is not a user); later distributions
skip the contact with the reason "Opted out of mailings."
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import quote

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from markupsafe import Markup

from crm.contacts.models import Contact
from crm.extensions import db
from crm.i18n import LOCALES

SALT = "pressdesk.releases.unsubscribe"
TOKEN_DAYS = 730  # an old release in someone's inbox still lets them leave


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def page_language(language: str | None) -> str:
    """The UI language closest to a contact's or release's language (nynorsk reads bokmål)."""
    if language in LOCALES:
        return language
    return "nb" if language == "nn" else current_app.config["CRM_DEFAULT_LANGUAGE"]


def make_token(contact_id: int, language: str) -> str:
    return _serializer().dumps({"c": contact_id, "l": page_language(language)})


@dataclass(frozen=True)
class TokenResult:
    """A read token: the contact (None if the token opens nothing) and why not."""

    contact: Contact | None
    language: str
    problem: str = ""  # "", "invalid" (tampered, unknown contact) or "expired"


def read_token(token: str) -> TokenResult:
    """The contact a token names, or why it names none (never raises for bad input)."""
    default = current_app.config["CRM_DEFAULT_LANGUAGE"]
    try:
        data = _serializer().loads(token, max_age=TOKEN_DAYS * 86400)
    except SignatureExpired as exc:
        payload = exc.payload if isinstance(exc.payload, dict) else {}
        return TokenResult(None, page_language(payload.get("l")), "expired")
    except (BadSignature, UnicodeError, ValueError):
        return TokenResult(None, default, "invalid")
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        return TokenResult(None, default, "invalid")
    language = page_language(data.get("l"))
    contact = db.session.get(Contact, data["c"]) if 0 < data["c"] < 2**63 else None
    if contact is None or contact.erased_at is not None:
        return TokenResult(None, language, "invalid")
    return TokenResult(contact, language)


def opt_out(contact: Contact) -> bool:
    """Record that the contact wants no more mailings, and commit (audited). False if they
    had already opted out (nothing changes)."""
    if contact.opted_out:
        return False
    contact.opted_out = True
    db.session.commit()
    return True


def unsubscribe_url(token: str) -> str:
    """The public address of the opt-out page (CRM_BASE_URL, right behind a proxy too)."""
    base = current_app.config.get("CRM_BASE_URL", "").rstrip("/")
    if not base:
        return url_for("releases.unsubscribe", token=token, _external=True)
    # Built from the URL map itself: the scheduler sends without a request (or SERVER_NAME).
    path = current_app.url_map.bind("localhost").build("releases.unsubscribe",
                                                       {"token": token})
    return base + path


@dataclass(frozen=True)
class OptOut:
    """What one recipient's email carries to let them leave: headers and a visible line."""

    url: str
    headers: dict[str, str]
    text: str
    html: str


def for_recipient(contact_id: int, language: str) -> OptOut:
    """The List-Unsubscribe headers and the opt-out line, in the recipient's language."""
    url = unsubscribe_url(make_token(contact_id, language))
    links = [f"<{url}>"]
    mailbox = parseaddr(current_app.config.get("CRM_UNSUBSCRIBE_MAILTO", ""))[1]
    if mailbox:
        links.append(f"<mailto:{mailbox}?subject={quote('unsubscribe')}>")
    headers = {"List-Unsubscribe": ", ".join(links),
               "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    with force_locale(page_language(language)):
        line = _("You get press releases from us. To receive no more, unsubscribe here:")
        link_text = _("Unsubscribe")
    html = Markup('<p style="color: #555; font-size: .85em;">{} <a href="{}">{}</a></p>').format(
        line, url, link_text)
    return OptOut(url=url, headers=headers, text=f"\n-- \n{line}\n{url}\n",
                  html=str(html))
