"""The weekly coverage report by email: Monday from 07:00 Oslo time (DST weeks too), once per
subscriber and week through two runs of the job, two threads and two processes; content in
the user's language; the setting; the command."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from crm.digest import services, weekly
from crm.digest.models import ReportDelivery
from crm.extensions import db
from crm.monitoring import tone
from crm.monitoring.models import Mention
from crm.scheduler import JOBS
from tests import factories as make
from tests.support import run_at_once

# Monday 23 November 2026: 07:00 in Oslo is 06:00 UTC (winter time).
MONDAY_0730 = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)


@pytest.fixture
def subscribed(app, users):
    """The editor (English) and the viewer (bokmål) subscribe; the admin does not."""
    users["viewer"].language = "nb"
    db.session.commit()
    for role in ("editor", "viewer"):
        services.save_settings(users[role], enabled=False, hour=7, minute=0, weekdays=[],
                               groups=[], weekly_report=True)
    return [users["editor"], users["viewer"]]


@pytest.fixture
def coverage(app, users):
    """Last week (16-22 November) one NRK article about the party, set negative, and one
    the week before, which the report must leave out."""
    feed = make.feed("https://www.nrk.no/rss", "NRK", make.outlet("NRK"))
    make.watch_term("Arbeiderpartiet")
    make.articles(feed, make.entry("Arbeiderpartiet i motvind", guid="1",
                                   published=make.oslo(2026, 11, 22, 23, 30)),
                  make.entry("Arbeiderpartiet forrige uke", guid="2",
                             published=make.oslo(2026, 11, 15, 12, 0)))
    mention = db.session.scalars(db.select(Mention).join(Mention.article).where(
        Mention.article.has(title="Arbeiderpartiet i motvind"))).one()
    tone.set_tone(mention, "negative", users["editor"].id)


def _to(smtp_server) -> list[str]:
    return sorted(m["X-Envelope-To"] for m in smtp_server.messages)


@pytest.mark.parametrize("utc, expected", [
    (datetime(2026, 11, 23, 5, 59, tzinfo=UTC), None),                # 06:59 CET
    (datetime(2026, 11, 23, 6, 0, tzinfo=UTC), date(2026, 11, 23)),   # 07:00 CET
    (datetime(2026, 11, 23, 22, 59, tzinfo=UTC), date(2026, 11, 23)),  # 23:59, still Monday
    (datetime(2026, 11, 23, 23, 0, tzinfo=UTC), None),                # Tuesday 00:00
    (datetime(2026, 11, 22, 6, 30, tzinfo=UTC), None),                # a Sunday
    # The Monday after spring forward (29 March 2026): 07:00 CEST is 05:00 UTC.
    (datetime(2026, 3, 30, 4, 59, tzinfo=UTC), None),
    (datetime(2026, 3, 30, 5, 0, tzinfo=UTC), date(2026, 3, 30)),
    # The Monday after fall back (25 October 2026): 07:00 CET is 06:00 UTC again.
    (datetime(2026, 10, 26, 5, 30, tzinfo=UTC), None),
    (datetime(2026, 10, 26, 6, 0, tzinfo=UTC), date(2026, 10, 26)),
    # Sunday 22:30 UTC is Monday 00:30 in Oslo, but before 07:00.
    (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), None),
])
def test_due_on_monday_from_seven_oslo_time_across_dst(app, utc, expected):
    assert weekly.due_week(utc, services.zone()) == expected


def test_a_dst_week_covers_its_23_and_25_hour_sundays(app, users):
    spring = weekly.week_before(date(2026, 3, 30)).bounds
    assert spring == (datetime(2026, 3, 22, 23, 0, tzinfo=UTC),
                      datetime(2026, 3, 29, 22, 0, tzinfo=UTC))
    assert spring[1] - spring[0] == timedelta(days=7, hours=-1)
    autumn = weekly.week_before(date(2026, 10, 26)).bounds  # 19-25 October
    assert autumn[1] - autumn[0] == timedelta(days=7, hours=1)


def test_two_runs_on_monday_send_one_report_each(subscribed, coverage, smtp_server):
    first = weekly.send_due_reports(MONDAY_0730)
    second = weekly.send_due_reports(MONDAY_0730 + timedelta(hours=3))
    assert (first.sent, second.sent, second.waiting) == (2, 0, 2)
    assert _to(smtp_server) == ["editor@example.no", "viewer@example.no"]
    assert str(second) == "0 weekly reports sent, 0 failed, 2 already sent"
    # Nothing on Tuesday, and next Monday a new week's report.
    assert weekly.send_due_reports(MONDAY_0730 + timedelta(days=1)).sent == 0
    assert weekly.send_due_reports(MONDAY_0730 + timedelta(days=7)).sent == 2
    assert len(smtp_server.messages) == 4
    weeks = sorted({d.week for d in db.session.scalars(db.select(ReportDelivery))})
    assert weeks == [date(2026, 11, 23), date(2026, 11, 30)]


def test_before_seven_nothing_is_sent(subscribed, smtp_server):
    assert weekly.send_due_reports(datetime(2026, 11, 23, 5, 30, tzinfo=UTC)).sent == 0
    assert smtp_server.messages == []


def test_the_report_covers_last_week_in_the_users_language(subscribed, coverage,
                                                            smtp_server):
    weekly.send_due_reports(MONDAY_0730)
    by = {m["X-Envelope-To"]: m for m in smtp_server.messages}
    english = by["editor@example.no"]
    assert english["Subject"] == "Pressdesk weekly report 16 Nov 2026 – 22 Nov 2026"
    assert english["Message-ID"] == f"<weekly-report-{subscribed[0].id}-2026-11-23@pressdesk>"
    text = english.get_body(("plain",)).get_content()
    assert "Arbeiderpartiet i motvind" in text and "forrige uke" not in text
    assert "Mentions: 1" in text and "Negative: 100%" in text
    assert "/monitoring/coverage/report?from=2026-11-16&to=2026-11-22" in text
    html = english.get_body(("html",)).get_content()
    assert "Arbeiderpartiet i motvind" in html and "<script" not in html
    norwegian = by["viewer@example.no"]
    assert norwegian["Subject"] == "Pressdesk ukerapport 16.11.2026 – 22.11.2026"
    assert "Omtaler: 1" in norwegian.get_body(("plain",)).get_content()


def test_a_failed_send_is_retried_later_that_monday(subscribed, smtp_server):
    smtp_server.handler.fail_data = True
    with pytest.raises(weekly.WeeklyReportFailure):
        weekly.send_due_reports(MONDAY_0730)
    smtp_server.handler.fail_data = False
    assert weekly.send_due_reports(MONDAY_0730 + timedelta(seconds=30)).sent == 0  # backoff
    assert weekly.send_due_reports(MONDAY_0730 + timedelta(minutes=2)).sent == 2
    assert weekly.send_due_reports(MONDAY_0730 + timedelta(minutes=9)).sent == 0
    assert _to(smtp_server) == ["editor@example.no", "viewer@example.no"]


def test_two_runners_at_once_send_one_report_each(subscribed, smtp_server, make_app):
    apps = [make_app(CRM_SMTP_URL=smtp_server.url) for _ in range(2)]
    errors = run_at_once(apps, lambda: weekly.send_due_reports(MONDAY_0730))
    assert not errors
    assert _to(smtp_server) == ["editor@example.no", "viewer@example.no"]


@pytest.mark.slow
def test_two_processes_at_once_send_one_report_each(subscribed, smtp_server, database_url):
    """Two real `crm send-weekly-report` processes started together."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    crm_command = str(Path(sys.executable).parent / "crm")
    env = {**os.environ, "CRM_DATABASE_URL": database_url, "CRM_SMTP_URL": smtp_server.url,
           "CRM_SECRET_KEY": "test"}
    processes = [subprocess.Popen([crm_command, "send-weekly-report", "--week", "2026-11-23"],
                                  env=env, text=True, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT) for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert _to(smtp_server) == ["editor@example.no", "viewer@example.no"], outputs
    assert db.session.scalar(db.select(db.func.count(ReportDelivery.id))) == 2


def test_the_job_is_in_the_one_list_and_the_command_dry_runs(subscribed, runner,
                                                              smtp_server):
    assert any(j.func == "crm.digest.weekly:send_due_reports" for j in JOBS)
    result = runner.invoke(args=["send-weekly-report", "--week", "2026-11-23", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Weekly report of 2026-11-16 to 2026-11-22 for 2 user(s)" in result.output
    assert "would send to viewer@example.no" in result.output
    assert smtp_server.messages == []
    result = runner.invoke(args=["send-weekly-report", "--week", "2026-11-24"])
    assert result.exit_code != 0 and "Monday" in result.output


def test_the_setting_is_off_by_default_and_saved_from_the_page(as_viewer, users):
    assert weekly.subscribers() == []
    page = as_viewer.get("/digest/settings").text
    assert "weekly coverage report" in page
    response = as_viewer.post("/digest/settings", data={
        "enabled": "y", "send_time": "07:00", "weekdays": ["0"], "groups": ["party"],
        "weekly_report": "y"})
    assert response.status_code == 302
    assert weekly.subscribers() == [users["viewer"]]
