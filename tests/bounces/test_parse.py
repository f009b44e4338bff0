"""Reading bounce messages: flufl.bounce's detectors on the 28 real ones, hard or soft as the
DSN or the detector says, and the envelope token and Message-ID that tie them to a send."""

from __future__ import annotations

import pytest

from crm.bounces.parse import parse_bounce
from tests.bounces.mailboxes import SHARED_BOUNCES, bounce_files

# What the messages report (as their servers sent them): the address, hard or soft, status.
EXPECTED = {
    "dsn_01.txt": ("jimmymcegypt@go.com", "hard", "5.0.0"),
    "dsn_02.txt": ("zzzzz@zeus.hud.ac.uk", "soft", "4.4.7"),
    "dsn_05.txt": ("pkocmid@atlas.cz", "soft", "4.4.1"),
    "dsn_08.txt": ("news-list.zope@localhost.bln.innominate.de", "soft", "4.0.0"),
    "exim_01.txt": ("delangen@its.tudelft.nl", "hard", ""),
    "postfix_01.txt": ("xxxxx@local.ie", "hard", ""),
    "qmail_02.txt": ("rauschlo@frontfin.com", "hard", ""),
    "microsoft_01.txt": ("djbennett@ikon.com", "hard", ""),
    "yahoo_02.txt": ("agarciamartiartu@yahoo.es", "hard", ""),
    "aol_01.txt": ("screenname@aol.com", "hard", ""),
    "simple_03.txt": ("jacobus@geo.co.za", "soft", ""),
}


def test_every_real_bounce_reports_a_failed_address():
    files = bounce_files()
    assert len(files) == 28
    for path in files:
        bounce = parse_bounce(path.read_bytes())
        assert bounce.failures, f"{path.name}: flufl.bounce found no failure"
        assert all("@" in f.email and f.email == f.email.lower() for f in bounce.failures)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_hard_and_soft_as_the_dsn_or_the_detector_says(name):
    bounce_files()
    bounce = parse_bounce((SHARED_BOUNCES / name).read_bytes())
    assert [(f.email, f.kind, f.status) for f in bounce.failures] == [EXPECTED[name]]


def test_a_dsn_gives_the_servers_words_and_the_original_message_id():
    bounce_files()
    bounce = parse_bounce((SHARED_BOUNCES / "dsn_08.txt").read_bytes())
    assert bounce.failures[0].diagnostic.startswith("X-Postfix; temporary failure.")
    assert "<NEBBLDPBKLOKNHPAEECGAENDCIAA.zope@toenjes.com>" in bounce.message_ids
    assert "<20011004084528.27AD62CB3A@mate.bln.innominate.de>" not in bounce.message_ids


def test_the_same_message_has_the_same_source_and_junk_is_no_bounce():
    bounce_files()
    raw = (SHARED_BOUNCES / "postfix_02.txt").read_bytes()
    assert parse_bounce(raw).source == parse_bounce(raw).source
    assert parse_bounce(raw).source != parse_bounce(raw + b"\n").source
    for junk in (b"", b"\x00", b"Subject: hei\n\nHei, takk for sist!\n", b"\xff" * 10000):
        assert parse_bounce(junk).failures == []
