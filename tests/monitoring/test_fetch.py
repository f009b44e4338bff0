"""Fetching feeds: limits on time, size and redirects; only http(s); conditional GET."""

from __future__ import annotations

import gzip
import socket
import time
import tracemalloc
import zlib

import pytest

from crm.monitoring.fetch import FetchError, FetchLimits, Inflater, check_url, fetch
from tests.monitoring.feedserver import Reply, rss

LIMITS = FetchLimits(connect_timeout=2, read_timeout=1, deadline=3, max_bytes=1024 * 1024,
                     max_redirects=5, allow_networks=("127.0.0.0/8",))
FEED = rss([{"title": "Støre møter pressen", "guid": "urn:1"}])


def test_fetches_bytes_and_headers(feed_server):
    url = feed_server.add("/feed.xml", Reply(FEED, etag='"v1"',
                                             headers={"Last-Modified": "Mon, 23 Nov 2026"}))
    result = fetch(url, limits=LIMITS)
    assert result.status == 200 and result.body == FEED and not result.not_modified
    assert result.etag == '"v1"' and result.last_modified == "Mon, 23 Nov 2026"
    assert result.headers["content-type"].startswith("application/rss+xml")


def test_conditional_get_sends_validators_and_understands_304(feed_server):
    url = feed_server.add("/feed.xml", Reply(FEED, etag='"v1"'))
    result = fetch(url, etag='"v1"', last_modified="Mon, 23 Nov 2026 07:00:00 GMT",
                   limits=LIMITS)
    assert result.not_modified and result.body == b""
    sent = feed_server.requests[-1][1]
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Mon, 23 Nov 2026 07:00:00 GMT"


def test_a_200_carrying_the_etag_we_sent_counts_as_unchanged(feed_server):
    def same_etag(handler):
        handler.send_response(200)
        handler.send_header("ETag", '"same"')
        handler.send_header("Content-Length", str(len(FEED)))
        handler.end_headers()
        handler.wfile.write(FEED)

    url = feed_server.add("/feed.xml", same_etag)
    assert fetch(url, etag='"same"', limits=LIMITS).not_modified


def test_follows_a_few_redirects_to_the_feed(feed_server):
    feed_server.add("/feed.xml", FEED)
    feed_server.add("/old", Reply(status=301, headers={"Location": "/older"}))
    feed_server.add("/older", Reply(status=302, headers={"Location": feed_server.url(
        "/feed.xml")}))
    result = fetch(feed_server.url("/old"), limits=LIMITS)
    assert result.body == FEED and result.url == feed_server.url("/feed.xml")


def test_a_redirect_loop_is_refused(feed_server):
    feed_server.add("/a", Reply(status=302, headers={"Location": "/b"}))
    url = feed_server.add("/b", Reply(status=302, headers={"Location": "/a"}))
    with pytest.raises(FetchError, match="loop"):
        fetch(url, limits=LIMITS)
    assert len(feed_server.requests) <= LIMITS.max_redirects + 1


def test_an_endless_chain_of_redirects_stops_at_the_limit(feed_server):
    def onwards(handler):
        n = int(handler.path.rsplit("/", 1)[1]) + 1
        feed_server.routes.setdefault(f"/r/{n}", onwards)
        handler.send_response(302)
        handler.send_header("Location", f"/r/{n}")
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    url = feed_server.add("/r/0", onwards)
    with pytest.raises(FetchError, match="Too many redirects"):
        fetch(url, limits=LIMITS)
    assert len(feed_server.requests) == LIMITS.max_redirects + 1


@pytest.mark.parametrize("url", [
    "ftp://127.0.0.1/feed.xml", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/",
    "data:text/xml,<rss/>", "127.0.0.1/feed.xml", "", "   ", "http://", "x" * 3000,
    "http://[::1", "https://exa mple.no/feed",
])
def test_only_http_and_https_urls_are_fetched(url):
    with pytest.raises(FetchError):
        check_url(url)
    with pytest.raises(FetchError):
        fetch(url, limits=LIMITS)


def test_a_redirect_to_another_scheme_is_refused(feed_server):
    url = feed_server.add("/to-file", Reply(status=302, headers={"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match="Only http and https"):
        fetch(url, limits=LIMITS)


def test_a_redirect_without_location_is_an_error(feed_server):
    url = feed_server.add("/nowhere", Reply(status=302))
    with pytest.raises(FetchError, match="without a Location"):
        fetch(url, limits=LIMITS)


@pytest.mark.parametrize("status, words", [(404, "no feed at that address"),
                                           (410, "removed"), (500, "server error"),
                                           (401, "login")])
def test_http_errors_say_what_happened(feed_server, status, words):
    url = feed_server.add("/err", Reply(b"<html>oops</html>", status=status))
    with pytest.raises(FetchError, match=words) as info:
        fetch(url, limits=LIMITS)
    assert info.value.status == status


def test_retry_after_is_passed_on(feed_server):
    url = feed_server.add("/busy", Reply(status=429, headers={"Retry-After": "120"}))
    with pytest.raises(FetchError) as info:
        fetch(url, limits=LIMITS)
    assert info.value.retry_after == 120


def test_connection_refused_says_only_could_not_be_reached_and_logs_the_detail(caplog):
    with socket.socket() as sock:  # a port that was free a moment ago: nobody listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="^The feed could not be reached.$"):
        fetch(f"http://127.0.0.1:{port}/feed", limits=LIMITS)
    assert "refused" in caplog.text.lower()


def test_a_server_breaking_the_protocol_gives_the_same_message_as_a_closed_port(feed_server):
    def garbage(handler):
        handler.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n")
        handler.close_connection = True

    url = feed_server.add("/ssh", garbage)
    with pytest.raises(FetchError, match="^The feed could not be reached.$"):
        fetch(url, limits=LIMITS)


def _endless(handler, chunk=b"<item>" + b"x" * 65530 + b"</item>", length=None):
    handler.send_response(200)
    handler.send_header("Content-Type", "application/rss+xml")
    if length is not None:
        handler.send_header("Content-Length", str(length))
    handler.send_header("Connection", "close")
    handler.end_headers()
    sent = 0
    while sent < 50 * 1024 * 1024 and not handler.server.stop.is_set():
        handler.wfile.write(chunk)
        sent += len(chunk)


def test_a_50_mb_body_that_announces_its_size_is_refused_before_reading(feed_server):
    url = feed_server.add("/big", lambda h: _endless(h, length=50 * 1024 * 1024))
    with pytest.raises(FetchError, match="too large"):
        fetch(url, limits=LIMITS)


def test_a_50_mb_body_without_length_is_cut_off_at_the_cap_with_bounded_memory(feed_server):
    url = feed_server.add("/big", _endless)
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than the limit"):
            fetch(url, limits=LIMITS)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * LIMITS.max_bytes


def test_a_gzip_bomb_is_refused_at_the_decompressed_cap(feed_server):
    bomb = gzip.compress(b"<rss>" + b" " * (50 * 1024 * 1024))
    assert len(bomb) < LIMITS.max_bytes  # small on the wire
    url = feed_server.add("/bomb", Reply(bomb, headers={"Content-Encoding": "gzip"}))
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="unpacks to more than"):
            fetch(url, limits=LIMITS)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * LIMITS.max_bytes


@pytest.mark.parametrize("encoding, body", [
    ("gzip", gzip.compress(FEED)),
    ("x-gzip", gzip.compress(FEED)),
    ("deflate", zlib.compress(FEED)),
    ("deflate", zlib.compress(FEED)[2:-4]),  # raw deflate, as some servers send it
])
def test_compressed_bodies_are_unpacked(feed_server, encoding, body):
    url = feed_server.add("/z", Reply(body, headers={"Content-Encoding": encoding}))
    assert fetch(url, limits=LIMITS).body == FEED


@pytest.mark.parametrize("encoding, body, words", [
    ("gzip", gzip.compress(FEED, mtime=0)[:30], "truncated"),
    ("gzip", b"not gzip at all", "corrupt"),
    ("br", b"whatever", "Unsupported content encoding"),
])
def test_broken_compression_is_a_clear_error(feed_server, encoding, body, words):
    url = feed_server.add("/z", Reply(body, headers={"Content-Encoding": encoding}))
    with pytest.raises(FetchError, match=words):
        fetch(url, limits=LIMITS)


def test_inflater_handles_concatenated_gzip_members():
    inflater = Inflater("gzip", 1000)
    data = gzip.compress(b"abc") + gzip.compress(b"def")
    for i in range(0, len(data), 7):
        inflater.feed(data[i:i + 7])
    assert inflater.finish() == b"abcdef"


def test_a_server_that_never_answers_is_given_up_after_the_read_timeout(feed_server):
    def stall(handler):
        handler.server.stop.wait(30)

    url = feed_server.add("/stall", stall)
    with pytest.raises(FetchError, match="could not be reached"):
        fetch(url, limits=LIMITS)


def test_a_server_that_stalls_mid_body_is_given_up(feed_server):
    def stall_after_headers(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<rss>")
        handler.wfile.flush()
        handler.server.stop.wait(30)

    url = feed_server.add("/stall", stall_after_headers)
    with pytest.raises(FetchError, match="stopped sending"):
        fetch(url, limits=LIMITS)


@pytest.mark.slow
def test_a_trickling_server_is_cut_off_at_the_deadline(feed_server):
    def trickle(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        while not handler.server.stop.is_set():
            handler.wfile.write(b"x")
            handler.wfile.flush()
            time.sleep(0.2)  # always within the read timeout, never done

    url = feed_server.add("/trickle", trickle)
    with pytest.raises(FetchError, match="longer than"):
        fetch(url, limits=LIMITS)
