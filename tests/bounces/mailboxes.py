"""Bounce mailboxes for tests: the real bounce messages of ../shared/bounces rewritten to our
recipients, a Maildir, and a private Dovecot IMAP server on loopback."""

from __future__ import annotations

import grp
import mailbox
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from crm.bounces.parse import parse_bounce
from tests.smtp import free_port

SHARED_BOUNCES = Path(__file__).resolve().parents[2].parent / "shared" / "bounces"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"


def bounce_files() -> list[Path]:
    if not SHARED_BOUNCES.is_dir():
        pytest.skip(f"the real bounce messages are not here: {SHARED_BOUNCES} is absent")
    return sorted(SHARED_BOUNCES.glob("*.txt"))


def real_bounce(name: str, to_address: str, envelope: str | None = None) -> bytes:
    """The shared bounce message `name` with every failed address it reports replaced by
    `to_address`, and delivered to `envelope` (our VERP address) if given."""
    raw = (SHARED_BOUNCES / name).read_bytes()
    for failure in parse_bounce(raw).failures:
        raw = re.sub(re.escape(failure.email).encode(), to_address.encode(), raw,
                     flags=re.IGNORECASE)
    if envelope:
        raw = f"Delivered-To: {envelope}\n".encode() + raw
    return raw


def auto_reply(to_address: str) -> bytes:
    return (f"From: Kari <{to_address}>\nTo: bounces@parti.no\nSubject: Fravær\n"
            "Message-ID: <auto-1@nrk.no>\n\nJeg er på ferie til mandag. Hilsen Kari\n").encode()


def maildir(path: Path, messages: list[bytes]) -> Path:
    box = mailbox.Maildir(path, create=True)
    for raw in messages:
        box.add(raw)
    box.close()
    return path


def _system_user(name: str) -> str:
    try:
        pwd.getpwnam(name)
    except KeyError:
        pytest.skip(f"Dovecot runs as root here but its system user {name!r} is absent")
    return name


class Dovecot:
    """A Dovecot IMAP server of our own: config, passwd-file and Maildirs in `root`,
    listening on a high loopback port, run as the current user."""

    user, password = "bounces", "hemmelig-passord"

    def __init__(self):
        if not os.access(DOVECOT, os.X_OK):
            pytest.skip(f"Dovecot is not installed ({DOVECOT}; Debian: dovecot-imapd)")
        # Its own directory, open to Dovecot's unprivileged processes (pytest's tmp_path is
        # private to the test's user).
        self.root = Path(tempfile.mkdtemp(prefix="pressdesk-dovecot-"))
        os.chmod(self.root, 0o755)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/INBOX?timeout=10"

    def mail_dir(self) -> Path:
        return self.root / "mail" / self.user

    def _config(self) -> Path:
        me = pwd.getpwuid(os.getuid()).pw_name
        group = grp.getgrgid(os.getgid()).gr_name
        login_user, uid, gid = me, os.getuid(), os.getgid()
        if os.getuid() == 0:  # Dovecot's login and mail processes refuse to run as root
            login_user = _system_user("dovenull")
            mail_user = pwd.getpwnam(_system_user("dovecot"))
            uid, gid = mail_user.pw_uid, mail_user.pw_gid
            os.chown(self.root, uid, gid)
        for sub in ("run", "state", "mail", "home"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
            if sub in ("mail", "home"):
                os.chown(self.root / sub, uid, gid)
        passwd = self.root / "passwd"
        passwd.write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        config = self.root / "dovecot.conf"
        config.write_text(f"""
base_dir = {self.root}/run
state_dir = {self.root}/state
log_path = {self.root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{self.root}/mail/%u
default_internal_user = {me}
default_internal_group = {group}
default_login_user = {login_user}
first_valid_uid = {uid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={self.root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0600
  }}
  unix_listener stats-writer {{
    mode = 0600
  }}
}}
""")
        return config

    def start(self) -> Dovecot:
        config = self._config()
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)],
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read().decode(errors="replace")
                log = (self.root / "dovecot.log")
                raise RuntimeError("Dovecot did not start: " + output
                                   + (log.read_text() if log.exists() else ""))
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("Dovecot did not answer within 15 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        if self.process is not None and self.process.stdout:
            self.process.stdout.close()
        shutil.rmtree(self.root, ignore_errors=True)
