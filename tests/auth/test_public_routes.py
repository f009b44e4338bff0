"""Every route needs a login except the few in crm.PUBLIC_ENDPOINTS, each with its reason."""

import re

from crm import PUBLIC_ENDPOINTS

ARGUMENT = re.compile(r"<(?:[^:>]+:)?[^>]+>")


def test_every_route_but_the_public_ones_sends_a_stranger_to_the_login(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        url = ARGUMENT.sub("1", rule.rule)  # "1" fits every converter the app uses
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method)
            assert response.status_code == 302, f"{method} {url} ({rule.endpoint})"
            assert "/login" in response.headers["Location"], url
            checked += 1
    assert checked > 40


def test_public_endpoints_say_why():
    assert all(isinstance(reason, str) and reason for reason in PUBLIC_ENDPOINTS.values())
    assert "interactions.calendar_feed_ics" in PUBLIC_ENDPOINTS


def test_the_public_endpoints_are_exactly_these():
    """A new public route is a decision: it is added here, with its reason in crm/__init__."""
    assert set(PUBLIC_ENDPOINTS) == {
        "auth.login", "auth.login_code", "static", "interactions.calendar_feed_ics",
        "jobs.healthz", "releases.unsubscribe"}


def test_the_opt_out_page_opens_nothing_for_a_stranger_without_a_valid_token(client):
    for method in ("GET", "POST"):
        response = client.open("/releases/unsubscribe/1", method=method)
        assert response.status_code == 404 and "Location" not in response.headers


def test_only_the_opt_out_is_exempt_from_csrf():
    """RFC 8058 one-click POSTs come from mail providers without a token; nothing else may."""
    from crm.extensions import csrf
    assert csrf._exempt_views == {"crm.releases.views_unsubscribe.unsubscribe"}
    assert not csrf._exempt_blueprints
