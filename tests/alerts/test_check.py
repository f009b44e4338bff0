"""The alert check on the database: spikes against past weeks, cool-down, groups, noise, first
mentions, receipts and the emails to a loopback SMTP server (tests/smtp.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crm.alerts import services
from crm.alerts.check import bucket_counts, ensure_rules
from crm.alerts.models import Alert, AlertReceipt, AlertRule
from crm.extensions import db
from crm.monitoring.models import Mention
from tests.alerts.helpers import WEEK, burst, mentions_at, spike_rule, usual_weeks, watched_since
from tests.factories import make_user

NOW = datetime(2026, 11, 24, 13, 30, tzinfo=UTC)  # a Tuesday, 14:30 in Oslo


def _alerts(rule: AlertRule | None = None) -> list[Alert]:
    query = db.select(Alert).order_by(Alert.id)
    if rule is not None:
        query = query.where(Alert.rule_id == rule.id)
    return list(db.session.scalars(query))


def test_every_term_and_group_gets_a_spike_rule_with_the_defaults(app):
    term = watched_since("Støre", NOW - 5 * WEEK)
    assert ensure_rules(NOW) == 1 + 4  # the term and the four groups
    assert ensure_rules(NOW) == 0
    rule = spike_rule(term)
    assert (rule.factor, rule.min_count, rule.window_hours, rule.baseline_weeks,
            rule.cooldown_hours) == (3.0, 5, 1, 4, 6)
    groups = db.session.scalars(db.select(AlertRule.group).where(AlertRule.group.is_not(None)))
    assert sorted(groups) == ["competitor", "issue", "party", "politician"]


def test_the_counts_come_in_hour_buckets_of_this_week_and_the_weeks_before(app):
    term = watched_since("Støre", NOW - 5 * WEEK)
    mentions_at(term, NOW - timedelta(minutes=5), NOW - timedelta(minutes=59),
                NOW - timedelta(minutes=61), NOW - WEEK - timedelta(minutes=30),
                NOW + timedelta(minutes=5))  # the future is not counted
    mentions_at(term, NOW - timedelta(minutes=6), status="noise")
    assert bucket_counts(NOW, 2, 1) == {(term.id, 0, 0): 2, (term.id, 0, 1): 1,
                                        (term.id, 1, 0): 1}


def test_a_spike_fires_one_alert_with_its_articles_and_emails_the_subscribers(
        app, users, smtp_server):
    term = watched_since("Jonas Gahr Støre", NOW - 5 * WEEK)
    usual_weeks(term, NOW, per_hour=1)
    newest = burst(term, NOW, 8)[0]
    ensure_rules(NOW)
    rule = spike_rule(term)
    services.subscribe(users["editor"], rule, on=True, email=True)
    services.subscribe(users["viewer"], rule, on=True, email=False)

    result = services.run_check(NOW)

    [alert] = _alerts(rule)
    # The politicians' group rule fires too (its one term spiked); nobody subscribed to it.
    assert alert.id in result.fired and len(result.fired) == 2
    assert (alert.count, alert.baseline, alert.rule_id) == (8, 1.0, rule.id)
    assert len(alert.article_ids) == 8 and alert.article_ids[0] == newest.id
    [mail] = smtp_server.messages
    assert mail["X-Envelope-To"] == users["editor"].email
    assert mail["Subject"] == "Spike: Jonas Gahr Støre, 8 mentions in 1 h (usually 1)"
    body = mail.get_body(("plain",)).get_content()
    assert newest.title in body and f"/monitoring/articles/{newest.id}" in body
    assert mail.get_body(("html",)).get_content().count("/monitoring/articles/") == 8
    statuses = dict(db.session.execute(
        db.select(AlertReceipt.user_id, AlertReceipt.status)).all())
    assert statuses == {users["editor"].id: "sent", users["viewer"].id: "off"}


def test_no_second_alert_within_the_cool_down_and_a_new_one_after_it(app, users, smtp_server):
    term = watched_since("Støre", NOW - 5 * WEEK)
    usual_weeks(term, NOW)
    burst(term, NOW, 8)
    ensure_rules(NOW)
    services.subscribe(users["editor"], spike_rule(term), on=True)
    assert len(services.run_check(NOW).fired) == 2  # the term and its group

    later = NOW + timedelta(hours=3)
    burst(term, later, 12)  # a second spike, within the 6 h cool-down
    assert services.run_check(later).fired == []
    assert services.run_check(later + timedelta(minutes=1)).fired == []

    after = NOW + timedelta(hours=6, minutes=10)
    burst(term, after, 9)
    assert len(services.run_check(after).fired) == 2
    assert len(_alerts(spike_rule(term))) == 2 and len(smtp_server.messages) == 2


def test_the_usual_volume_a_quiet_term_and_noise_fire_nothing(app):
    busy = watched_since("Arbeiderpartiet", NOW - 5 * WEEK, group="party")
    usual_weeks(busy, NOW, per_hour=6)
    burst(busy, NOW, 7)  # about as busy as every Tuesday afternoon
    quiet = watched_since("Bompenger", NOW - 5 * WEEK, group="issue")
    burst(quiet, NOW, 4)  # more than usual (0), but under the minimum of 5
    noisy = watched_since("Rødt", NOW - 5 * WEEK, group="competitor")
    mentions_at(noisy, *[NOW - timedelta(minutes=m) for m in range(1, 30)], status="noise")
    assert services.run_check(NOW).fired == []


def test_weeks_before_a_term_was_watched_do_not_count_as_quiet_weeks(app):
    term = watched_since("Trygve Slagsvold Vedum", NOW - timedelta(days=10))
    usual_weeks(term, NOW, per_hour=4, weeks=1)  # one week of history: 4 at this hour
    burst(term, NOW, 8)  # twice the usual: no spike (weeks 2-4 are not zeros)
    assert services.run_check(NOW).fired == []


def test_a_group_rule_adds_up_the_terms_of_the_group(app, users):
    names = [watched_since(n, NOW - 5 * WEEK, group="competitor")
             for n in ("Høyre", "Fremskrittspartiet", "Senterpartiet")]
    for term in names:
        usual_weeks(term, NOW, per_hour=1)
        burst(term, NOW, 3)  # 3 each: no term spikes alone (minimum 5)
    fired = services.run_check(NOW).fired
    [alert] = [db.session.get(Alert, a) for a in fired]
    assert alert.rule.group == "competitor" and alert.count == 9 and alert.baseline == 3
    with app.test_request_context():
        assert services.alert_title(alert).startswith("Spike: Competitors, 9 mentions")


def test_a_first_mention_alert_fires_once_on_the_first_article_and_can_watch_again(
        app, users, smtp_server):
    term = watched_since("Ola Kriseminister", NOW - timedelta(days=2))
    mentions_at(term, NOW - timedelta(days=1))  # before the rule: not news
    rule = services.save_rule(None, services.RuleData(kind="first", target=f"term:{term.id}"))
    rule.armed_at = NOW - timedelta(hours=2)
    db.session.commit()
    services.subscribe(users["admin"], rule, on=True)
    assert [a for a in services.run_check(NOW).fired
            if db.session.get(Alert, a).rule_id == rule.id] == []

    [article] = mentions_at(term, NOW - timedelta(minutes=3))
    first = services.run_check(NOW).fired
    [alert] = [db.session.get(Alert, a) for a in first if db.session.get(Alert, a).rule_id
               == rule.id]
    assert alert.article_ids == [article.id]
    assert smtp_server.messages[-1]["Subject"] == "First mention of Ola Kriseminister"

    mentions_at(term, NOW - timedelta(minutes=1))
    assert services.run_check(NOW + timedelta(minutes=1)).fired == []  # once only
    services.rearm(rule, NOW + timedelta(days=2))
    mentions_at(term, NOW + timedelta(days=3))
    assert services.run_check(NOW + timedelta(days=3, minutes=1)).fired != []
    assert db.session.scalar(db.select(db.func.count()).select_from(Alert)
                             .where(Alert.rule_id == rule.id)) == 2


def test_the_email_speaks_the_subscribers_language(app, smtp_server):
    kari = make_user("kari@parti.no", "viewer", name="Kari Nordmann", language="nb")
    term = watched_since("Støre", NOW - 5 * WEEK)
    burst(term, NOW, 6)
    ensure_rules(NOW)
    services.subscribe(kari, spike_rule(term), on=True)
    services.run_check(NOW)
    [mail] = smtp_server.messages
    assert mail["Subject"] == "Toppvarsel: Støre, 6 omtaler på 1 t (vanligvis 0)"
    assert "24.11.2026 14:30" in mail.get_body(("plain",)).get_content()


def test_a_mail_server_that_is_down_leaves_the_email_for_the_retry_job(app, users, smtp_server):
    term = watched_since("Støre", NOW - 5 * WEEK)
    burst(term, NOW, 6)
    ensure_rules(NOW)
    services.subscribe(users["editor"], spike_rule(term), on=True)
    smtp_server.handler.fail_data = True
    services.run_check(NOW)
    receipt = db.session.scalar(db.select(AlertReceipt))
    assert receipt.status == "failed" and "451" in str(receipt.last_error)
    assert smtp_server.messages == []

    smtp_server.handler.fail_data = False
    assert services.send_alert_emails(NOW + timedelta(minutes=1)) == \
        "0 alert emails sent"  # not due yet (backoff)
    assert services.send_alert_emails(NOW + timedelta(minutes=5)).startswith("1 alert emails")
    assert len(smtp_server.messages) == 1
    db.session.expire_all()
    assert db.session.scalar(db.select(AlertReceipt)).status == "sent"
    assert services.send_alert_emails(NOW + timedelta(minutes=9)) == "0 alert emails sent"


def test_the_claim_lets_only_one_of_two_checks_fire(app):
    """Two checks that both read the rule before either fired (two schedulers): the
    conditional UPDATE lets one through."""
    from crm.alerts.check import _claim, active_rules
    term = watched_since("Støre", NOW - 5 * WEEK)
    ensure_rules(NOW)
    [rule] = [r for r in active_rules() if r.term_id == term.id]  # both read it unfired
    assert _claim(rule, NOW)
    db.session.commit()
    assert not _claim(rule, NOW + timedelta(seconds=1))
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(Mention)) == 0


def test_the_minute_job_catches_mentions_that_came_without_a_poll_cycle(app, users, smtp_server):
    """A feed's first check from the web stores mentions without the AFTER_POLL hooks: the
    scheduler's "alerts" job fires within its minute, and only once."""
    from crm.timeutil import utcnow
    now = utcnow()
    term = watched_since("Støre", now - 5 * WEEK)
    burst(term, now, 6)
    ensure_rules(now)
    services.subscribe(users["editor"], spike_rule(term), on=True)
    assert services.scheduled_check().startswith("5 rules checked, 2 alerts fired")
    assert services.scheduled_check().startswith("5 rules checked, 0 alerts fired")
    assert len(smtp_server.messages) == 1
