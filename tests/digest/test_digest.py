"""The morning digest: content, both MIME parts, language, settings, exactly-once delivery."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from crm.digest import services
from crm.digest.content import DigestGroup, DigestItem, DigestSection
from crm.digest.models import DigestDelivery
from crm.digest.schedule import is_due
from crm.extensions import db
from crm.interactions.models import FollowUp, Interaction, PressInquiry
from crm.jobs.claims import stale_after
from crm.jobs.services import run_job
from crm.mail import SmtpSender
from crm.registry import DIGEST_SECTIONS
from tests.support import run_at_once

OSLO = ZoneInfo("Europe/Oslo")
# Monday 23 November 2026, 07:30 in Oslo (06:30 UTC).
MONDAY_0730 = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)


def only(users, keep="editor"):
    """Switch off every user's digest but one, so counts are easy to read."""
    for role, user in users.items():
        if role != keep:
            services.save_settings(user, enabled=False, hour=7, minute=0, weekdays=[], groups=[])
    return users[keep]


def add_follow_up(user, due, note="Ring Åse Ødegård tilbake"):
    interaction = Interaction(kind="phone", direction="inbound", occurred_at=due - timedelta(1),
                              subject="Spørsmål om <b>budsjettet</b>", staff_id=user.id)
    interaction.follow_ups.append(FollowUp(due_at=due, note=note, assignee_id=user.id))
    db.session.add(interaction)
    db.session.commit()
    return interaction


def test_digest_lists_my_overdue_and_due_follow_ups_and_inquiries(app, users, smtp_server):
    editor = only(users)
    add_follow_up(editor, MONDAY_0730 - timedelta(days=2), "Forfalt oppfølging")
    add_follow_up(editor, MONDAY_0730 + timedelta(hours=3), "Oppfølging i dag")
    add_follow_up(editor, MONDAY_0730 + timedelta(days=3), "Neste uke")
    inquiry = Interaction(kind="inquiry", direction="inbound", occurred_at=MONDAY_0730,
                          subject="NRK vil ha kommentar")
    inquiry.inquiry = PressInquiry(deadline=MONDAY_0730 + timedelta(hours=6), status="new",
                                   assignee_id=editor.id)
    db.session.add(inquiry)
    db.session.commit()

    result = services.send_due_digests(MONDAY_0730)

    assert result.sent == 1 and len(smtp_server.messages) == 1
    msg = smtp_server.messages[0]
    assert msg["X-Envelope-To"] == editor.email
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for body in (text, html):
        assert "Forfalt oppfølging" in body and "Oppfølging i dag" in body
        assert "NRK vil ha kommentar" in body
        assert "Neste uke" not in body
    assert "http://" in html and "/interactions/" in html
    assert "<img" not in html and "<link" not in html and "<script" not in html


def test_both_parts_and_the_users_language(app, users, smtp_server):
    editor = only(users)
    editor.language = "nb"
    db.session.commit()
    services.send_due_digests(MONDAY_0730)
    msg = smtp_server.messages[0]
    assert msg.is_multipart()
    assert {p.get_content_type() for p in msg.walk()} >= {"text/plain", "text/html"}
    assert "God morgen" in msg.get_body(("plain",)).get_content()
    assert "God morgen" in msg.get_body(("html",)).get_content()
    editor.language = "en"
    db.session.commit()
    services.send_test(editor, MONDAY_0730)
    assert "Good morning" in smtp_server.messages[1].get_body(("plain",)).get_content()


def test_the_day_in_the_subject_is_written_in_the_users_language(app, users, smtp_server):
    editor = only(users)
    editor.language = "nb"
    db.session.commit()
    services.send_test(editor, MONDAY_0730)
    editor.language = "en"
    db.session.commit()
    services.send_test(editor, MONDAY_0730)
    nb, en = (str(m["Subject"]) for m in smtp_server.messages)
    assert "23.11.2026" in nb and "23 Nov 2026" in en


def test_feed_text_is_escaped_in_the_html(app, users, smtp_server, monkeypatch):
    only(users)

    def hostile(context):
        item = DigestItem(title="<script>alert(1)</script> Støre", url="http://x/1",
                          snippet="Ap & Høyre <img src=x onerror=alert(1)>", highlight=["Ap"])
        return [DigestSection("mentions", "Omtale", [DigestGroup("party", "Parti", [item], 1)])]

    monkeypatch.setitem(DIGEST_SECTIONS, "test", hostile)
    services.send_due_digests(MONDAY_0730)
    html = smtp_server.messages[0].get_body(("html",)).get_content()
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "Ap</mark> &amp; Høyre" in html


def test_a_large_group_is_capped_with_and_n_more(app, users, smtp_server, monkeypatch):
    only(users)

    def many(context):
        items = [DigestItem(title=f"Sak {i}", url=f"http://x/{i}") for i in range(2000)]
        return [DigestSection("mentions", "Omtale",
                              [DigestGroup("party", "Parti", items[:15], 2000)])]

    monkeypatch.setitem(DIGEST_SECTIONS, "test", many)
    services.send_due_digests(MONDAY_0730)
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert "Sak 14" in text and "Sak 15" not in text and "1985" in text


def test_settings_off_weekend_and_time(app, users, smtp_server):
    editor = only(users)
    services.save_settings(editor, enabled=True, hour=9, minute=30, weekdays=[0, 1, 2, 3, 4],
                           groups=["party"])
    assert services.send_due_digests(MONDAY_0730).sent == 0  # 07:30 < 09:30
    assert services.send_due_digests(MONDAY_0730 + timedelta(hours=2)).sent == 1
    saturday = MONDAY_0730 + timedelta(days=5, hours=3)
    assert services.send_due_digests(saturday).sent == 0
    services.save_settings(editor, enabled=False, hour=7, minute=0, weekdays=[1], groups=[])
    assert services.send_due_digests(MONDAY_0730 + timedelta(days=1, hours=3)).sent == 0


@pytest.mark.parametrize("day,utc_hour", [
    (date(2026, 3, 28), 6), (date(2026, 3, 29), 5), (date(2026, 3, 30), 5),  # spring forward
    (date(2026, 10, 24), 5), (date(2026, 10, 25), 6), (date(2026, 10, 26), 6),  # fall back
])
def test_seven_oclock_is_seven_oclock_across_dst(app, day, utc_hour):
    settings = services.DigestSettings(enabled=True, send_hour=7, send_minute=0,
                                       weekdays=list(range(7)), groups=[])
    just_before = datetime(day.year, day.month, day.day, utc_hour, 0, tzinfo=UTC) - \
        timedelta(seconds=1)
    assert is_due(settings, just_before, OSLO) is None
    assert is_due(settings, just_before + timedelta(seconds=1), OSLO) == day


def test_a_time_inside_the_spring_gap_is_sent_after_the_gap(app):
    settings = services.DigestSettings(enabled=True, send_hour=2, send_minute=30,
                                       weekdays=list(range(7)), groups=[])
    # 02:30 does not exist on 29 March 2026 in Oslo; the digest goes at 03:30 CEST (01:30 UTC).
    assert is_due(settings, datetime(2026, 3, 29, 0, 59, tzinfo=UTC), OSLO) is None
    assert is_due(settings, datetime(2026, 3, 29, 1, 30, tzinfo=UTC), OSLO) == date(2026, 3, 29)


def test_down_at_seven_sends_late_the_same_day_but_not_the_next(app, users, smtp_server):
    only(users)
    assert services.send_due_digests(MONDAY_0730 + timedelta(hours=5)).sent == 1
    assert services.send_due_digests(MONDAY_0730 + timedelta(hours=6)).sent == 0
    # Tuesday 06:00 in Oslo: Monday's was sent; Tuesday's is not due yet.
    assert services.send_due_digests(datetime(2026, 11, 24, 5, 0, tzinfo=UTC)).sent == 0
    assert len(smtp_server.messages) == 1


def test_crash_mid_run_then_restart_sends_no_second_copy(app, users, smtp_server, monkeypatch):
    calls = {"n": 0}
    real_send = SmtpSender.send

    def crash_on_second(self, msg, to_email):
        calls["n"] += 1
        if calls["n"] == 2:
            raise SystemExit("process killed")
        return real_send(self, msg, to_email)

    monkeypatch.setattr(SmtpSender, "send", crash_on_second)
    with pytest.raises(SystemExit):
        services.send_due_digests(MONDAY_0730)
    assert len(smtp_server.messages) == 1
    monkeypatch.setattr(SmtpSender, "send", real_send)
    # Restart at once: the sent one is not resent; the unclaimed one is sent; the one whose
    # claim was in flight when the process died waits until its claim is stale.
    services.send_due_digests(MONDAY_0730 + timedelta(minutes=1))
    assert len(smtp_server.messages) == 2
    services.send_due_digests(MONDAY_0730 + stale_after() + timedelta(minutes=2))
    assert len(smtp_server.messages) == 3
    services.send_due_digests(MONDAY_0730 + timedelta(hours=2))
    recipients = sorted(m["X-Envelope-To"] for m in smtp_server.messages)
    assert recipients == sorted(u.email for u in users.values())


def monday_morning_run():
    """The scheduled job as it runs on Monday morning."""
    return services.send_due_digests(MONDAY_0730)


def test_smtp_outage_then_recovery_one_copy_each(app, users, smtp_server):
    smtp_server.handler.fail_data = True
    run = run_job("send-digests", "tests.digest.test_digest:monday_morning_run")
    assert run.ok is False and "451" in str(run.message)  # admins see it on the jobs page
    failed = db.session.scalars(db.select(DigestDelivery)).all()
    assert failed and all(d.status == "failed" for d in failed)
    smtp_server.handler.fail_data = False
    now = MONDAY_0730
    for minutes in (0, 1, 3, 7, 15, 31, 63):
        services.send_due_digests(now + timedelta(minutes=minutes) + stale_after())
    recipients = sorted(m["X-Envelope-To"] for m in smtp_server.messages)
    assert recipients == sorted(u.email for u in users.values())


def test_smtp_server_down_entirely(app, users):
    app.config["CRM_SMTP_URL"] = "smtp://127.0.0.1:1?timeout=2"
    only(users)
    with pytest.raises(services.DigestFailure):
        services.send_due_digests(MONDAY_0730)
    delivery = db.session.scalar(db.select(DigestDelivery))
    assert delivery.status == "failed" and delivery.next_attempt_at > MONDAY_0730
    assert services.failing_deliveries() == [delivery]


def test_two_runners_at_once_send_one_copy_each(app, users, smtp_server, make_app):
    apps = [make_app(CRM_SMTP_URL=smtp_server.url) for _ in range(2)]
    errors = run_at_once(apps, lambda: services.send_due_digests(MONDAY_0730))
    assert not errors
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == sorted(
        u.email for u in users.values())


def test_send_digest_command_dry_run_and_real(runner, users, smtp_server):
    result = runner.invoke(args=["send-digest", "--user", users["viewer"].email, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "would send to viewer@example.no" in result.output
    assert smtp_server.messages == []
    result = runner.invoke(args=["send-digest", "--user", users["viewer"].email])
    assert "sent to viewer@example.no" in result.output
    result = runner.invoke(args=["send-digest", "--user", users["viewer"].email])
    assert "skipped" in result.output
    assert len(smtp_server.messages) == 1
    assert runner.invoke(args=["send-digest", "--user", "nobody@x.no"]).exit_code != 0


def test_preview_shows_exactly_the_email_and_test_send(as_viewer, users, smtp_server):
    page = as_viewer.get("/digest/preview").get_data(as_text=True)
    assert "Pressdesk digest" in page
    html = as_viewer.get("/digest/preview/email.html")
    assert html.status_code == 200 and "Good morning" in html.get_data(as_text=True)
    assert as_viewer.post("/digest/test").status_code == 302
    assert len(smtp_server.messages) == 1
    # A test send does not count as the day's digest.
    assert db.session.scalar(db.select(db.func.count()).select_from(DigestDelivery)) == 0


def test_settings_page_saves_and_rejects_bad_input(as_viewer, users):
    response = as_viewer.post("/digest/settings", data={
        "enabled": "y", "send_time": "06:45", "weekdays": ["0", "5"], "groups": ["party"]})
    assert response.status_code == 302
    settings = services.settings_for(users["viewer"])
    assert (settings.send_hour, settings.send_minute, settings.weekdays) == (6, 45, [0, 5])
    response = as_viewer.post("/digest/settings", data={"send_time": "25:99",
                                                        "weekdays": ["9"]})
    assert response.status_code == 200
    assert services.settings_for(users["viewer"]).send_hour == 6


def test_admins_see_a_banner_while_digests_fail(client, users):
    from tests.support import login
    app = client.application
    app.config["CRM_SMTP_URL"] = "smtp://127.0.0.1:1?timeout=2"
    with pytest.raises(services.DigestFailure):
        services.send_due_digests(MONDAY_0730)
    login(client, users["admin"].email)
    assert "could not be sent" in client.get("/contacts").get_data(as_text=True)
    client.post("/logout")
    login(client, users["editor"].email)
    assert "could not be sent" not in client.get("/contacts").get_data(as_text=True)


def test_releases_whose_embargo_lifts_today(app, users, smtp_server):
    from crm.releases.models import Release
    editor = only(users)
    today = Release(title="Statsbudsjettet: Ap & Høyre", status="approved",
                    embargo_until=MONDAY_0730 + timedelta(hours=3))
    tomorrow = Release(title="Neste dag", status="approved",
                       embargo_until=MONDAY_0730 + timedelta(days=1))
    withdrawn = Release(title="Trukket", status="withdrawn",
                        embargo_until=MONDAY_0730 + timedelta(hours=1))
    db.session.add_all([today, tomorrow, withdrawn])
    db.session.commit()
    services.send_due_digests(MONDAY_0730)
    text = smtp_server.messages[0].get_body(("plain",)).get_content()
    assert editor.email in smtp_server.messages[0]["X-Envelope-To"]
    assert "Statsbudsjettet: Ap & Høyre" in text and "10:30" in text
    assert "Neste dag" not in text and "Trukket" not in text


@pytest.mark.slow
def test_two_processes_sending_at_once_send_one_copy_each(app, users, smtp_server, database_url):
    """Two real `crm send-digest` processes started together: each user gets one email."""
    import os
    import subprocess
    import sys
    from pathlib import Path
    crm_command = str(Path(sys.executable).parent / "crm")
    env = {**os.environ, "CRM_DATABASE_URL": database_url, "CRM_SMTP_URL": smtp_server.url,
           "CRM_SECRET_KEY": "test", "CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
    processes = [subprocess.Popen([crm_command, "send-digest"], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for _ in range(2)]
    outputs = [p.communicate(timeout=120)[0] for p in processes]
    assert all(p.returncode == 0 for p in processes), outputs
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == sorted(
        u.email for u in users.values())
    assert sum(out.count("sent to ") for out in outputs) == 3


@pytest.mark.slow
def test_two_scheduler_processes_started_at_once_send_one_copy_each(
        app, users, smtp_server, database_url):
    """Two real `crm scheduler` processes: one takes the lease and sends; the other waits."""
    import os
    import signal
    import subprocess
    import sys
    import time
    from pathlib import Path
    for user in users.values():  # due at once, whatever the day and time the test runs
        services.save_settings(user, enabled=True, hour=0, minute=0,
                               weekdays=list(range(7)), groups=["party"])
    crm_command = str(Path(sys.executable).parent / "crm")
    env = {**os.environ, "CRM_DATABASE_URL": database_url, "CRM_SMTP_URL": smtp_server.url,
           "CRM_SECRET_KEY": "test"}
    processes = [subprocess.Popen([crm_command, "scheduler"], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  start_new_session=True) for _ in range(2)]
    try:
        deadline = time.monotonic() + 60
        while len(smtp_server.messages) < 3 and time.monotonic() < deadline:
            time.sleep(0.5)
        time.sleep(3)  # give a second copy, if any, the chance to arrive
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        outputs = [p.communicate(timeout=30)[0] for p in processes]
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == sorted(
        u.email for u in users.values()), outputs
    assert sum("holds the lease" in out for out in outputs) == 1, outputs
    assert all("Scheduler stopped." in out for out in outputs), outputs


@pytest.mark.parametrize("language,expected", [
    ("nb", "Får ikke kontakt med e-posttjeneren 127.0.0.1:1"),
    ("en", "Cannot connect to the mail server 127.0.0.1:1"),
])
def test_the_stored_digest_error_reads_in_the_admins_language(client, users, language,
                                                               expected):
    from tests.support import login
    client.application.config["CRM_SMTP_URL"] = "smtp://127.0.0.1:1?timeout=2"
    with pytest.raises(services.DigestFailure):
        services.send_due_digests(MONDAY_0730)  # the job speaks the default language
    users["admin"].language = language
    db.session.commit()
    login(client, users["admin"].email)
    assert expected in client.get("/contacts").get_data(as_text=True)
