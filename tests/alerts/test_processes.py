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
CHECKER = """
import sys, time
from crm import create_app
from crm.alerts.services import run_check
from tests.support import BASE_TEST_CONFIG
app = create_app({**BASE_TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                  "CRM_SMTP_URL": sys.argv[2]})
with app.app_context():
    time.sleep(max(0.0, float(sys.argv[3]) - time.time()))
    result = run_check()
    print("fired", len(result.fired))
"""


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
        app, users, smtp_server, database_url):
    now = utcnow()
    term = watched_since("Jonas Gahr Støre", now - 5 * WEEK)
    usual_weeks(term, now, per_hour=1)
    burst(term, now, 9)
    ensure_rules(now)
    rule = spike_rule(term)
    services.subscribe(users["editor"], rule, on=True)
    services.subscribe(users["viewer"], rule, on=True)
    db.session.commit()

    start_at = time.time() + 4  # both are up by then; they check at the same moment
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([sys.executable, "-c", CHECKER, database_url,
                                   smtp_server.url, str(start_at)], cwd=ROOT, env=env,
                                  text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs

    db.session.expire_all()
    alerts = db.session.scalars(db.select(Alert).where(Alert.rule_id == rule.id)).all()
    assert len(alerts) == 1
    # The term's rule and the politicians' group rule: two alerts over both processes.
    assert sum(int(out.split("fired ")[-1]) for out in outputs) == 2, outputs
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == sorted(
        [users["editor"].email, users["viewer"].email])
    assert set(db.session.scalars(db.select(AlertReceipt.status))) == {"sent"}
