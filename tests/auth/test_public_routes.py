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
