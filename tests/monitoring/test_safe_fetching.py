"""Safe fetching with the DEFAULT settings: every non-public destination is refused before any
connection (literal forms, numeric spellings, IPv6, mapped, names resolving to loopback,
redirects to each), one neutral message, and one hard deadline that headers cannot outlast."""

from __future__ import annotations

import ipaddress
import os
import socket
import threading
import time

import httpcore
import pytest

from crm.monitoring import fetch as fetch_module
from crm.monitoring.fetch import (
    FetchError,
    FetchLimits,
    address_allowed,
    check_destination,
    fetch,
    literal_address,
    parse_networks,
)
from tests.monitoring.feedserver import FeedServer, Reply, rss

DEFAULTS = FetchLimits(connect_timeout=2, read_timeout=1, deadline=3)  # no allowed networks
FEED = rss([{"title": "Støre møter pressen", "guid": "urn:1"}])
UNREACHABLE = "^The feed could not be reached.$"


class Listener:
    """A socket listening on loopback that only records whether anyone connected."""

    def __init__(self, host: str):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.setblocking(False)
        self.port = self.sock.getsockname()[1]

    def connections(self) -> int:
        count = 0
        while True:
            try:
                conn, _ = self.sock.accept()
            except BlockingIOError:
                return count
            conn.close()
            count += 1

    def close(self):
        self.sock.close()


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as sock:
            sock.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.fixture
def listener():
    item = Listener("127.0.0.1")
    yield item
    item.close()


@pytest.fixture
def listener6():
    if not _ipv6_loopback():
        pytest.skip("no IPv6 loopback here")
    item = Listener("::1")
    yield item
    item.close()


@pytest.fixture
def connects(monkeypatch):
    """Every TCP connection httpcore opens (a refused address must never get here)."""
    seen = []
    original = httpcore.SyncBackend.connect_tcp

    def recording(self, host, port, *args, **kwargs):
        seen.append((host, port))
        return original(self, host, port, *args, **kwargs)

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", recording)
    return seen


@pytest.fixture
def resolver(monkeypatch):
    """A fake DNS: names map to the addresses given; any other name does not resolve."""
    names: dict[str, list[str]] = {}
    asked: list[str] = []

    def resolve(host, port):
        asked.append(host)
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    monkeypatch.setattr(fetch_module, "resolve_host", resolve)
    resolve.names, resolve.asked = names, asked
    return resolve


LOOPBACK_FORMS = ["127.0.0.1", "127.1", "2130706433", "0x7f000001", "[::ffff:127.0.0.1]",
                  "localhost", "127.0.0.2", "0x7f.1"]


@pytest.mark.parametrize("host", LOOPBACK_FORMS)
def test_loopback_in_every_spelling_is_refused_before_connecting(listener, connects, host):
    url = f"http://{host}:{listener.port}/feed.xml"
    with pytest.raises(FetchError, match=UNREACHABLE):
        fetch(url, limits=DEFAULTS)
    assert listener.connections() == 0 and connects == []


def test_ipv6_loopback_is_refused_before_connecting(listener6, connects):
    with pytest.raises(FetchError, match=UNREACHABLE):
        fetch(f"http://[::1]:{listener6.port}/", limits=DEFAULTS)
    assert listener6.connections() == 0 and connects == []


NON_PUBLIC = ["10.0.0.1", "172.16.5.4", "192.168.1.1", "169.254.169.254", "100.64.0.1",
              "100.100.100.200", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1",
              "255.255.255.255", "192.0.2.1", "198.18.0.1", "[::]", "[fe80::1]", "[fc00::1]",
              "[fd00:ec2::254]", "[ff02::1]", "[::ffff:10.0.0.1]", "[::ffff:169.254.169.254]",
              "[64:ff9b::7f00:1]", "[64:ff9b::a9fe:a9fe]", "[2002:7f00:1::]", "[2002:a00:1::]",
              "[::127.0.0.1]", "[2001:db8::1]", "[fec0::1]", "0xa000001", "167772161",
              "10.1"]


@pytest.mark.parametrize("host", NON_PUBLIC)
def test_private_link_local_metadata_shared_and_reserved_are_refused_before_connecting(
        connects, host):
    with pytest.raises(FetchError, match=UNREACHABLE):
        fetch(f"http://{host}:8080/feed", limits=DEFAULTS)
    assert connects == []
    with pytest.raises(FetchError, match="local or private network"):
        check_destination(f"http://{host}/feed")


@pytest.mark.parametrize("address", ["93.184.216.34", "1.1.1.1", "151.101.1.1",
                                      "2606:4700::1111", "2a00:1450:4001:800::200e"])
def test_public_unicast_addresses_are_allowed(address):
    assert address_allowed(ipaddress.ip_address(address))


def test_numeric_spellings_are_read_as_the_address_they_mean():
    loopback = ipaddress.ip_address("127.0.0.1")
    for host in ["127.1", "2130706433", "0x7f000001", "0177.0.0.1", "[::1]"]:
        assert literal_address(host) in (loopback, ipaddress.ip_address("::1"))
    assert literal_address("www.nrk.no") is None
    assert literal_address("1.example") is None


def test_a_public_name_resolving_to_loopback_is_refused_before_connecting(listener, connects,
                                                                          resolver):
    resolver.names["feeds.example.com"] = ["127.0.0.1"]
    resolver.names["mixed.example.com"] = ["93.184.216.34", "127.0.0.1"]
    for name in ("feeds.example.com", "mixed.example.com"):
        with pytest.raises(FetchError, match=UNREACHABLE):
            fetch(f"http://{name}:{listener.port}/rss", limits=DEFAULTS)
    assert listener.connections() == 0 and connects == []
    assert resolver.asked == ["feeds.example.com", "mixed.example.com"]


def test_an_unresolvable_name_and_a_slow_resolver_give_the_same_message(resolver, connects):
    with pytest.raises(FetchError, match=UNREACHABLE):
        fetch("http://no-such-host.example/rss", limits=DEFAULTS)

    def slow(host, port):
        time.sleep(3)
        return ["93.184.216.34"]

    fetch_module.resolve_host = slow  # restored by the resolver fixture's monkeypatch
    with pytest.raises(FetchError, match=UNREACHABLE):
        fetch("http://slow-dns.example/rss", limits=FetchLimits(connect_timeout=0.5,
                                                               deadline=0.5))
    assert connects == []


@pytest.fixture
def allowed_server():
    """A feed server on 127.0.0.2, and limits that allow that one address and nothing else."""
    with FeedServer("127.0.0.2") as server:
        yield server, FetchLimits(connect_timeout=2, read_timeout=1, deadline=3,
                                  allow_networks=("127.0.0.2/32",))


def test_an_allowed_network_is_fetched_and_the_checked_address_is_the_one_connected(
        allowed_server, resolver, monkeypatch):
    server, limits = allowed_server
    server.add("/feed.xml", FEED)
    resolver.names["intranet.example"] = ["127.0.0.2"]
    lookups = []
    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo",
                        lambda host, *a, **k: lookups.append(host) or real_getaddrinfo(host, *a,
                                                                                       **k))
    port = server.base.rsplit(":", 1)[1]
    result = fetch(f"http://intranet.example:{port}/feed.xml", limits=limits)
    assert result.body == FEED
    assert server.requests[-1][1]["Host"] == f"intranet.example:{port}"  # the name, kept
    assert resolver.asked == ["intranet.example"]  # resolved once, by the check
    assert "intranet.example" not in lookups  # and never again by the socket layer


def _redirect_targets(listener, port6):
    targets = [f"http://127.0.0.1:{listener.port}/", f"http://127.1:{listener.port}/",
               f"http://2130706433:{listener.port}/", f"http://0x7f000001:{listener.port}/",
               f"http://[::ffff:127.0.0.1]:{listener.port}/",
               f"http://localhost:{listener.port}/",
               f"http://loopback.example.com:{listener.port}/",
               "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
               "http://192.168.0.1/", "http://100.64.0.1/", "http://[fd00:ec2::254]/"]
    if port6:
        targets.append(f"http://[::1]:{port6}/")
    return targets


def test_a_redirect_to_any_refused_address_is_refused_before_connecting(
        allowed_server, listener, resolver, connects):
    server, limits = allowed_server
    resolver.names["loopback.example.com"] = ["127.0.0.1"]
    listener6 = Listener("::1") if _ipv6_loopback() else None
    try:
        targets = _redirect_targets(listener, listener6.port if listener6 else None)
        for i, target in enumerate(targets):
            url = server.add(f"/r{i}", Reply(status=302, headers={"Location": target}))
            connects.clear()
            with pytest.raises(FetchError, match=UNREACHABLE):
                fetch(url, limits=limits)
            # The first hop, to the allowed server, was made; the redirect's was not.
            assert [host for host, _port in connects] == ["127.0.0.2"], target
            assert server.requests[-1][0] == f"/r{i}"
        assert listener.connections() == 0
        assert listener6 is None or listener6.connections() == 0
    finally:
        if listener6:
            listener6.close()


def test_a_redirect_within_the_allowed_network_is_followed(allowed_server):
    server, limits = allowed_server
    server.add("/feed.xml", FEED)
    url = server.add("/old", Reply(status=301, headers={"Location": "/feed.xml"}))
    assert fetch(url, limits=limits).body == FEED


def test_proxies_from_the_environment_are_ignored(allowed_server, listener, monkeypatch):
    server, limits = allowed_server
    url = server.add("/feed.xml", FEED)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{listener.port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    assert os.environ["HTTP_PROXY"]
    assert fetch(url, limits=limits).body == FEED
    assert listener.connections() == 0


def test_the_refusal_detail_goes_to_the_log_not_to_the_user(caplog, connects):
    with pytest.raises(FetchError, match=UNREACHABLE):
        fetch("http://169.254.169.254/latest/meta-data/", limits=DEFAULTS)
    assert "169.254.169.254" in caplog.text and "not a public address" in caplog.text


def test_allowed_networks_are_parsed_from_commas_and_spaces():
    nets = parse_networks("10.0.0.0/8, 192.168.1.0/24  fd00::/8")
    assert [str(n) for n in nets] == ["10.0.0.0/8", "192.168.1.0/24", "fd00::/8"]
    assert address_allowed(ipaddress.ip_address("10.2.3.4"), nets)
    assert address_allowed(ipaddress.ip_address("::ffff:10.2.3.4"), nets)
    assert not address_allowed(ipaddress.ip_address("127.0.0.1"), nets)
    with pytest.raises(ValueError, match="not an IP network"):
        parse_networks("10.0.0.0/8, intranet")


def test_a_server_trickling_header_lines_is_cut_at_the_deadline(feed_server):
    sent = []
    stop = threading.Event()

    def trickle(handler):
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        for i in range(60):  # one header line every 0.25 s: always within the read timeout
            if stop.is_set() or handler.server.stop.is_set():
                return
            handler.wfile.write(f"X-Line-{i}: x\r\n".encode())
            handler.wfile.flush()
            sent.append(i)
            time.sleep(0.25)

    url = feed_server.add("/trickle", trickle)
    limits = FetchLimits(connect_timeout=1, read_timeout=1, deadline=2,
                         allow_networks=("127.0.0.0/8",))
    with pytest.raises(FetchError, match=UNREACHABLE):
        fetch(url, limits=limits)
    stop.set()
    assert 0 < len(sent) < 60  # cut off while the headers were still coming


def test_tls_keeps_the_name_for_sni_and_certificate_checks(tmp_path, resolver):
    """Connecting to the checked address must not turn https://name/ into https://address/."""
    import ssl
    import subprocess

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    try:
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-days",
                        "1", "-subj", "/CN=feeds.example.test", "-addext",
                        "subjectAltName=DNS:feeds.example.test", "-keyout", str(key), "-out",
                        str(cert)], check=True, capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        pytest.skip("openssl cannot make a test certificate here")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    names = []
    context.sni_callback = lambda sock, name, ctx: names.append(name)
    server = socket.create_server(("127.0.0.2", 0))
    port = server.getsockname()[1]

    def serve_once():
        conn, _ = server.accept()
        try:
            with context.wrap_socket(conn, server_side=True):
                pass
        except (ssl.SSLError, OSError):
            pass  # the client refuses our self-signed certificate, as it should

    thread = threading.Thread(target=serve_once, daemon=True)
    thread.start()
    resolver.names["feeds.example.test"] = ["127.0.0.2"]
    limits = FetchLimits(connect_timeout=2, read_timeout=2, deadline=5,
                         allow_networks=("127.0.0.2/32",))
    try:
        with pytest.raises(FetchError, match=UNREACHABLE):  # unknown CA: verification is on
            fetch(f"https://feeds.example.test:{port}/rss", limits=limits)
        thread.join(timeout=5)
    finally:
        server.close()
    assert names == ["feeds.example.test"]
