"""Bounces read from a real IMAP server on loopback (a private Dovecot), with the 28 real
bounce messages of ../shared/bounces: each read once, flagged \\Seen, tied to its send."""

from __future__ import annotations

import imaplib
import itertools

import pytest

from crm.bounces import verp
from crm.bounces.mailbox import MailboxError
from crm.bounces.models import AddressBounce, BounceEvent
from crm.bounces.services import process_bounces, process_mailbox
from crm.extensions import db
from tests.bounces.mailboxes import auto_reply, bounce_files, real_bounce

pytestmark = pytest.mark.slow


def append(server, messages: list[bytes]) -> None:
    imap = imaplib.IMAP4("127.0.0.1", server.port)
    try:
        imap.login(server.user, server.password)
        for raw in messages:
            imap.append("INBOX", None, None, raw)
    finally:
        imap.logout()


def unseen(server) -> int:
    imap = imaplib.IMAP4("127.0.0.1", server.port)
    try:
        imap.login(server.user, server.password)
        imap.select("INBOX")
        _typ, data = imap.search(None, "UNSEEN")
        return len(data[0].split())
    finally:
        imap.logout()


def test_the_real_bounces_through_imap_are_read_once_and_mark_the_recipients(
        app, bounce_setup, send, dovecot):
    files = bounce_files()
    dist = send()
    db.session.refresh(dist)
    recipients = list(dist.recipients)
    messages, expected = [], {}
    # Half come back to their VERP address; the rest are matched by the address they report.
    for index, (path, r) in enumerate(zip(files, itertools.cycle(recipients), strict=False)):
        envelope = verp.envelope_sender(r.id) if index % 2 == 0 else None
        messages.append(real_bounce(path.name, r.email, envelope=envelope))
        expected.setdefault(r.id, 0)
        expected[r.id] += 1
    append(dovecot, messages + [auto_reply("kari@nrk.no")])
    assert unseen(dovecot) == len(files) + 1
    app.config["CRM_BOUNCE_MAILBOX_URL"] = dovecot.url
    result = str(process_bounces())
    assert result.startswith(f"{len(files) + 1} messages read:")
    assert "not bounces 1," in result and "of unknown addresses 0," in result
    assert unseen(dovecot) == 0
    events = list(db.session.scalars(db.select(BounceEvent)))
    assert all(e.recipient_id is not None for e in events)
    assert {e.recipient_id for e in events} == set(expected)
    assert {e.matched_by for e in events} == {"token", "address"}
    # Each of the three got at least one hard bounce among the real ones.
    marked = db.session.scalars(db.select(AddressBounce.email).where(
        AddressBounce.undeliverable_at.is_not(None))).all()
    assert sorted(marked) == sorted(r.email for r in recipients)
    # Read once: nothing is unread, so the next run reads nothing and changes nothing.
    assert str(process_bounces()).startswith("0 messages read")
    assert db.session.scalar(db.select(db.func.count()).select_from(BounceEvent)) == len(events)


def test_new_bounces_arriving_later_are_read_on_the_next_run(app, bounce_setup, send, dovecot):
    bounce_files()
    to_per = next(r for r in send().recipients if r.email == "per@vg.no")
    append(dovecot, [real_bounce("dsn_02.txt", "per@vg.no",
                                 envelope=verp.envelope_sender(to_per.id))])
    report = process_mailbox(dovecot.url)
    assert (report.messages, report.soft, report.hard) == (1, 1, 0)
    append(dovecot, [real_bounce("postfix_02.txt", "per@vg.no")])
    report = process_mailbox(dovecot.url)
    assert (report.messages, report.soft, report.hard, report.undeliverable) == (1, 0, 1, 1)


def test_a_wrong_password_or_a_closed_port_is_a_clear_error(app, dovecot):
    with pytest.raises(MailboxError) as wrong:
        process_mailbox(dovecot.url.replace(dovecot.password, "feil"))
    assert "Cannot read the bounce mailbox 127.0.0.1" in str(wrong.value.msg)
    with pytest.raises(MailboxError) as closed:
        process_mailbox("imap://u:p@127.0.0.1:1/INBOX?timeout=2")
    assert "Cannot read the bounce mailbox 127.0.0.1:1" in str(closed.value.msg)
