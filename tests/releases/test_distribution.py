"""Sending releases to a real SMTP server on loopback: one email each, skips, failures,
retries that never send twice, and embargo: sent before the lift, stating it once."""

import io
import socket
from datetime import UTC, datetime, timedelta

import pytest
from docx import Document

from crm import scheduler
from crm.contacts.models import Contact
from crm.extensions import db
from crm.interactions.models import Interaction
from crm.jobs.claims import stale_after
from crm.jobs.services import run_job
from crm.releases import distribution, services, workflow
from crm.releases.distribution import DistributionError
from crm.releases.models import Distribution, DistributionRecipient
from tests import factories as make
from tests.factories import approved, draft

NOW = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)  # 06:00 in Oslo
EMBARGO = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)  # 07:00 in Oslo


def send_now(release, media_list, **kw):
    created = distribution.create_distribution(
        release, list_ids=[media_list.id], contact_ids=kw.pop("contact_ids", []),
        send_at=None, user_id=release.created_by_id, now=kw.get("now", NOW))
    report = distribution.send_distribution(created, kw.get("now", NOW))
    return created, report


def statuses(dist) -> dict[str, str]:
    db.session.refresh(dist)
    return {r.email or r.name: r.status for r in dist.recipients}


def test_each_recipient_gets_one_email_with_the_docx_and_skips_are_listed(
        users, second_editor, media_list, smtp_server, politician):
    release = approved(users["editor"], second_editor, spokesperson_id=politician.id,
                       quotes=[(politician.id, "Dette er en god dag.")])
    dist, report = send_now(release, media_list)
    assert (report.sent, report.failed, report.skipped) == (3, 0, 0)
    reasons = {r.name: str(r.reason) for r in dist.recipients if r.status == "skipped"}
    assert reasons == {"Olav Optout": "Opted out of mailings.",
                       "Nina Nobasis": "No lawful basis recorded.",
                       "Ingen Epost": "No email address."}
    messages = smtp_server.messages
    assert sorted(m["X-Envelope-To"] for m in messages) == [
        "asa@aftenposten.no", "kari@nrk.no", "per@vg.no"]
    for message in messages:
        assert message["Cc"] is None and message["Bcc"] is None
        assert message["X-Envelope-To"] in message["To"]  # only the recipient, nobody else
    message = next(m for m in messages if m["X-Envelope-To"] == "asa@aftenposten.no")
    assert message["To"] == "Åsa Ødegård <asa@aftenposten.no>"
    assert message["Subject"] == "Ap & Høyre er enige om æøå"
    text = message.get_body(("plain",)).get_content()
    assert "Ap & Høyre er enige om æøå" in text and "• punkt én" in text
    assert "«Dette er en god dag», sier Jonas Ødegård, stortingsrepresentant." in text
    html = message.get_body(("html",)).get_content()
    assert "<strong>fet</strong>" in html and "Ap &amp; Høyre" in html
    attachment = next(message.iter_attachments())
    assert attachment.get_filename().endswith(".docx")
    document = Document(io.BytesIO(attachment.get_content()))
    assert "Ap & Høyre er enige om æøå" in [p.text for p in document.paragraphs]
    assert release.status == "published" and release.published_at == NOW


def test_every_send_is_an_interaction_on_the_recipients_timeline(
        users, second_editor, media_list, smtp_server):
    release = approved(users["editor"], second_editor)
    dist, _report = send_now(release, media_list)
    interactions = db.session.scalars(db.select(Interaction)).all()
    assert len(interactions) == 3
    assert {i.kind for i in interactions} == {"release"}
    assert {i.direction for i in interactions} == {"outbound"}
    assert sorted(i.contacts[0].name for i in interactions) == [
        "Kari Nordmann", "Per Hansen", "Åsa Ødegård"]
    sent = [r for r in dist.recipients if r.status == "sent"]
    assert all(r.interaction_id and r.sent_at and r.message_id for r in sent)


def test_a_refused_recipient_fails_alone_and_a_retry_sends_only_to_it(
        users, second_editor, media_list, smtp_server):
    smtp_server.handler.refuse = {"per@vg.no"}
    release = approved(users["editor"], second_editor)
    dist, report = send_now(release, media_list)
    assert (report.sent, report.failed) == (2, 1)
    failed = next(r for r in dist.recipients if r.status == "failed")
    assert failed.email == "per@vg.no" and "550" in str(failed.reason)
    assert len(smtp_server.messages) == 2
    smtp_server.handler.refuse = set()
    report = distribution.retry_failed(dist, NOW + timedelta(minutes=5))
    assert (report.sent, report.failed) == (1, 0)
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == [
        "asa@aftenposten.no", "kari@nrk.no", "per@vg.no"]
    with pytest.raises(DistributionError, match="No recipient failed"):
        distribution.retry_failed(dist)
    assert len(smtp_server.messages) == 3
    assert db.session.scalar(db.select(db.func.count()).select_from(Interaction)) == 3


def test_a_temporary_server_refusal_is_retryable(users, second_editor, media_list, smtp_server):
    smtp_server.handler.fail_data = True
    release = approved(users["editor"], second_editor)
    dist, report = send_now(release, media_list)
    assert report.failed == 3 and "451" in str(dist.recipients[0].reason)
    smtp_server.handler.fail_data = False
    assert distribution.retry_failed(dist).sent == 3
    assert len(smtp_server.messages) == 3


def test_a_server_that_is_down_fails_fast_and_the_retry_sends_each_once(
        app, users, second_editor, media_list, smtp_server):
    working_url = app.config["CRM_SMTP_URL"]
    app.config["CRM_SMTP_URL"] = "smtp://127.0.0.1:1?timeout=2"
    release = approved(users["editor"], second_editor)
    dist, report = send_now(release, media_list)
    assert report.sent == 0 and report.failed == 3
    reasons = [str(r.reason) for r in dist.recipients if r.status == "failed"]
    assert "Cannot connect" in reasons[0] and reasons[2].startswith("Not attempted")
    assert release.status == "approved"  # nothing went out: not published
    app.config["CRM_SMTP_URL"] = working_url
    assert distribution.retry_failed(dist).sent == 3
    assert len(smtp_server.messages) == 3 and release.status == "published"


@pytest.mark.slow
def test_a_server_that_never_answers_times_out(app, users, second_editor, media_list):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(10)  # accepts connections in the kernel, never says hello
        app.config["CRM_SMTP_URL"] = f"smtp://127.0.0.1:{silent.getsockname()[1]}?timeout=1"
        release = approved(users["editor"], second_editor)
        dist, report = send_now(release, media_list)
    assert report.failed == 3
    assert "timed out" in str(next(r for r in dist.recipients if r.status == "failed").reason)


def docx_texts(message) -> list[str]:
    document = Document(io.BytesIO(next(message.iter_attachments()).get_content()))
    header = [p.text for s in document.sections for p in s.header.paragraphs]
    return [p.text for p in document.paragraphs] + header


def test_an_embargoed_release_goes_out_before_the_lift_stating_the_embargo_once(
        users, second_editor, media_list, smtp_server):
    release = approved(users["editor"], second_editor, embargo_until=EMBARGO)
    dist = distribution.create_distribution(
        release, list_ids=[media_list.id], contact_ids=[], user_id=users["editor"].id,
        send_at=None, now=NOW)  # 06:00, the embargo lifts at 07:00
    assert dist.scheduled_for == NOW and dist.is_due(NOW)
    report = distribution.send_distribution(dist, NOW)
    assert (report.sent, report.failed) == (3, 0) and len(smtp_server.messages) == 3
    message = smtp_server.messages[0]
    assert message["Subject"] == "SPERREFRIST 23.11.2026 kl. 07:00: Ap & Høyre er enige om æøå"
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("*** SPERREFRIST: 23.11.2026 kl. 07:00. Ikke for publisering før "
                           "dette tidspunktet. ***")
    assert text.count("SPERREFRIST") == 1
    assert message.get_body(("html",)).get_content().count("SPERREFRIST") == 1
    lines = docx_texts(message)
    assert [line for line in lines if "SPERREFRIST" in line] == [
        "SPERREFRIST: 23.11.2026 kl. 07:00. Ikke for publisering før dette tidspunktet."]
    assert lines.index("SPERREFRIST: 23.11.2026 kl. 07:00. Ikke for publisering før dette "
                       "tidspunktet.") < lines.index("Ap & Høyre er enige om æøå")
    # Sent to journalists, not yet published openly: that happens at the lift.
    assert release.status == "approved" and release.published_at is None
    assert distribution.publish_due(EMBARGO - timedelta(seconds=1)) == 0
    assert distribution.publish_due(EMBARGO) == 1
    assert release.status == "published" and release.published_at == EMBARGO


def test_a_send_after_the_lift_states_no_embargo(users, second_editor, media_list,
                                                 smtp_server):
    release = approved(users["editor"], second_editor, embargo_until=EMBARGO)
    after = EMBARGO + timedelta(minutes=1)
    dist, report = send_now(release, media_list, now=after)
    assert report.sent == 3
    message = smtp_server.messages[0]
    assert message["Subject"] == "Ap & Høyre er enige om æøå"
    assert "SPERREFRIST" not in message.get_body(("plain",)).get_content()
    assert "SPERREFRIST" not in message.get_body(("html",)).get_content()
    assert not any("SPERREFRIST" in line for line in docx_texts(message))
    assert release.status == "published"  # the lift has passed: published at once


def test_two_waves_trusted_journalists_under_embargo_now_everyone_else_at_the_lift(
        users, second_editor, media_list, smtp_server):
    release = approved(users["editor"], second_editor, embargo_until=EMBARGO)
    everyone = make.media_list("Alle redaksjoner", [
        db.session.scalar(db.select(Contact).where(Contact.name == "Kari Nordmann")),  # both
        make.journalist("Ola Lokal", email="ola@ba.no"),
        make.journalist("Siri Sør", email="siri@fvn.no")])
    first = distribution.create_distribution(
        release, list_ids=[media_list.id], contact_ids=[], send_at=None,
        later=distribution.Wave(list_ids=[everyone.id]), user_id=users["editor"].id, now=NOW)
    second = first.later_waves[0]
    assert (first.wave, second.wave, second.first_wave_id) == (1, 2, first.id)
    assert (first.scheduled_for, second.scheduled_for) == (NOW, EMBARGO)
    assert [w.id for w in second.waves] == [first.id, second.id]
    assert {r.name: str(r.reason) for r in second.recipients if r.status == "skipped"} == {
        "Kari Nordmann": "Gets it in the first wave."}

    assert str(distribution.send_due_distributions(NOW)).startswith("1 distribution: 3 sent")
    assert release.status == "approved"  # under embargo, not published yet
    assert str(distribution.send_due_distributions(EMBARGO - timedelta(seconds=1))) \
        .startswith("0 distributions")
    assert str(distribution.send_due_distributions(EMBARGO)).startswith("1 distribution: 2 sent")
    by_address = {m["X-Envelope-To"]: m["Subject"] for m in smtp_server.messages}
    assert len(smtp_server.messages) == 5 and len(by_address) == 5  # Kari once
    assert by_address["kari@nrk.no"].startswith("SPERREFRIST 23.11.2026 kl. 07:00: ")
    assert by_address["ola@ba.no"] == by_address["siri@fvn.no"] == "Ap & Høyre er enige om æøå"
    assert release.status == "published" and release.published_at == EMBARGO
    assert first.under_embargo() and not second.under_embargo()


@pytest.mark.parametrize("lists,send_at,field", [
    (False, None, "later_list_ids"),  # nobody in it
    (True, NOW - timedelta(hours=1), "later_send_at"),  # not after the first wave
    (True, datetime(2026, 11, 23, 6, 0), "later_send_at"),  # no time zone
])
def test_a_second_wave_needs_recipients_and_a_later_time(users, second_editor, media_list,
                                                         lists, send_at, field):
    release = approved(users["editor"], second_editor, embargo_until=EMBARGO)
    later = distribution.Wave(list_ids=[media_list.id] if lists else [], send_at=send_at)
    with pytest.raises(DistributionError) as caught:
        distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                         send_at=None, later=later, user_id=None, now=NOW)
    assert caught.value.field == field
    assert db.session.scalar(db.select(db.func.count(Distribution.id))) == 0


def test_a_second_wave_without_an_embargo_needs_its_own_time(users, second_editor,
                                                            media_list):
    release = approved(users["editor"], second_editor)
    with pytest.raises(DistributionError) as caught:
        distribution.create_distribution(
            release, list_ids=[media_list.id], contact_ids=[], send_at=None, user_id=None,
            later=distribution.Wave(list_ids=[media_list.id]), now=NOW)
    assert "no lift" in str(caught.value.msg)


def test_editing_an_approved_release_holds_its_scheduled_distribution_until_approved_again(
        users, second_editor, media_list, smtp_server):
    editor = users["editor"]
    release = approved(editor, second_editor, embargo_until=EMBARGO)
    dist = distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                            send_at=EMBARGO, user_id=editor.id, now=NOW)
    assert not dist.is_held
    values = services.data_from_version(release.versions[0]).__dict__ | {"body": "Ny tekst."}
    services.save_release(release, services.ReleaseData(**values), editor.id)
    assert release.status == "in_review" and dist.is_held  # unapproved words are not sent
    assert str(distribution.send_due_distributions(EMBARGO)).startswith("0")
    assert smtp_server.messages == []
    workflow.transition(release, "approve", second_editor.id)
    assert not dist.is_held
    assert str(distribution.send_due_distributions(EMBARGO)).startswith("1 distribution: 3 sent")
    assert "Ny tekst." in smtp_server.messages[0].get_body(("plain",)).get_content()


def test_someone_who_opts_out_before_the_embargo_is_skipped(users, second_editor, media_list,
                                                            smtp_server):
    release = approved(users["editor"], second_editor, embargo_until=EMBARGO)
    dist = distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                            send_at=None, user_id=None, now=NOW)
    kari = next(r.contact for r in dist.recipients if r.name == "Kari Nordmann")
    kari.opted_out = True
    db.session.commit()
    distribution.send_due_distributions(EMBARGO)
    assert statuses(dist)["kari@nrk.no"] == "skipped"
    assert len(smtp_server.messages) == 2


def test_withdrawing_holds_scheduled_distributions_for_good(users, second_editor, media_list,
                                                            smtp_server):
    release = approved(users["editor"], second_editor, embargo_until=EMBARGO)
    dist = distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                            send_at=EMBARGO, user_id=None, now=NOW)
    workflow.transition(release, "withdraw", users["editor"].id)
    assert dist.status == "scheduled" and dist.is_held  # a withdrawn release is never sent
    assert str(distribution.send_due_distributions(EMBARGO + timedelta(hours=1))).startswith("0")
    assert smtp_server.messages == []


def test_only_approved_releases_are_sent_and_someone_must_receive_it(users, media_list):
    release = draft(users["editor"])
    with pytest.raises(DistributionError, match="approved"):
        distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                         send_at=None, user_id=None)
    release.status = "approved"
    with pytest.raises(DistributionError, match="at least one"):
        distribution.create_distribution(release, list_ids=[999], contact_ids=[12345],
                                         send_at=None, user_id=None)
    assert db.session.scalar(db.select(db.func.count()).select_from(Distribution)) == 0


def test_single_contacts_and_overlapping_lists_get_one_email(users, second_editor, media_list,
                                                             smtp_server):
    release = approved(users["editor"], second_editor)
    kari = next(m.contact for m in media_list.members if m.contact.name == "Kari Nordmann")
    dist, report = send_now(release, media_list, contact_ids=[kari.id])
    assert report.sent == 3 and len(smtp_server.messages) == 3
    assert len(dist.recipients) == 6


def test_a_claimed_distribution_is_not_sent_twice(users, second_editor, media_list,
                                                  smtp_server):
    release = approved(users["editor"], second_editor)
    dist = distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                            send_at=None, user_id=None, now=NOW)
    assert distribution.send_distribution(dist, NOW) is not None
    dist.status = "scheduled"  # even if it were put back by mistake ...
    db.session.commit()
    distribution.send_distribution(dist, NOW)
    assert len(smtp_server.messages) == 3  # ... nobody already sent to gets it again


def test_after_a_crash_mid_send_only_the_one_in_flight_is_sent_again_with_its_message_id(
        users, second_editor, media_list, smtp_server, monkeypatch):
    release = approved(users["editor"], second_editor)
    dist = distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                            send_at=None, user_id=None, now=NOW)
    real_send = distribution.SmtpSender.send
    calls = {"n": 0}

    def crash_after_second_is_accepted(self, message, to_email, **options):
        calls["n"] += 1
        real_send(self, message, to_email, **options)
        if calls["n"] == 2:
            raise SystemExit("killed after the server accepted it")

    monkeypatch.setattr(distribution.SmtpSender, "send", crash_after_second_is_accepted)
    with pytest.raises(SystemExit):
        distribution.send_distribution(dist, NOW)
    db.session.rollback()
    monkeypatch.setattr(distribution.SmtpSender, "send", real_send)
    assert len(smtp_server.messages) == 2
    in_flight = next(r for r in dist.recipients if r.status == "sending")
    assert in_flight.message_id == smtp_server.messages[1]["Message-ID"]  # stored first
    # Within the claim's lifetime nothing happens; afterwards the rest is sent, and the one
    # in flight again, with the same Message-ID: the only possible second copy.
    assert str(distribution.send_due_distributions(NOW + timedelta(minutes=1))).startswith("0")
    later = NOW + stale_after() + timedelta(minutes=1)
    assert str(distribution.send_due_distributions(later)).startswith("1 distribution: 2 sent")
    assert sorted(statuses(dist).values()) == ["sent", "sent", "sent", "skipped", "skipped",
                                               "skipped"]
    ids = [m["Message-ID"] for m in smtp_server.messages]
    assert len(ids) == 4 and len(set(ids)) == 3 and ids[1] == ids[2]
    db.session.refresh(in_flight)
    assert "may have arrived twice" in str(in_flight.reason)
    with pytest.raises(DistributionError, match="No recipient failed"):
        distribution.retry_failed(dist, later)


def test_a_message_whose_sender_keeps_dying_is_left_for_a_person_to_resend(
        users, second_editor, media_list, smtp_server):
    release = approved(users["editor"], second_editor)
    dist = distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                            send_at=None, user_id=None, now=NOW)
    kari = next(r for r in dist.recipients if r.email == "kari@nrk.no")
    kari.status, kari.attempts = "sending", distribution.MAX_ATTEMPTS
    dist.status, dist.claimed_at = "sending", NOW - stale_after() - timedelta(seconds=1)
    db.session.commit()
    assert distribution.send_distribution(dist, NOW).sent == 2
    assert statuses(dist)["kari@nrk.no"] == "failed" and dist.can_retry
    assert "3 times" in str(kari.reason)
    assert distribution.retry_failed(dist, NOW).sent == 1
    assert sorted(m["X-Envelope-To"] for m in smtp_server.messages) == [
        "asa@aftenposten.no", "kari@nrk.no", "per@vg.no"]


def test_the_scheduler_runs_the_job_and_reports_failures(users, second_editor, media_list,
                                                        smtp_server):
    spec = next(j for j in scheduler.JOBS if j.id == "send-releases")
    assert spec.trigger == "interval" and spec.schedule == {"minutes": 1}
    release = approved(users["editor"], second_editor)
    distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                     send_at=None, user_id=None)
    smtp_server.handler.refuse = {"kari@nrk.no"}
    run = run_job(spec.id, spec.func)
    assert run.ok is False and "2 sent, 1 failed" in str(run.message) and "550" in str(run.message)
    run = run_job(spec.id, spec.func)
    assert run.ok and str(run.message).startswith("0 distributions")
    assert db.session.scalar(db.select(db.func.count()).select_from(DistributionRecipient)
                             .where(DistributionRecipient.status == "failed")) == 1


def test_the_cli_command_sends_what_is_due(runner, users, second_editor, media_list,
                                           smtp_server):
    release = approved(users["editor"], second_editor)
    distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                     send_at=None, user_id=None)
    result = runner.invoke(args=["send-releases"])
    assert result.exit_code == 0, result.output
    assert "3 sent" in result.output and len(smtp_server.messages) == 3


def test_the_due_rule_is_one_expression_for_the_query_and_for_one_distribution(
        users, second_editor, media_list):
    release = approved(users["editor"], second_editor, embargo_until=EMBARGO)
    at_once = distribution.create_distribution(
        release, list_ids=[media_list.id], contact_ids=[], send_at=None, user_id=None, now=NOW)
    at_embargo = distribution.create_distribution(
        release, list_ids=[media_list.id], contact_ids=[], user_id=None, now=NOW,
        send_at=EMBARGO)
    stale = distribution.create_distribution(
        release, list_ids=[media_list.id], contact_ids=[], send_at=None, user_id=None, now=NOW)
    stale.status, stale.claimed_at = "sending", EMBARGO - stale_after()
    db.session.commit()

    def due(now):
        query = {d.id for d in distribution.due_distributions(now)}
        single = {d.id for d in (at_once, at_embargo, stale) if d.is_due(now)}
        assert query == single  # the same rule both ways
        return query

    assert due(NOW - timedelta(seconds=1)) == set()
    assert due(NOW) == {at_once.id}  # the embargo holds nothing back: sent before the lift
    assert due(EMBARGO) == {at_once.id, at_embargo.id}
    assert due(EMBARGO + timedelta(seconds=1)) == {at_once.id, at_embargo.id, stale.id}
    workflow.transition(release, "send_back", users["editor"].id)  # no longer approved
    assert due(EMBARGO + timedelta(hours=1)) == set()


def test_the_send_policy_inline_for_few_the_scheduler_for_many_and_later_ones_wait(
        users, second_editor, media_list, smtp_server):
    release = approved(users["editor"], second_editor)
    chosen = {"list_ids": [media_list.id], "contact_ids": [], "user_id": None, "now": NOW}
    outcome = distribution.distribute(release, **chosen, send_at=None, inline_limit=3)
    assert outcome.report.sent == 3 and outcome.ok and len(smtp_server.messages) == 3
    assert str(outcome.message) == "3 sent, 0 failed, 0 skipped."  # skipped at send time
    outcome = distribution.distribute(release, **chosen, send_at=None, inline_limit=2)
    assert outcome.report is None and outcome.background == 3
    assert outcome.distribution.status == "scheduled" and len(smtp_server.messages) == 3
    assert "3 recipients in the background" in str(outcome.message)
    outcome = distribution.distribute(release, **chosen, send_at=NOW + timedelta(hours=2),
                                      inline_limit=50)
    assert (outcome.report, outcome.background) == (None, 0)
    assert str(outcome.message) == "Scheduled." and len(smtp_server.messages) == 3
    draft_release = draft(users["editor"])
    with pytest.raises(DistributionError, match="Only an approved release"):
        distribution.distribute(draft_release, **chosen, send_at=None)
    with pytest.raises(DistributionError, match="Only an approved release"):
        distribution.preview(draft_release, list_ids=[media_list.id], contact_ids=[],
                             send_at=None)


def test_can_retry_is_the_rule_of_retry_failed(users, second_editor, media_list,
                                                smtp_server):
    smtp_server.handler.refuse = {"per@vg.no"}
    release = approved(users["editor"], second_editor)
    dist, _report = send_now(release, media_list)
    assert dist.can_retry
    workflow.transition(release, "withdraw", users["editor"].id)
    assert not dist.can_retry
    with pytest.raises(DistributionError, match="approved or published"):
        distribution.retry_failed(dist)


def test_publishing_by_sending_goes_through_the_workflow(users, second_editor, media_list,
                                                         smtp_server):
    release = approved(users["editor"], second_editor)
    send_now(release, media_list)
    assert release.status == "published" and release.published_at == NOW
    assert release.approved_by_id == second_editor.id  # the approval stays
