"""Two real processes and kill -9: the digest in flight when its sender dies is taken over once
its claim's heartbeat is CRM_CLAIM_STALE_SECONDS old (2 minutes by default; 10 s here), while a
live sender keeps its claim however long it takes."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crm.digest import services
from crm.digest.models import DigestDelivery
from crm.extensions import db
from tests.support import background_process, kill_9

ROOT = Path(__file__).resolve().parents[2]
STALE = 10


def _command(app, smtp_url: str) -> dict:
    env = {**os.environ, "CRM_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CRM_SECRET_KEY": "x" * 32, "CRM_SMTP_URL": smtp_url, "CRM_DEFAULT_LANGUAGE": "en",
           "CRM_CLAIM_STALE_SECONDS": str(STALE)}
    return {"args": [str(Path(sys.executable).with_name("crm")), "run-job", "send-digests"],
            "cwd": ROOT, "env": env}


def _run_job(app, smtp_url: str) -> None:
    """One `crm run-job send-digests` process, to its end."""
    done = subprocess.run(**_command(app, smtp_url), capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr


def _delivery() -> DigestDelivery | None:
    db.session.rollback()
    delivery = db.session.scalar(db.select(DigestDelivery))
    db.session.rollback()
    return delivery


def _wait_for(condition, seconds: float = 180):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    pytest.fail("timed out")


@pytest.mark.slow
def test_kill_9_mid_send_is_taken_over_after_the_heartbeat_goes_silent(app, users,
                                                                        smtp_server):
    for role, user in users.items():  # one user, due at any time of any day
        services.save_settings(user, enabled=role == "editor", hour=0, minute=0,
                               weekdays=list(range(7)), groups=[])
    smtp_server.handler.stall = 600  # the first sender hangs in DATA, as a slow server would
    slow_url = smtp_server.url.replace("timeout=5", "timeout=600")
    with background_process(_command(app, slow_url)) as first:
        claimed = _wait_for(lambda: (d := _delivery()) and d.status == "sending" and d)
        first_beat = claimed.heartbeat_at
        # Alive beyond the stale time: its heartbeat keeps the claim; a second process keeps off.
        time.sleep(STALE + 2)
        assert _delivery().heartbeat_at > first_beat
        _run_job(app, smtp_server.url)
        assert _delivery().status == "sending" and not smtp_server.messages
        kill_9(first)
    # Dead: its heartbeat stops; once stale the next run takes the claim over and sends.
    time.sleep(STALE + 1)
    _run_job(app, smtp_server.url)
    delivery = _delivery()
    assert delivery.status == "sent" and delivery.attempts == 2
    assert [m["X-Envelope-To"] for m in smtp_server.messages] == [users["editor"].email]
