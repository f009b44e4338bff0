"""The bounce flow as a press officer meets it, over a real HTTP server with CSRF on: a
release goes out, its bounces come back to a Maildir, the scheduler's job reads them, the
contact and distribution pages say so, and correcting the address in the contact form clears
it so the next release reaches the person."""

from __future__ import annotations

import httpx
import pytest

from crm.bounces import verp
from crm.extensions import db
from crm.jobs.services import run_job
from tests.bounces.mailboxes import bounce_files, maildir, real_bounce
from tests.support import csrf_token_in, live_login, live_server

pytestmark = pytest.mark.slow


def test_a_bounced_address_is_shown_and_correcting_it_sends_again(
        app, make_app, bounce_setup, send, tmp_path):
    bounce_files()
    kari = bounce_setup["people"][0]
    dist = send()
    db.session.refresh(dist)
    to_kari = next(r for r in dist.recipients if r.email == "kari@nrk.no")
    path = maildir(tmp_path / "bounces", [
        real_bounce("sendmail_01.txt", "kari@nrk.no", envelope=verp.envelope_sender(to_kari.id))])
    app.config["CRM_BOUNCE_MAILBOX_URL"] = f"maildir://{path}"
    run = run_job("process-bounces", "crm.bounces.services:process_bounces")
    assert run.ok, run.message
    kari_id, dist_id = kari.id, dist.id
    db.session.commit()
    live_app = make_app(WTF_CSRF_ENABLED=True, TESTING=False, SERVER_NAME=None)
    with live_server(live_app) as base, httpx.Client(base_url=base, timeout=30) as client:
        assert live_login(client, "editor@example.no").status_code == 302
        page = client.get(f"/contacts/{kari_id}").text
        assert "Undeliverable address" in page and "Hard bounce" in page
        page = client.get(f"/releases/distributions/{dist_id}").text
        assert "1 recipient bounced." in page and "Bounced: permanent (hard)" in page
        form = client.get(f"/contacts/{kari_id}/edit").text
        saved = client.post(f"/contacts/{kari_id}/edit", data={
            "csrf_token": csrf_token_in(form), "kind": "journalist", "name": "Kari Nordmann",
            "organisation_id": "0", "emails": "kari.nordmann@nrk.no",
            "preferred_language": "nb", "lawful_basis": "legitimate_interest"})
        assert saved.status_code == 302, saved.text
        page = client.get(f"/contacts/{kari_id}").text
        assert "Undeliverable address" not in page and "kari.nordmann@nrk.no" in page
    db.session.expire_all()
    later = send("Neste melding")
    db.session.refresh(later)
    assert {r.email: r.status for r in later.recipients}["kari.nordmann@nrk.no"] == "sent"
