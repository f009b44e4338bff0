"""GET /healthz: public, no data, JSON; 503 when the database does not answer."""

from datetime import timedelta

from sqlalchemy.exc import OperationalError

from crm import PUBLIC_ENDPOINTS
from crm.extensions import db
from crm.jobs import services


def test_healthz_without_login_or_data(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.is_json
    assert response.json == {"status": "ok", "database": "ok", "scheduler": "none"}
    assert "Set-Cookie" not in response.headers
    assert client.get("/healthz?require=scheduler").status_code == 503


def test_healthz_reports_the_lease_age(app, client):
    services.acquire_lease("sched", timedelta(seconds=60))
    report = client.get("/healthz?require=scheduler").json
    assert report["scheduler"] == "ok" and 0 <= report["scheduler_lease_age_seconds"] <= 5
    services.acquire_lease("sched", timedelta(seconds=-120))  # renewed long ago, then silent
    response = client.get("/healthz?require=scheduler")
    assert response.status_code == 503 and response.json["scheduler"] == "stale"
    assert client.get("/healthz").status_code == 200  # the web servers stay up without it


def test_healthz_is_503_when_the_database_is_away(app, client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_every_other_page_needs_a_login(app, client):
    """PUBLIC_ENDPOINTS is the whole list of routes an anonymous visitor may reach."""
    assert "jobs.healthz" in PUBLIC_ENDPOINTS
    for rule in app.url_map.iter_rules():
        if rule.endpoint in PUBLIC_ENDPOINTS or "GET" not in rule.methods:
            continue
        url = rule.rule
        for arg in rule.arguments:
            url = url.replace(f"<int:{arg}>", "1").replace(f"<{arg}>", "x")
            url = url.replace(f"<path:{arg}>", "x").replace(f"<string:{arg}>", "x")
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
