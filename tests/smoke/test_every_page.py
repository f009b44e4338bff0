"""Every page and every download, through a real HTTP server, as each role, on the demo data.

A test client keeps the app context of the test alive across requests; a real server does not,
so a response that reads the database after its request has ended (a streamed export, a lazy
attribute in a template) fails only here. The server runs in a thread with its own app, as
`crm run` would serve it, CSRF included; the test logs in through the login form like a browser.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from crm.extensions import db
from tests.support import PASSWORD, demo_site

ROLES = ("viewer", "editor", "admin")

# URL arguments and the table whose first row's id fills them.
ID_SOURCES = {
    "contact_id": "contact", "organisation_id": "organisation", "list_id": "media_list",
    "interaction_id": "interaction", "follow_up_id": "follow_up", "release_id": "release",
    "template_id": "release_template", "snippet_id": "text_snippet", "feed_id": "feed",
    "article_id": "article", "term_id": "watch_term", "mention_id": "mention",
    "user_id": "user_account", "distribution_id": "distribution", "campaign_id": "campaign",
    "alert_id": "alert", "rule_id": "alert_rule",
}
# Routes not requested directly, and why.
NOT_REQUESTED = {
    "contacts.import_mapping": "needs an uploaded file's token (tests/contacts/test_import.py)",
    "monitoring.coverage_csv": "reached through the links on the coverage page",
    "static": "assets, not pages",
    "releases.logo_image": "the demo data has no logo (tests/releases/test_template_checks.py)",
    "interactions.calendar_feed_ics": "needs a user's secret token "
                                      "(tests/interactions/test_calendar_feed.py)",
    "releases.unsubscribe": "needs a recipient's signed token; public, no login "
                            "(tests/releases/test_unsubscribe.py)",
}
DOWNLOAD = re.compile(r"(export|download|\.csv|\.vcf|\.ics|\.docx|\.json|vcard|email\.(txt|html))",
                      re.IGNORECASE)


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "input" and attrs.get("name") == "csrf_token":
            self.csrf = attrs.get("value") or ""


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    """Pressdesk with demo data, served on a loopback port; yields (base URL, app)."""
    users = {f"smoke-{role}@example.no": (role, "nb" if role != "editor" else "en")
             for role in ROLES}
    with demo_site(database_url, users) as site:
        yield site


def _login(base: str, role: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=60, follow_redirects=False)
    login_page = client.get("/login")
    _check_security_headers("/login", login_page)
    form = _parse(login_page.text)
    assert form.csrf, "the login form has a CSRF token"
    response = client.post("/login", data={"email": f"smoke-{role}@example.no",
                                           "password": PASSWORD, "csrf_token": form.csrf})
    assert response.status_code == 302, f"{role} could not log in"
    return client


def _first_ids(app) -> dict[str, int]:
    with app.app_context():
        ids = {}
        for arg, table in ID_SOURCES.items():
            t = db.metadata.tables[table]
            ids[arg] = db.session.scalar(db.select(t.c.id).order_by(t.c.id).limit(1))
        db.session.remove()
    return ids


def _get_routes(app, ids: dict[str, int]) -> tuple[list[tuple[str, str]], list[str]]:
    """(endpoint, URL) for every GET route; and routes that could not be filled in."""
    routes, unfilled = [], []
    with app.test_request_context():
        from flask import url_for
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint in NOT_REQUESTED:
                continue
            values = {}
            for arg in rule.arguments:
                if ids.get(arg) is None:
                    unfilled.append(f"{rule.endpoint} ({arg})")
                    break
                values[arg] = ids[arg]
            else:
                routes.append((rule.endpoint, url_for(rule.endpoint, **values)))
    return routes, unfilled


def _check_security_headers(url: str, response: httpx.Response) -> None:
    """Every response: nosniff and a same-origin referrer; every HTML page: a CSP with no
    inline script or style and no foreign origin, no framing, a Permissions-Policy."""
    headers = response.headers
    assert headers.get("x-content-type-options") == "nosniff", url
    assert headers.get("referrer-policy") == "same-origin", url
    assert "strict-transport-security" not in headers, f"{url}: HSTS over plain HTTP"
    if not headers.get("content-type", "").startswith("text/html"):
        return
    policy = {part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
              for part in headers.get("content-security-policy", "").split(";") if part.strip()}
    assert policy, f"{url}: no Content-Security-Policy"
    for directive, sources in policy.items():
        assert "unsafe-inline" not in sources or directive == "style-src" and \
            policy.get("default-src") == "'none'", f"{url}: {directive} {sources}"
        assert "unsafe-eval" not in sources and "http" not in sources and "*" not in sources, \
            f"{url}: foreign origin in {directive} {sources}"
    assert policy.get("object-src", policy.get("default-src")) == "'none'", url
    assert policy.get("frame-ancestors") in ("'none'", "'self'"), url
    assert headers.get("x-frame-options") == ("DENY" if policy["frame-ancestors"] == "'none'"
                                              else "SAMEORIGIN"), url
    if policy.get("default-src") != "'none'":
        assert policy.get("script-src") == "'self'" and policy.get("style-src") == "'self'", url
        assert policy.get("base-uri") == "'self'" and policy.get("form-action") == "'self'", url
        assert "camera=()" in headers.get("permissions-policy", ""), url


def _check_download(url: str, response: httpx.Response) -> None:
    kind = response.headers.get("content-type", "").split(";")[0]
    body = response.content
    assert body, f"{url}: empty download"
    declared = response.headers.get("content-length")
    if declared is not None:
        assert int(declared) == len(body), f"{url}: incomplete download"
    if kind == "text/csv":
        text = body.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
        rows = list(csv.reader(io.StringIO(text, newline=""), dialect))
        assert rows and rows[0], f"{url}: no CSV header"
        assert len({len(r) for r in rows}) == 1, f"{url}: ragged CSV"
    elif kind in ("text/vcard", "text/x-vcard"):
        text = body.decode("utf-8")
        assert text.count("BEGIN:VCARD") == text.count("END:VCARD") > 0, url
        import vobject
        cards = list(vobject.readComponents(text))
        assert cards and all(card.fn.value for card in cards), url
    elif kind == "text/calendar":
        text = body.decode("utf-8")
        assert text.startswith("BEGIN:VCALENDAR") and text.rstrip().endswith("END:VCALENDAR")
        import icalendar
        icalendar.Calendar.from_ical(text)
    elif kind.endswith("wordprocessingml.document"):
        import docx
        with zipfile.ZipFile(io.BytesIO(body)) as package:
            assert package.testzip() is None, url
        assert docx.Document(io.BytesIO(body)).paragraphs, url
    elif kind == "application/json":
        json.loads(body)
    elif kind in ("text/x-opml", "application/xml", "text/xml"):
        from xml.etree import ElementTree
        root = ElementTree.fromstring(body)
        assert kind != "text/x-opml" or root.tag == "opml", url
    elif kind in ("text/plain", "text/html"):
        body.decode("utf-8")
    else:
        pytest.fail(f"{url}: unexpected download type {kind!r}")


@pytest.mark.slow
@pytest.mark.parametrize("role", ROLES)
def test_every_page_and_download_works_on_a_real_server(server, role):
    base, app = server
    client = _login(base, role)
    routes, unfilled = _get_routes(app, _first_ids(app))
    assert not unfilled, f"routes with arguments the smoke test cannot fill: {unfilled}"
    failures, downloads, seen = [], set(), set()
    for endpoint, url in routes:
        response = client.get(url)
        seen.add(url)
        _check_security_headers(url, response)
        if response.status_code >= 500:
            failures.append(f"{endpoint} {url}: {response.status_code}")
            continue
        if response.status_code == 403:
            assert role != "admin", f"{url}: forbidden to an admin"
            continue
        assert response.status_code in (200, 302, 404), f"{url}: {response.status_code}"
        if response.headers.get("content-type", "").startswith("text/html") and \
                "attachment" not in response.headers.get("content-disposition", ""):
            for href in _parse(response.text).links:
                target = urljoin(url, href)
                parts = urlsplit(target)
                if parts.netloc and parts.netloc != urlsplit(base).netloc:
                    continue
                if DOWNLOAD.search(parts.path):
                    downloads.add(parts.path + (f"?{parts.query}" if parts.query else ""))
        elif response.status_code == 200:
            _check_download(url, response)
    for url in sorted(downloads - seen):
        response = client.get(url)
        _check_security_headers(url, response)
        if response.status_code >= 500:
            failures.append(f"download {url}: {response.status_code}")
        elif response.status_code == 200:
            _check_download(url, response)
    assert not failures, failures
    assert len(routes) > 40 and downloads, "the smoke test saw the app's pages and links"
