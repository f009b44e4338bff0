#!/usr/bin/env python
"""Benchmark of press releases: render one release to .docx, and send to 500 recipients.

It builds a throwaway SQLite database, a release with body, quotes, a spokesperson and an
embargo, and a media list of 500 journalists, then measures
- the median time to render the release to .docx from the default template (each render runs
  in its own sandboxed process, as in the app), over --renders renders after a warm-up;
- the median time and throughput (messages per second) of sending it to the 500-recipient
  list (one email each from the press office, .docx attached, each with its own signed opt-out
  link and List-Unsubscribe headers, its Message-ID committed before it is sent, recipient
  rows and interactions committed one by one) to an aiosmtpd server on loopback (in its own
  process, accepting and discarding), over --sends distributions;
- the time to process a Maildir of --bounces bounces (the real messages of ../shared/bounces,
  rewritten to recipients of the first send, half of them to their VERP address), as the
  scheduler's job does it: parse, tie to the send, mark the addresses, flag each message.

    .venv/bin/python scripts/bench_releases.py [--renders 20] [--sends 3] [--recipients 500]
        [--bounces 200]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crm import create_app  # noqa: E402
from crm.contacts.lists import add_members, save_media_list  # noqa: E402
from crm.contacts.models import Contact, ContactEmail  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.releases import distribution, export, services, workflow  # noqa: E402
from crm.text import sort_key  # noqa: E402
from crm.timeutil import utcnow  # noqa: E402

BODY = "\n\n".join(
    f"Avsnitt {i} med **fet** og *kursiv* tekst om helsekøer, økonomi og skole, og en "
    f"[lenke](https://example.no/{i})." for i in range(8)) + "\n\n- punkt én\n- punkt to"


def setup(recipients: int):
    from crm.auth.services import create_user

    db.create_all()
    author = create_user("a@example.no", "plum orchard lantern", role="editor")
    approver = create_user("b@example.no", "plum orchard lantern", role="editor")
    people = [Contact(kind="journalist", name=f"Journalist Ødegård {i}",
                      sort_name=sort_key(f"Journalist Ødegård {i}"),
                      emails=[ContactEmail(email=f"j{i}@example.no")])
              for i in range(recipients)]
    spokesperson = Contact(kind="politician", name="Åse Talsperson", title="pressesjef",
                           sort_name=sort_key("Åse Talsperson"),
                           emails=[ContactEmail(email="ase@partiet.no")])
    db.session.add_all([*people, spokesperson])
    db.session.commit()
    media_list = save_media_list(None, name="Alle")
    add_members(media_list, [p.id for p in people])
    release = services.save_release(None, services.ReleaseData(
        title="Ap & Høyre: nye tall for helsekøer", lead="Køene vokser i hele landet.",
        body=BODY, spokesperson_id=spokesperson.id,
        quotes=[(spokesperson.id, "Dette er alvorlig.")],
        embargo_until=utcnow() - timedelta(minutes=1)), author.id)
    workflow.transition(release, "submit", author.id)
    workflow.transition(release, "approve", approver.id)
    return release, media_list


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=20)
    parser.add_argument("--sends", type=int, default=3)
    parser.add_argument("--recipients", type=int, default=500)
    parser.add_argument("--bounces", type=int, default=200)
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-c",
                               "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"])
    try:
        wait_for(port)
        return run(args, f"smtp://127.0.0.1:{port}?timeout=10")
    finally:
        server.terminate()
        server.wait(10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the SMTP server did not start")


def run(args, smtp_url: str) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "CRM_SMTP_URL": smtp_url,
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                          "CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                          "CRM_BOUNCE_ADDRESS": "bounces@parti.no",
                          "CRM_RELEASE_FROM": "Partiets pressekontor <presse@partiet.no>",
                          "CRM_UNSUBSCRIBE_MAILTO": "avmelding@partiet.no",
                          "CRM_BASE_URL": "https://pressdesk.partiet.no"})
        with app.app_context():
            release, media_list = setup(args.recipients)
            export.render_docx(release)  # warm-up: starts the render process server
            renders = []
            for _ in range(args.renders):
                start = time.perf_counter()
                _name, content = export.render_docx(release)
                renders.append(time.perf_counter() - start)
            sends = []
            for _ in range(args.sends):
                created = distribution.create_distribution(
                    release, list_ids=[media_list.id], contact_ids=[], send_at=None,
                    user_id=None)
                start = time.perf_counter()
                report = distribution.send_distribution(created)
                sends.append(time.perf_counter() - start)
                assert report.sent == args.recipients, report
            bounced = bench_bounces(app, release.distributions[-1], args.bounces, Path(tmp))
    print(f"render one release to .docx: median {statistics.median(renders) * 1000:.0f} ms "
          f"(min {min(renders) * 1000:.0f}, max {max(renders) * 1000:.0f}, n={len(renders)}, "
          f"{len(content) // 1024} KB)")
    median = statistics.median(sends)
    print(f"send to {args.recipients} recipients over loopback SMTP: median "
          f"{median:.2f} s (min {min(sends):.2f}, max {max(sends):.2f}, "
          f"n={len(sends)}; every message accepted by the server)")
    print(f"send throughput: {args.recipients / median:.0f} messages/s "
          f"({median / args.recipients * 1000:.1f} ms per recipient)")
    print(bounced)
    return 0


def bench_bounces(app, sent, count: int, tmp: Path) -> str:
    """Process a Maildir of `count` real bounces to recipients of `sent`; what it took."""
    import mailbox

    from crm.bounces import verp
    from crm.bounces.services import process_mailbox
    from tests.bounces.mailboxes import SHARED_BOUNCES, real_bounce

    files = sorted(SHARED_BOUNCES.glob("*.txt"))
    if not files:
        return f"process {count} bounces: not measured ({SHARED_BOUNCES} is absent)"
    recipients = list(sent.recipients)
    box = mailbox.Maildir(tmp / "bounces", create=True)
    for i in range(count):
        recipient = recipients[i % len(recipients)]
        envelope = verp.envelope_sender(recipient.id) if i % 2 == 0 else None
        box.add(real_bounce(files[i % len(files)].name, recipient.email, envelope=envelope))
    box.close()
    start = time.perf_counter()
    report = process_mailbox(f"maildir://{tmp / 'bounces'}")
    took = time.perf_counter() - start
    assert report.messages == count and not report.errors, report
    return (f"process a Maildir of {count} bounces: {took:.2f} s ({took / count * 1000:.1f} ms "
            f"each; {report.hard} hard, {report.soft} soft, {report.matched} tied to a send, "
            f"{report.undeliverable} addresses marked undeliverable)")


if __name__ == "__main__":
    raise SystemExit(main())
