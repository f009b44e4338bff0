"""Alert pages: the banner over a real HTTP server, subscriptions, roles, and hostile input in
the rule form."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from crm.alerts import services
from crm.alerts.check import ensure_rules
from crm.alerts.models import Alert, AlertRule, AlertSubscription
from crm.extensions import db
from crm.timeutil import utcnow
from tests.alerts.helpers import WEEK, burst, mentions_at, spike_rule, watched_since
from tests.support import csrf_token_in, live_login, live_server


def _spike(users, *subscribers, title_term="Støre"):
    now = utcnow()
    term = watched_since(title_term, now - 5 * WEEK)
    burst(term, now, 6)
    ensure_rules(now)
    rule = spike_rule(term)
    for key in subscribers:
        services.subscribe(users[key], rule, on=True, email=False)
    services.run_check(now)
    return term, rule


def test_the_banner_shows_the_subscribers_alert_with_its_articles_until_dismissed(
        make_app, users):
    term, rule = _spike(users, "editor", "admin")
    [alert] = db.session.scalars(db.select(Alert).where(Alert.rule_id == rule.id)).all()
    newest = alert.article_ids[0]
    emails = {key: user.email for key, user in users.items()}
    app = make_app(WTF_CSRF_ENABLED=True, TESTING=False, SERVER_NAME=None)
    db.session.remove()
    with live_server(app) as base:
        with httpx.Client(base_url=base, timeout=30) as editor, \
                httpx.Client(base_url=base, timeout=30) as viewer, \
                httpx.Client(base_url=base, timeout=30) as admin:
            for client, key in ((editor, "editor"), (viewer, "viewer"), (admin, "admin")):
                assert live_login(client, emails[key]).status_code == 302
            page = editor.get("/contacts/").text
            assert "alert-banner" in page and "Spike: Støre, 6 mentions in 1 h" in page
            assert f'href="/monitoring/articles/{newest}"' in page
            assert f'href="/alerts/{alert.id}"' in page
            assert "alert-banner" not in viewer.get("/contacts/").text  # not subscribed

            dismissed = editor.post(f"/alerts/{alert.id}/dismiss", data={
                "csrf_token": csrf_token_in(page), "next": "/contacts/"})
            assert dismissed.status_code == 302 and dismissed.headers["location"] == \
                "/contacts/"
            assert "alert-banner" not in editor.get("/contacts/").text
            assert "alert-banner" in admin.get("/contacts/").text  # dismissed per user
            # Without the CSRF token nothing happens.
            assert admin.post(f"/alerts/{alert.id}/dismiss").status_code == 400
            assert "alert-banner" in admin.get("/contacts/").text
            detail = admin.get(f"/alerts/{alert.id}").text
            listed = detail.split('class="alert-detail-articles"')[1]
            assert listed.count('href="/monitoring/articles/') == 6


def test_a_viewer_subscribes_but_may_not_change_rules(as_viewer, users):
    term = watched_since("Støre", utcnow())
    ensure_rules()
    rule = spike_rule(term)
    page = as_viewer.get("/alerts/")
    assert page.status_code == 200 and "Støre" in page.text and "New alert rule" not in page.text
    assert as_viewer.post(f"/alerts/rules/{rule.id}/subscription",
                          data={"subscribe": "banner"}).status_code == 302
    sub = db.session.get(AlertSubscription, (users["viewer"].id, rule.id))
    assert sub is not None and sub.email is False
    assert as_viewer.post(f"/alerts/rules/{rule.id}/subscription",
                          data={"subscribe": "<script>"}).status_code == 400
    assert as_viewer.post(f"/alerts/rules/{rule.id}/subscription",
                          data={"subscribe": "off"}).status_code == 302
    assert db.session.get(AlertSubscription, (users["viewer"].id, rule.id)) is None
    assert as_viewer.get("/alerts/rules/new").status_code == 403
    assert as_viewer.post(f"/alerts/rules/{rule.id}/edit", data={}).status_code == 403
    assert as_viewer.post(f"/alerts/rules/{rule.id}/delete").status_code == 403
    assert db.session.get(AlertRule, rule.id) is not None


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/alerts/")
    assert response.status_code == 302 and "/login" in response.headers["location"]


def _form(target, **overrides):
    data = {"kind": "spike", "target": target, "factor": "3", "min_count": "5",
            "window_hours": "1", "baseline_weeks": "4", "cooldown_hours": "6", "active": "y"}
    return {**data, **overrides}


HOSTILE = ["", "x" * 5000, "<script>alert(1)</script>", "ab\x00c", "🚨🔥", "Støre æøå",
           "term:99999999999999999999999", "term:-1", "group:<b>", "1e309", "NaN", "-5"]


@pytest.mark.parametrize("field", ["target", "kind", "factor", "min_count", "window_hours",
                                   "baseline_weeks", "cooldown_hours"])
def test_hostile_rule_input_is_refused_with_a_message_and_stores_nothing(as_editor, field):
    term = watched_since("Støre", utcnow())
    before = db.session.scalar(db.select(db.func.count()).select_from(AlertRule))
    for value in HOSTILE:
        response = as_editor.post("/alerts/rules/new",
                                  data={**_form(f"term:{term.id}"), field: value})
        if "\x00" in value:  # refused before any view (crm/security.py), clearly
            assert response.status_code == 400 and "NUL character" in response.text
            continue
        assert response.status_code == 200, (field, value)
        assert "<script>alert(1)</script>" not in response.text
        assert 'class="error"' in response.text or "flash-error" in response.text, (field, value)
    assert db.session.scalar(db.select(db.func.count()).select_from(AlertRule)) == before


def test_an_editor_adds_a_first_mention_rule_and_a_second_one_is_refused(as_editor, users):
    term = watched_since("Ola Kriseminister", utcnow())
    form = as_editor.get(f"/alerts/rules/new?term={term.id}")
    assert form.status_code == 200 and f'selected value="term:{term.id}"' in form.text
    data = _form(f"term:{term.id}", kind="first")
    assert as_editor.post("/alerts/rules/new", data=data).status_code == 302
    again = as_editor.post("/alerts/rules/new", data=data)
    assert "There is already such an alert for this term or group." in again.text
    refused = as_editor.post("/alerts/rules/new", data=_form("group:party", kind="first"))
    assert "A first-mention alert watches one term, not a group." in refused.text
    rules = db.session.scalars(db.select(AlertRule).where(AlertRule.kind == "first")).all()
    assert [r.target for r in rules] == [f"term:{term.id}"]


def test_an_editor_changes_a_rules_settings(as_editor):
    term = watched_since("Støre", utcnow())
    ensure_rules()
    rule = spike_rule(term)
    response = as_editor.post(f"/alerts/rules/{rule.id}/edit", data=_form(
        f"term:{term.id}", factor="2.5", min_count="12", window_hours="3", cooldown_hours="24"))
    assert response.status_code == 302
    db.session.expire_all()
    assert (rule.factor, rule.min_count, rule.window_hours, rule.cooldown_hours) == \
        (2.5, 12, 3, 24)


def test_article_titles_in_the_banner_and_the_alert_are_escaped(as_editor, users):
    now = utcnow()
    term = watched_since("Støre", now - 5 * WEEK)
    articles = mentions_at(term, *[now - timedelta(minutes=m) for m in range(1, 7)])
    articles[0].title = "<script>alert('Støre')</script> 🚨"
    db.session.commit()
    ensure_rules(now)
    services.subscribe(users["editor"], spike_rule(term), on=True, email=False)
    services.run_check(now)
    page = as_editor.get("/alerts/").text
    assert "<script>alert(" not in page and "&lt;script&gt;alert(" in page


def test_the_alerts_page_and_the_banner_cost_the_same_queries_for_many_rules_and_alerts(
        as_editor, users, count_queries):
    def visit() -> int:
        with count_queries() as counted:
            assert as_editor.get("/alerts/").status_code == 200
        return counted.count

    now = utcnow()
    first = watched_since("Støre", now - 5 * WEEK)
    burst(first, now, 6)
    ensure_rules(now)
    services.subscribe(users["editor"], spike_rule(first), on=True, email=False)
    services.run_check(now)
    few = visit()
    for i in range(8):
        term = watched_since(f"Politiker {i}", now - 5 * WEEK)
        burst(term, now, 6)
        ensure_rules(now)
        services.subscribe(users["editor"], spike_rule(term), on=True, email=False)
    services.run_check(now)
    assert "alert-banner" in as_editor.get("/alerts/").text
    assert visit() == few


def test_the_banner_costs_no_query_for_a_user_without_recent_alerts(
        as_editor, users, count_queries):
    """Every page asks for the banner; users.banner_until (set when an alert is given) spares
    the query for everyone who had none in the last BANNER_HOURS."""
    from crm.alerts.models import BANNER_HOURS

    def alert_queries() -> int:
        with count_queries() as counted:
            assert as_editor.get("/contacts").status_code == 200
        return sum("FROM alert" in statement for statement in counted.statements)

    editor = users["editor"]
    assert editor.banner_until is None and alert_queries() == 0
    _term, rule = _spike(users, "editor")
    db.session.expire_all()
    [alert] = db.session.scalars(db.select(Alert).where(Alert.rule_id == rule.id)).all()
    assert users["editor"].banner_until == alert.fired_at + timedelta(hours=BANNER_HOURS)
    assert users["viewer"].banner_until is None  # not subscribed
    page = as_editor.get("/contacts").text
    assert "alert-banner" in page and alert_queries() > 0
    later = alert.fired_at + timedelta(hours=BANNER_HOURS, minutes=1)
    assert services.banner_alerts(users["editor"], now=later) == []
