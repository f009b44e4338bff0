"""The opt-out page as a recipient (and a mail provider) uses it, over a real HTTP server
with CSRF on: the link from a real email, the confirmation, the RFC 8058 one-click POST,
and tokens that are tampered with, unknown or expired."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from crm.audit.models import AuditEntry
from crm.contacts.models import Contact
from crm.extensions import db
from crm.releases import distribution, unsubscribe
from tests import factories as make
from tests.factories import approved
from tests.support import csrf_token_in, live_server

HOSTILE_NAME = "<script>alert(1)</script> Åse 😀"
OFFICE = "Partiets pressekontor <presse@partiet.no>"


@pytest.fixture
def site(make_app, app):
    """Pressdesk served on loopback as in production: CSRF on, no test client shortcuts."""
    served = make_app(WTF_CSRF_ENABLED=True, TESTING=False, SERVER_NAME=None,
                      CRM_RELEASE_FROM=OFFICE)
    with live_server(served) as base:
        yield base


@pytest.fixture
def sent(app, users, second_editor, smtp_server):
    """A release sent to a Norwegian and an English journalist; their opt-out paths."""
    app.config["CRM_RELEASE_FROM"] = OFFICE
    release = approved(users["editor"], second_editor)
    media_list = make.media_list("Utvalgte", [
        make.journalist(HOSTILE_NAME, email="ase@aftenposten.no"),
        make.journalist("Jane Reporter", email="jane@bbc.co.uk", preferred_language="en")])
    created = distribution.create_distribution(release, list_ids=[media_list.id],
                                               contact_ids=[], send_at=None, user_id=None)
    assert distribution.send_distribution(created).sent == 2
    paths = {}
    for message in smtp_server.messages:
        link = message["List-Unsubscribe"].strip("<>")
        paths[message["X-Envelope-To"]] = urlsplit(link).path
    return paths


def contact(email: str) -> Contact:
    db.session.expire_all()
    return next(c for c in db.session.scalars(db.select(Contact)) if c.primary_email == email)


def test_the_recipient_confirms_and_is_opted_out_with_an_audit_entry(site, sent):
    with httpx.Client(base_url=site) as browser:
        page = browser.get(sent["ase@aftenposten.no"])
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
        assert "Vil du slutte å få pressemeldinger fra Partiets pressekontor?" in page.text
        assert "Åse" not in page.text and "aftenposten" not in page.text  # no personal data
        assert "/login" not in page.text and 'lang="nb"' in page.text
        assert not contact("ase@aftenposten.no").opted_out  # a GET changes nothing
        refused = browser.post(sent["ase@aftenposten.no"], data={})  # no CSRF token
        assert refused.status_code == 400 and not contact("ase@aftenposten.no").opted_out
        done = browser.post(sent["ase@aftenposten.no"],
                            data={"csrf_token": csrf_token_in(page.text)})
        assert done.status_code == 200 and "Du er meldt av" in done.text
        again = browser.get(sent["ase@aftenposten.no"])
        assert "allerede meldt deg av" in again.text and "<form" not in again.text
    person = contact("ase@aftenposten.no")
    assert person.opted_out
    entry = db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.entity_type == "contact", AuditEntry.entity_id == person.id,
        AuditEntry.action == "update"))
    assert entry.changes["opted_out"] == [False, True] and entry.user_id is None
    assert not contact("jane@bbc.co.uk").opted_out


def test_the_one_click_post_of_a_mail_provider_needs_no_session_or_csrf(site, sent):
    response = httpx.post(site + sent["jane@bbc.co.uk"],
                          data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text and 'lang="en"' in response.text
    assert contact("jane@bbc.co.uk").opted_out
    assert not contact("ase@aftenposten.no").opted_out
    # A second one-click (providers retry) changes nothing and still answers 200.
    assert httpx.post(site + sent["jane@bbc.co.uk"],
                      data={"List-Unsubscribe": "One-Click"}).status_code == 200


def test_the_next_distribution_skips_whoever_opted_out(app, site, sent, users, second_editor,
                                                       smtp_server):
    httpx.post(site + sent["jane@bbc.co.uk"], data={"List-Unsubscribe": "One-Click"})
    release = approved(users["editor"], second_editor)
    jane = contact("jane@bbc.co.uk")
    created = distribution.create_distribution(release, list_ids=[], contact_ids=[jane.id],
                                               send_at=None, user_id=None)
    assert [str(r.reason) for r in created.recipients] == ["Opted out of mailings."]


def _expired_token(secret: str, contact_id: int) -> str:
    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - (unsubscribe.TOKEN_DAYS + 1) * 86400

    return URLSafeTimedSerializer(secret, salt=unsubscribe.SALT, signer=LongAgo).dumps(
        {"c": contact_id, "l": "en"})


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_bad_tampered_unknown_and_expired_tokens_open_nothing(app, site, sent, method):
    good = sent["jane@bbc.co.uk"].rsplit("/", 1)[1]
    jane = contact("jane@bbc.co.uk")
    forged = URLSafeTimedSerializer("not-our-key", salt=unsubscribe.SALT).dumps(
        {"c": jane.id, "l": "en"})
    with app.test_request_context():
        unknown = unsubscribe.make_token(10**9, "en")
        wrong_type = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=unsubscribe.SALT
                                            ).dumps({"c": "1", "l": "en"})
    cases = {good[:-2] + ("AA" if not good.endswith("AA") else "BB"): 404,  # tampered
             forged: 404, unknown: 404, wrong_type: 404, "x" * 5000: 404,
             "%00": 400, "æøå😀": 404,  # a NUL is refused before any view "<script>": 404,
             _expired_token(app.config["SECRET_KEY"], jane.id): 400}
    for token, status in cases.items():
        response = httpx.request(method, f"{site}/releases/unsubscribe/{token}",
                                 data={"List-Unsubscribe": "One-Click"}
                                 if method == "POST" else None)
        assert response.status_code == status, token
        assert "<form" not in response.text
    assert not contact("jane@bbc.co.uk").opted_out
