"""Hostile bytes (issue 12, Bad input): a NUL in any form field, field name, file name or query
parameter is a clear 400, never a 500, on both databases (PostgreSQL refuses NUL in text).

The fuzz finds the forms itself: it opens every GET page of app.url_map on demo data as an
admin, reads every <form> on it, and posts each with a NUL in each field in turn (the CSRF token
kept intact), then every POST route no page links a form to with a NUL in a generic field; and
every GET page with a NUL in each of its filter parameters. Anonymous POST /login too.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import pytest

from crm.extensions import db
from tests.support import login

NUL = "Kari\x00Nordmann"
NUL_MESSAGE = "NUL character"  # in English; "NUL-tegn" in Norwegian
ID_SOURCES = {
    "contact_id": "contact", "organisation_id": "organisation", "list_id": "media_list",
    "interaction_id": "interaction", "follow_up_id": "follow_up", "release_id": "release",
    "template_id": "release_template", "snippet_id": "text_snippet", "feed_id": "feed",
    "article_id": "article", "term_id": "watch_term", "mention_id": "mention",
    "user_id": "user_account", "distribution_id": "distribution",
}
OTHER_ARGS = {"token": "x" * 43, "kind": "journalist", "action": "approve", "number": 1}
GENERIC_FIELDS = ["name", "q", "email", "notes", "title", "body", "term", "url"]
FILTERS = ["q", "page", "tag", "organisation", "list", "kind", "beat", "sort", "term", "feed",
           "status", "from", "to", "days", "group", "contact", "user", "action", "a", "b",
           "next", "months"]


class _Forms(HTMLParser):
    """Every <form>: its method, action and fields with the values the page gave them."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (attrs.get("method") or "get").lower(),
                               "action": attrs.get("action") or "", "fields": {},
                               "files": []})
        elif not self.forms:
            return
        form = self.forms[-1] if self.forms else None
        name = attrs.get("name")
        if form is None or not name:
            return
        if tag == "input" and attrs.get("type") == "file":
            form["files"].append(name)
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio"):
            if "checked" in attrs or name not in form["fields"]:
                form["fields"][name] = attrs.get("value") or "on"
        elif tag == "input":
            form["fields"][name] = attrs.get("value") or ""
        elif tag == "textarea":
            form["fields"][name] = ""
        elif tag == "select":
            form["fields"][name] = ""
            self._select = name
        elif tag == "option" and self._select and not form["fields"][self._select]:
            form["fields"][self._select] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@pytest.fixture
def demo_admin(app, client):
    from crm.auth.services import create_user
    from crm.demo.generate import generate_demo
    from tests.support import PASSWORD
    generate_demo(contacts=30, seed=11)
    create_user("fuzz-admin@example.no", PASSWORD, role="admin", name="Fuzz Admin")
    db.session.remove()
    login(client, "fuzz-admin@example.no")
    app.config["WTF_CSRF_ENABLED"] = True  # the real thing from here on
    return client


def _routes(app):
    ids = {}
    for arg, table in ID_SOURCES.items():
        t = db.metadata.tables[table]
        ids[arg] = db.session.scalar(db.select(t.c.id).order_by(t.c.id).limit(1))
    db.session.remove()
    values_for = {**OTHER_ARGS, **ids}
    from flask import url_for
    gets, posts = [], []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or any(values_for.get(a) is None for a in rule.arguments):
            continue
        url = url_for(rule.endpoint, **{a: values_for[a] for a in rule.arguments})
        path = urlsplit(url).path
        if "GET" in rule.methods:
            gets.append((rule.endpoint, path))
        if "POST" in rule.methods:
            posts.append((rule.endpoint, path))
    return gets, posts


def _check(response, what: str, failures: list, refused: list) -> None:
    text = response.get_data().decode("utf-8", "replace")
    response.close()  # streamed downloads end their request context here
    if response.status_code >= 500:
        failures.append(f"{what}: {response.status_code}")
    elif response.status_code == 400 and "NUL" in text:
        refused.append(what)


@pytest.mark.slow
def test_a_nul_in_any_form_field_or_filter_is_a_400_never_a_500(app, demo_admin):
    client = demo_admin
    gets, posts = _routes(app)
    failures, refused, posted, filtered = [], [], set(), 0
    csrf = ""
    for _endpoint, path in gets:
        page = client.get(path)
        html = page.get_data().decode("utf-8", "replace")
        page.close()
        assert page.status_code < 500, f"{path}: {page.status_code}"
        if not page.content_type.startswith("text/html") or page.status_code != 200:
            continue
        forms = _forms(html)
        csrf = next((f["fields"]["csrf_token"] for f in forms if "csrf_token" in f["fields"]),
                    csrf)
        get_params = {name for f in forms if f["method"] == "get" for name in f["fields"]}
        for name in sorted(get_params | set(FILTERS)):
            filtered += 1
            _check(client.get(f"{path}?{urlencode({name: NUL})}"), f"GET {path}?{name}",
                   failures, refused)
        for form in forms:
            if form["method"] != "post":
                continue
            action = urlsplit(urljoin(path, form["action"] or path)).path
            posted.add(action)
            for name in [*form["fields"], *form["files"], "\x00name"]:
                if name == "csrf_token":
                    continue
                data = {**form["fields"], name: NUL}
                if name in form["files"]:
                    data[name] = (b"name,email\n", "kontakter\x00.csv")
                _check(client.post(action, data=data, content_type="multipart/form-data"),
                       f"POST {action} [{name!r}]", failures, refused)
    assert csrf, "the pages carry a CSRF token"
    for endpoint, path in posts:
        if path in posted:
            continue
        for name in GENERIC_FIELDS:
            _check(client.post(path, data={"csrf_token": csrf, name: NUL}),
                   f"POST {path} [{name}] ({endpoint})", failures, refused)
    assert not failures, failures
    assert len(posted) > 30 and filtered > 500, (len(posted), filtered)
    assert len(refused) > 1000, "the NUL was refused with its message, not by CSRF"


def test_a_nul_in_the_query_path_or_an_anonymous_login_is_a_400(app, client):
    app.config["WTF_CSRF_ENABLED"] = False
    for data in ({"email": NUL, "password": "x"}, {"email": "a@example.no", "password": NUL},
                 {"email\x00": "a@example.no"}):
        response = client.post("/login", data=data)
        assert response.status_code == 400, data
        assert NUL_MESSAGE in response.get_data(as_text=True)
    assert client.get("/login?next=%00").status_code == 400
    assert client.get("/contacts/import/ab%00cd").status_code in (302, 400, 404)


def test_the_nul_message_is_norwegian_for_a_norwegian_reader(app, client):
    response = client.post("/login", data={"email": NUL}, headers={"Accept-Language": "nb"})
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "NUL-tegn" in text and NUL_MESSAGE not in text


def test_security_headers_and_hsts_only_over_https(app, client, make_app):
    page = client.get("/login")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert "Strict-Transport-Security" not in page.headers
    # X-Forwarded-Proto is believed only behind a configured proxy (CRM_PROXY_FIX).
    spoofed = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in spoofed.headers
    assert "max-age=" in client.get("/login", base_url="https://pressdesk.test").headers[
        "Strict-Transport-Security"]
    proxied = make_app(CRM_PROXY_FIX=True).test_client()
    behind = proxied.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in behind.headers["Strict-Transport-Security"]
    asset = client.get("/static/app.js")
    assert asset.headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" not in asset.headers
    asset.close()
