"""kill -9 of a real `crm send-releases` process mid-send, then a second process: the rest
is sent once the distribution's heartbeat is CRM_CLAIM_STALE_SECONDS old (120 s by default,
20 s here), and only the recipient in flight can get a second copy, with the same Message-ID."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from crm.extensions import db
from crm.releases import distribution
from crm.releases.models import DistributionRecipient
from tests import factories as make
from tests.factories import approved
from tests.support import background_process, kill_9

ROOT = Path(__file__).resolve().parents[2]
STALE = 20  # above a loaded machine's start-up time of the second process
RECIPIENTS = 6


def _command(app, smtp_url: str) -> dict:
    env = {**os.environ, "CRM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CRM_SECRET_KEY": "x" * 32, "CRM_SMTP_URL": smtp_url, "CRM_DEFAULT_LANGUAGE": "en",
           "CRM_CLAIM_STALE_SECONDS": str(STALE),
           "CRM_RELEASE_FROM": "Partiets pressekontor <presse@partiet.no>"}
    return {"args": [str(Path(sys.executable).with_name("crm")), "send-releases"],
            "cwd": ROOT, "env": env}


def _send_releases(app, smtp_url: str) -> str:
    done = subprocess.run(**_command(app, smtp_url), capture_output=True, text=True,
                          timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def _statuses() -> Counter:
    db.session.rollback()
    found = Counter(db.session.scalars(db.select(DistributionRecipient.status)))
    db.session.rollback()
    return found


def _wait_for(condition, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    pytest.fail("timed out")


@pytest.mark.slow
def test_kill_9_mid_send_resumes_in_a_second_process_with_one_copy_each_but_the_one_in_flight(
        app, users, second_editor, smtp_server):
    release = approved(users["editor"], second_editor)
    people = [make.journalist(f"Journalist {i}", email=f"j{i}@nrk.no")
              for i in range(RECIPIENTS)]
    media_list = make.media_list("Alle", people)
    distribution.create_distribution(release, list_ids=[media_list.id], contact_ids=[],
                                     send_at=None, user_id=None)
    db.session.commit()
    smtp_server.handler.delay = 1.5  # a slow server: each message is answered after 1.5 s
    with background_process(_command(app, smtp_server.url)) as first:
        # The third message is with the server, its answer not yet back: kill -9 now.
        _wait_for(lambda: len(smtp_server.messages) == 3)
        kill_9(first)
    killed_at = time.monotonic()
    smtp_server.handler.delay = 0
    assert _statuses() == {"sent": 2, "sending": 1, "pending": RECIPIENTS - 3}
    # While the dead process's heartbeat is fresh, a second process keeps off ...
    assert _send_releases(app, smtp_server.url).startswith("0 distributions")
    assert len(smtp_server.messages) == 3
    # ... and once it is stale, the second process sends the rest and the one in flight.
    time.sleep(max(0.0, STALE + 1 - (time.monotonic() - killed_at)))
    output = _send_releases(app, smtp_server.url)
    assert output.startswith(f"1 distribution: {RECIPIENTS - 2} sent, 0 failed"), output
    assert _statuses() == {"sent": RECIPIENTS}
    copies = Counter(m["X-Envelope-To"] for m in smtp_server.messages)
    assert sorted(copies.values()) == [1] * (RECIPIENTS - 1) + [2]
    twice = next(email for email, n in copies.items() if n == 2)
    ids = {m["Message-ID"] for m in smtp_server.messages if m["X-Envelope-To"] == twice}
    recipient = db.session.scalar(db.select(DistributionRecipient).where(
        DistributionRecipient.email == twice))
    assert ids == {recipient.message_id} and recipient.message_id.endswith("@partiet.no>")
    assert "may have arrived twice" in str(recipient.reason) and recipient.attempts == 2
    assert len({m["Message-ID"] for m in smtp_server.messages}) == RECIPIENTS


def test_recipients_left_unknown_before_resuming_get_a_reason_the_catalogue_has(app):
    """Migration sender1 turns old "unknown" recipients into failed ones with the reason of
    crashed_outcome(): the same text, so it reads in Norwegian, not English."""
    import importlib.util
    from pathlib import Path

    from flask_babel import force_locale

    from crm.messages import StoredMessage
    from crm.releases.distribution import crashed_outcome

    path = next(Path("migrations/versions").glob("*sender*.py"))
    spec = importlib.util.spec_from_file_location("sender1", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert migration.CRASHED_MSGID == crashed_outcome().msgid
    stored = StoredMessage().process_result_value(migration.UNKNOWN_REASON, None)
    with app.test_request_context(), force_locale("nb"):
        text = stored.render()
    assert text.startswith("Sendeprosessen stoppet") and "Send den på nytt" in text
