"""Bounces read from a Maildir, with the real messages of ../shared/bounces: tied to their
send by the envelope token, the Message-ID or the address; hard ones mark the address, soft
ones count, and what that does to later sends, the contact and the distribution page."""

from __future__ import annotations

import mailbox

from crm import scheduler
from crm.audit.models import AuditEntry
from crm.bounces import verp
from crm.bounces.models import AddressBounce, BounceEvent
from crm.bounces.services import process_message
from crm.contacts.services import contact_data_from, update_contact
from crm.extensions import db
from crm.jobs.services import run_job
from crm.releases.models import DistributionRecipient
from tests.bounces.mailboxes import auto_reply, bounce_files, maildir, real_bounce


def recipient(dist, email) -> DistributionRecipient:
    db.session.refresh(dist)
    return next(r for r in dist.recipients if r.email == email)


def state(contact) -> AddressBounce | None:
    return db.session.scalars(db.select(AddressBounce).where(
        AddressBounce.contact_id == contact.id)).first()


def test_each_release_email_goes_out_with_its_own_signed_envelope_sender(bounce_setup, send):
    dist = send()
    db.session.refresh(dist)
    envelopes = {m["X-Envelope-To"]: m["X-Envelope-From"] for m in bounce_setup["smtp"].messages}
    for r in dist.recipients:
        assert envelopes[r.email] == verp.envelope_sender(r.id)
        assert envelopes[r.email].startswith(f"bounces+r{r.id}-")
        assert envelopes[r.email].endswith("@parti.no")
        assert verp.recipient_of(envelopes[r.email]) == r.id
    forged = envelopes["kari@nrk.no"].replace(f"+r{recipient(dist, 'kari@nrk.no').id}-",
                                              "+r999999-")
    assert verp.recipient_of(forged) is None


def test_hard_bounces_in_a_maildir_mark_the_addresses_and_later_sends_skip_them(
        app, bounce_setup, send, runner, tmp_path, as_editor):
    bounce_files()
    kari, per, ase = bounce_setup["people"]
    dist = send()
    to_kari, to_ase = recipient(dist, "kari@nrk.no"), recipient(dist, "ase@aftenposten.no")
    # Exchange's report quotes the original's Message-ID: ours, for Åse.
    exchange = real_bounce("microsoft_01.txt", "ase@aftenposten.no").replace(
        b"<5.1.1.5.2.20021004224506.00bd9ff8@mail.chello.se>", to_ase.message_id.encode())
    path = maildir(tmp_path / "bounces", [
        real_bounce("postfix_01.txt", "kari@nrk.no", envelope=verp.envelope_sender(to_kari.id)),
        real_bounce("exim_01.txt", "per@vg.no"),  # no token: the address's latest send
        exchange,
        auto_reply("kari@nrk.no")])
    result = runner.invoke(args=["bounces", "process", "--mailbox", f"maildir://{path}"])
    assert result.exit_code == 0, result.output
    assert "4/4 messages" in result.output
    assert ("4 messages read: hard bounces 3, soft 0, tied to a send 3, of unknown addresses "
            "0, not bounces 1, addresses marked undeliverable 3.") in result.output
    matched = {e.email: e.matched_by for e in db.session.scalars(db.select(BounceEvent))}
    assert matched == {"kari@nrk.no": "token", "per@vg.no": "address",
                       "ase@aftenposten.no": "message_id"}
    for person in (kari, per, ase):
        assert state(person).undeliverable_at is not None
    assert "Hard bounce" in str(state(kari).reason)
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "address_bounce")) >= 3
    # Every message was marked read (moved to cur/ with S): the next run reads none.
    box = mailbox.Maildir(path, create=False)
    assert all("S" in m.get_flags() and m.get_subdir() == "cur" for m in box)
    again = runner.invoke(args=["bounces", "process", "--mailbox", f"maildir://{path}"])
    assert "0 messages read" in again.output
    # The next send skips all three, saying why.
    later = send("Neste pressemelding")
    db.session.refresh(later)
    assert {r.status for r in later.recipients} == {"skipped"}
    assert all("Undeliverable address" in str(r.reason) for r in later.recipients)
    # The contact page and the distribution page show it.
    page = as_editor.get(f"/contacts/{kari.id}").get_data(as_text=True)
    assert "Undeliverable address" in page and "kari@nrk.no" in page
    page = as_editor.get(f"/releases/distributions/{dist.id}").get_data(as_text=True)
    assert "3 recipients bounced." in page and "Bounced: permanent (hard)" in page


def test_soft_bounces_count_and_three_in_a_row_make_the_address_undeliverable(
        app, bounce_setup, send, as_editor):
    bounce_files()
    kari = bounce_setup["people"][0]
    for number in (1, 2, 3):
        to_kari = recipient(send(f"Melding {number}"), "kari@nrk.no")
        events = process_message(real_bounce("dsn_02.txt", "kari@nrk.no",
                                             envelope=verp.envelope_sender(to_kari.id)))
        assert [(e.kind, e.status) for e in events] == [("soft", "4.4.7")]
        assert state(kari).soft_in_a_row == number
        assert (state(kari).undeliverable_at is not None) == (number == 3)
        if number == 2:
            page = as_editor.get(f"/contacts/{kari.id}").get_data(as_text=True)
            assert "2 soft bounces in a row" in page and "Undeliverable" not in page
    assert "3 soft bounces in a row" in str(state(kari).reason)


def test_a_send_that_did_not_bounce_breaks_the_row(app, bounce_setup, send):
    bounce_files()
    kari = bounce_setup["people"][0]

    def soft_bounce(dist):
        to_kari = recipient(dist, "kari@nrk.no")
        process_message(real_bounce("dsn_05.txt", "kari@nrk.no",
                                    envelope=verp.envelope_sender(to_kari.id)))

    soft_bounce(send("En"))
    soft_bounce(send("To"))
    assert state(kari).soft_in_a_row == 2
    send("Tre")  # accepted, and no bounce comes back
    assert state(kari).soft_in_a_row == 0
    soft_bounce(send("Fire"))
    assert state(kari).soft_in_a_row == 1 and state(kari).undeliverable_at is None


def test_changing_the_address_clears_the_mark_and_other_edits_keep_it(
        app, bounce_setup, send):
    bounce_files()
    kari = bounce_setup["people"][0]
    process_message(real_bounce("qmail_01.txt", "kari@nrk.no"))
    assert state(kari).undeliverable_at is not None
    data = contact_data_from(kari)
    data.notes = "Ringer helst"
    update_contact(kari, data)
    assert state(kari) is not None
    data.emails = ["kari.nordmann@nrk.no"]
    update_contact(kari, data)
    assert state(kari) is None
    assert db.session.scalar(db.select(AuditEntry).where(
        AuditEntry.entity_type == "address_bounce", AuditEntry.action == "delete")) is not None
    dist = send("Etter rettingen", contact_ids=[kari.id])
    assert recipient(dist, "kari.nordmann@nrk.no").status == "sent"


def test_a_message_read_twice_counts_once_and_unknown_addresses_change_nothing(
        app, bounce_setup, send):
    bounce_files()
    kari = bounce_setup["people"][0]
    raw = real_bounce("dsn_07.txt", "kari@nrk.no")
    assert len(process_message(raw)) == 1
    assert process_message(raw) == []
    assert state(kari).soft_in_a_row == 1
    assert process_message(real_bounce("dsn_04.txt", "nobody@example.no"))[0].contact_id is None
    assert db.session.scalar(db.select(db.func.count()).select_from(AddressBounce)) == 1


def test_every_real_bounce_is_read_and_tied_to_its_recipient(app, bounce_setup, send):
    files = bounce_files()
    dist = send()
    to_per = recipient(dist, "per@vg.no")
    kinds = set()
    for path in files:
        events = process_message(real_bounce(path.name, "per@vg.no",
                                             envelope=verp.envelope_sender(to_per.id)))
        assert events, f"{path.name}: no failure found"
        assert {(e.recipient_id, e.email) for e in events} == {(to_per.id, "per@vg.no")}
        kinds.update(e.kind for e in events)
    assert kinds == {"hard", "soft"}


def test_hostile_bounce_text_is_shown_escaped(app, bounce_setup, send, as_editor):
    kari = bounce_setup["people"][0]
    to_kari = recipient(send(), "kari@nrk.no")
    hostile = ("From: MAILER-DAEMON@nrk.no\nTo: x@parti.no\nSubject: failure\n"
               "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;"
               " boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nfailed\n--b\n"
               "Content-Type: message/delivery-status\n\nReporting-MTA: dns; nrk.no\n\n"
               "Final-Recipient: rfc822; kari@nrk.no\nAction: failed\nStatus: 5.1.1\n"
               "Diagnostic-Code: smtp; 550 <script>alert(1)</script> Ukjent mottaker æøå 📨"
               + "x" * 3000 + "\n--b--\n")
    events = process_message(hostile.encode())
    assert events[0].recipient_id == to_kari.id and events[0].matched_by == "address"
    page = as_editor.get(f"/contacts/{kari.id}").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page
    assert "Ukjent mottaker æøå 📨" in page
    for junk in (b"", b"\x00\x00", b"Subject: \xff\xfe\n\n\x00", "😀 æøå".encode() * 1000):
        assert process_message(junk) == []


def test_the_job_is_scheduled_and_reports_a_mailbox_it_cannot_read(app, tmp_path):
    assert "process-bounces" in [job.id for job in scheduler.JOBS]
    run = run_job("process-bounces", "crm.bounces.services:process_bounces")
    assert run.ok and "No bounce mailbox is set" in str(run.message)
    app.config["CRM_BOUNCE_MAILBOX_URL"] = f"maildir://{tmp_path}/missing"
    run = run_job("process-bounces", "crm.bounces.services:process_bounces")
    assert not run.ok and "is not a Maildir" in str(run.message)
    app.config["CRM_BOUNCE_MAILBOX_URL"] = "pop3://somewhere"
    run = run_job("process-bounces", "crm.bounces.services:process_bounces")
    assert not run.ok and "CRM_BOUNCE_MAILBOX_URL must look like" in str(run.message)


def test_the_privacy_export_holds_the_bounces_and_erasure_leaves_none(app, bounce_setup, send):
    import json

    from crm.privacy.services import erase_contact, export_contact
    bounce_files()
    kari = bounce_setup["people"][0]
    send()
    process_message(real_bounce("postfix_03.txt", "kari@nrk.no"))
    exported = export_contact(kari)["bounces"]
    assert exported["addresses"][0]["email"] == "kari@nrk.no"
    assert exported["addresses"][0]["undeliverable_since"]
    assert [b["kind"] for b in exported["bounces"]] == ["hard"]
    erase_contact(kari)
    assert db.session.scalar(db.select(db.func.count()).select_from(AddressBounce)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(BounceEvent)) == 0
    entries = db.session.scalars(db.select(AuditEntry).where(
        AuditEntry.entity_type == "address_bounce")).all()
    assert entries and all("kari@nrk.no" not in json.dumps(e.changes) + e.label
                           for e in entries)


def test_a_dsn_for_a_non_ascii_address_counts_although_the_detectors_skip_it(
        app, bounce_setup, send):
    from tests import factories as make
    aase = make.journalist("Åse Berg", email="åse@aftenposten.no")
    dsn = ("From: MAILER-DAEMON@aftenposten.no\nTo: bounces@parti.no\nSubject: Undelivered\n"
           "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;"
           " boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nfailed\n--b\n"
           "Content-Type: message/delivery-status\n\nReporting-MTA: dns; aftenposten.no\n\n"
           "Final-Recipient: utf-8; åse@aftenposten.no\nAction: failed\nStatus: 5.1.1\n"
           "Diagnostic-Code: smtp; 550 5.1.1 Ukjent mottaker\n--b--\n").encode()
    events = process_message(dsn)
    assert [(e.email, e.kind, e.status, e.contact_id) for e in events] == [
        ("åse@aftenposten.no", "hard", "5.1.1", aase.id)]
    assert state(aase).undeliverable_at is not None


def test_the_reason_quotes_the_status_once(app, bounce_setup, send):
    bounce_files()
    kari = bounce_setup["people"][0]
    process_message(real_bounce("dsn_01.txt", "kari@nrk.no"))
    assert str(state(kari).reason) == "Hard bounce: 5.0.0 (recipient reached disk quota)"
