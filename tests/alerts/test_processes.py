"""Alerts end to end: a poll of a loopback feed fires the alert through the AFTER_POLL hook and
mails it; two real processes checking at the same instant fire one alert per rule."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from crm.alerts import services
from crm.alerts.check import ensure_rules
from crm.alerts.models import Alert, AlertReceipt
from crm.extensions import db
from crm.monitoring.services import poll_feeds
from crm.timeutil import utcnow
from tests.alerts.helpers import WEEK, burst, spike_rule, usual_weeks, watched_since
from tests.factories import feed
from tests.monitoring.feedserver import FeedServer, rss

ROOT = Path(__file__).resolve().parents[2]

# Run in each process: build the app on the test database, wait for the common start time,
# then run the same check the AFTER_POLL hook runs.
# A barrier between the processes: each leaves a file in the folder and goes on once both
# are there (however long one took to start on a busy machine).
BARRIER = """
import os, time
def wait_for_the_other(folder):
    open(os.path.join(folder, str(os.getpid())), "w").close()
    deadline = time.monotonic() + 60
    while len(os.listdir(folder)) < 2 and time.monotonic() < deadline:
        time.sleep(0.001)
"""
CHECKER = BARRIER + """
import sys, time
from crm import create_app
from crm.alerts.services import run_check
from tests.support import BASE_TEST_CONFIG
app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "CRM_SMTP_URL": sys.argv[2]})
with app.app_context():
    wait_for_the_other(sys.argv[3])
    result = run_check()
    print(result, "| fired", len(result.fired))
"""

# Each process reads the rules first (both see them unfired, as two schedulers polling at the
# same moment would), then checks at the common start time: both cross the threshold and race
# on the claim itself.
RACER = BARRIER + """
import sys, time
from crm import create_app
from crm.alerts.check import active_rules, check
from tests.support import BASE_TEST_CONFIG
app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    rules = active_rules()
    wait_for_the_other(sys.argv[3])
    result = check(rules=rules)
    print("fired", len(result.fired), "taken", result.taken)
"""


def _run_together(script: str, database_url: str, smtp_url: str, barrier: Path) -> list[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([sys.executable, "-c", script, database_url, smtp_url,
                                   str(barrier)], cwd=ROOT, env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    return outputs


def _spiking_term_with_subscribers(users):
    now = utcnow()
    term = watched_since("Jonas Gahr Støre", now - 5 * WEEK)
    usual_weeks(term, now, per_hour=1)
    burst(term, now, 9)
    ensure_rules(now)
    rule = spike_rule(term)
    services.subscribe(users["editor"], rule, on=True)
    services.subscribe(users["viewer"], rule, on=True)
    return rule


def test_a_poll_that_brings_a_spike_mails_the_subscriber_at_once(app, users, smtp_server):
    now = utcnow()
    term = watched_since("Støre", now - 5 * WEEK)
    usual_weeks(term, now, per_hour=1)
    ensure_rules(now)
    services.subscribe(users["editor"], spike_rule(term), on=True)
    items = [{"title": f"Støre under press, sak {i}", "guid": f"urn:spike:{i}",
              "link": f"https://www.vg.no/sak/{i}",
              "pubDate": format_datetime(now - timedelta(minutes=2 + i))} for i in range(7)]
    with FeedServer() as server:
        polled = feed(server.add("/vg.xml", rss(items, title="VG")), name="VG")
        started = time.monotonic()
        summary = poll_feeds([polled], workers=1)
    assert summary.counts.new_mentions == 7
    [mail] = smtp_server.messages
    assert time.monotonic() - started < 60
    assert mail["Subject"] == "Spike: Støre, 7 mentions in 1 h (usually 1)"
    assert "Støre under press, sak 0" in mail.get_body(("plain",)).get_content()


@pytest.mark.slow
def test_two_processes_checking_at_the_same_instant_fire_one_alert_per_rule(
        app, users, smtp_server, database_url, tmp_path):
    rule = _spiking_term_with_subscribers(users)
    outputs = _run_together(CHECKER, database_url, smtp_server.url, tmp_path)
    db.session.expire_all()
    alerts = db.session.scalars(db.select(Alert).where(Alert.rule_id == rule.id)).all()
    assert len(alerts) == 1
    # The term's rule and the politicians' group rule: two alerts over both processes.
    assert sum(int(out.split("| fired ")[-1]) for out in outputs) == 2, outputs
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == sorted(
        [users["editor"].email, users["viewer"].email])
    assert set(db.session.scalars(db.select(AlertReceipt.status))) == {"sent"}


@pytest.mark.slow
def test_two_processes_that_both_saw_the_rule_unfired_fire_it_once(app, users, database_url,
                                                                   tmp_path):
    """The database-level guarantee itself: both processes pass every check in Python and
    race on the conditional UPDATE; one fires each rule, the other finds it taken."""
    rule = _spiking_term_with_subscribers(users)
    outputs = _run_together(RACER, database_url, "smtp://127.0.0.1:1", tmp_path)
    counts = [[int(n) for n in out.split()[1::2]] for out in outputs]  # [fired, taken]
    assert sum(c[0] for c in counts) == 2 and sum(c[1] for c in counts) == 2, outputs
    db.session.expire_all()
    assert len(db.session.scalars(db.select(Alert).where(Alert.rule_id == rule.id)).all()) == 1
    receipts = db.session.scalars(db.select(AlertReceipt.user_id)).all()
    assert sorted(receipts) == sorted([users["editor"].id, users["viewer"].id])
