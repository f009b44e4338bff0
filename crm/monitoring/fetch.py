"""Fetching a feed over HTTP with hard limits; feedparser never touches the network.

feedparser's own fetching has no timeout and no size cap (feedparser issues #76, #105, #263,
#339; its maintainer advises fetching with an HTTP client and handing the bytes to `parse()`),
so we fetch here with httpx and hand the bytes over. Limits: connect and read timeouts plus an
overall deadline, a cap on the body both as sent and after decompression (checked while
streaming, so a 50 MB body or a gzip bomb costs at most the cap in memory), a redirect limit, only http and https (on every
hop), and conditional GET (ETag / Last-Modified) so that unchanged feeds cost one small request.
Safe to call from several threads with one shared client.

Safe destinations: the client's network backend (`GuardedBackend`) resolves every host itself,
checks each address with `address_allowed` (public unicast only, unless the installation allows
a network with CRM_FEED_ALLOW_NETWORKS) and connects to the very address it checked, so a name
cannot resolve differently a moment later; the Host header, TLS SNI and certificate checks still
use the name. That happens for every connection, so for every redirect hop too. A refused
address and every failed connection give the user the same neutral message ("could not be
reached": the feed page is no port scanner); the detail goes to the log.

One deadline covers the whole fetch, DNS and connect to last byte, headers included: every
socket read and write waits at most until the deadline, so a server that trickles header lines
is cut off there.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

import httpcore
import httpx

from crm.errors import UserError
from crm.messages import Message, msg
from crm.timeutil import utcnow

USER_AGENT = "Pressdesk feed reader (+https://github.com/pressdesk)"
ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
          "application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5")


@dataclass(frozen=True)
class FetchLimits:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    deadline: float = 60.0  # whole request, redirects included
    max_bytes: int = 15 * 1024 * 1024  # as sent and after decompression
    max_redirects: int = 5
    # Networks fetched from although they are not public (CRM_FEED_ALLOW_NETWORKS): CIDR text.
    allow_networks: tuple[str, ...] = ()


DEFAULT_LIMITS = FetchLimits()


@dataclass
class FetchResult:
    url: str  # the final URL, after redirects
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    not_modified: bool = False
    elapsed: float = 0.0

    @property
    def etag(self) -> str:
        return self.headers.get("etag", "")[:500]

    @property
    def last_modified(self) -> str:
        return self.headers.get("last-modified", "")[:100]


class FetchError(UserError):
    """A feed that could not be fetched; `msg` is fit for the feed's health, in any language."""

    def __init__(self, message: Message, *, status: int | None = None,
                 retry_after: float | None = None):
        super().__init__(message, field="url")
        self.status = status
        self.retry_after = retry_after


def check_url(url: str) -> httpx.URL:
    """The URL parsed, or FetchError unless it is an absolute http(s) URL with a host."""
    url = (url or "").strip()
    if not url:
        raise FetchError(msg("No URL given."))
    if len(url) > 2000:
        raise FetchError(msg("The URL is too long."))
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise FetchError(msg("The URL must not contain spaces."))
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise FetchError(msg("That is not a valid URL.")) from None
    if parsed.scheme not in ("http", "https"):
        raise FetchError(msg("Only http and https feeds can be fetched, not “%(scheme)s”.",
                             scheme=parsed.scheme[:20])
                         if parsed.scheme else msg("The URL must start with http:// or https://."))
    if not parsed.host:
        raise FetchError(msg("The URL has no host name."))
    return parsed


# --- safe destinations ----------------------------------------------------------------------

log = logging.getLogger("crm.monitoring.fetch")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def unreachable() -> Message:
    """The one message for a refused address and for every connection that failed."""
    return msg("The feed could not be reached.")


def local_address_refused() -> Message:
    """Why a URL whose host is (or resolves to) a refused address is not added."""
    return msg("That address is on a local or private network; feeds are only fetched from "
               "the public internet.")


def parse_networks(value: str | Iterable[str]) -> tuple[Network, ...]:
    """CIDRs (comma or space separated, or a list) as networks; ValueError names a bad one."""
    parts = value.replace(",", " ").split() if isinstance(value, str) else \
        [p for item in value for p in str(item).replace(",", " ").split()]
    networks = []
    for part in parts:
        try:
            networks.append(ipaddress.ip_network(part.strip("[]"), strict=False))
        except ValueError:
            raise ValueError(f"not an IP network (CIDR): {part!r}") from None
    return tuple(networks)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address inside an IPv4-mapped, 6to4 or NAT64 IPv6 address."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in net for net in _NAT64):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_allowed(address: IPAddress, allow: Sequence[Network] = ()) -> bool:
    """The one rule: may we connect to `address`?

    Yes if it lies in an allowed network; otherwise only if it is a public unicast address:
    not loopback, private (RFC 1918, fc00::/7), link-local (169.254.0.0/16 with the cloud
    metadata address, fe80::/10), shared (100.64.0.0/10), unspecified, multicast, reserved or
    documentation space, and not such an address in IPv4-mapped, 6to4 or NAT64 form.
    """
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            address = address.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1, allowed or not
        elif address.scope_id:
            return False  # fe80::1%eth0 and the like
    if any(address.version == net.version and address in net for net in allow):
        return True
    if isinstance(address, ipaddress.IPv6Address):
        inner = _embedded_ipv4(address)
        if inner is not None and not address_allowed(inner):
            return False
        if address.is_site_local:
            return False
    return (address.is_global and not address.is_multicast and not address.is_reserved
            and not address.is_private and not address.is_loopback
            and not address.is_link_local and not address.is_unspecified)


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as a number means (127.0.0.1, [::1], 127.1, 2130706433,
    0x7f000001, 0177.0.0.1), or None for a name."""
    host = host.strip().strip("[]").rstrip(".")
    if not host:
        return None
    try:
        return ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        pass
    if all(part and (part.isdigit() or part.lower().startswith("0x")) for part in
                host.split(".")):
        try:  # the inet_aton forms every resolver also understands
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


class AddressRefused(httpcore.ConnectError):
    """A destination the address rule refuses (never connected to)."""


Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """The addresses `host` resolves to (getaddrinfo), in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        if sockaddr[0] not in seen:
            seen.append(sockaddr[0])
    return seen


# Replaceable by tests ("a public name that resolves to 127.0.0.1").
resolve_host: Resolver = system_resolver

_dns_pool: ThreadPoolExecutor | None = None
_dns_lock = threading.Lock()


def resolve(host: str, port: int, timeout: float) -> list[IPAddress]:
    """Resolve within `timeout` (getaddrinfo has none: it runs in a small shared pool)."""
    literal = literal_address(host)
    if literal is not None:
        return [literal]
    global _dns_pool
    with _dns_lock:
        if _dns_pool is None:
            _dns_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="dns")
    future = _dns_pool.submit(resolve_host, host, port)
    try:
        found = future.result(timeout=max(timeout, 0.01))
    except FutureTimeout:
        future.cancel()
        raise httpcore.ConnectTimeout(f"resolving {host} took longer than {timeout:.1f} s") \
            from None
    except (OSError, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    addresses = []
    for text in found:
        try:
            addresses.append(ipaddress.ip_address(text.split("%", 1)[0]))
        except ValueError:
            continue
    if not addresses:
        raise httpcore.ConnectError(f"{host} resolves to no address")
    return addresses


def checked_addresses(host: str, port: int, timeout: float,
                      allow: Sequence[Network]) -> list[IPAddress]:
    """The addresses to connect to for host:port, or AddressRefused. A name is refused if ANY
    address it resolves to is refused (a mixed answer is a rebinding trick, not a feed)."""
    addresses = resolve(host, port, timeout)
    refused = [a for a in addresses if not address_allowed(a, allow)]
    if refused:
        raise AddressRefused(f"{host} resolves to {refused[0]}, which is not a public address "
                             f"(CRM_FEED_ALLOW_NETWORKS allows more)")
    return addresses


_deadline = threading.local()


def _remaining(timeout: float | None) -> float | None:
    """`timeout` cut to what is left of this thread's fetch deadline."""
    at = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the fetch deadline has passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write ends by the fetch's deadline."""

    def __init__(self, stream: httpcore.NetworkStream):
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _remaining(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None):
        return DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                     _remaining(timeout)))

    def get_extra_info(self, info: str):
        return self._stream.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Resolves, checks every address with the rule, and connects to a checked address."""

    def __init__(self, allow: Sequence[Network] = ()):
        self.allow = tuple(allow)

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        addresses = checked_addresses(host, port, _remaining(timeout) or 10.0, self.allow)
        error: Exception | None = None
        for address in addresses:
            try:
                stream = super().connect_tcp(str(address), port, timeout=_remaining(timeout),
                                             local_address=local_address,
                                             socket_options=socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return DeadlineStream(stream)
        raise error or httpcore.ConnectError(f"no address to connect to for {host}")

    def connect_unix_socket(self, *args, **kwargs):
        raise AddressRefused("unix sockets are never fetched")


def _guarded_transport(limits: FetchLimits, max_connections: int) -> httpx.HTTPTransport:
    transport = httpx.HTTPTransport(trust_env=False)
    # httpx has no public way to give its transport a network backend; its pool is the
    # httpcore ConnectionPool it would have built, with ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=max_connections, max_keepalive_connections=max_connections,
        keepalive_expiry=5.0, network_backend=GuardedBackend(
            parse_networks(limits.allow_networks)))
    return transport


def check_destination(url: str | httpx.URL, allow: Sequence[Network] = ()) -> None:
    """FetchError at once for a URL whose host is written as a refused address (127.1,
    [::1], 10.0.0.1, ...): the check a form can make without touching the network."""
    host = (url if isinstance(url, httpx.URL) else check_url(url)).host
    name = host.lower().rstrip(".")
    address = literal_address(host)
    if address is None and (name == "localhost" or name.endswith(".localhost")):
        address = ipaddress.ip_address("127.0.0.1")
    if address is not None and not address_allowed(address, allow):
        raise FetchError(local_address_refused())


def make_client(limits: FetchLimits = DEFAULT_LIMITS,
                max_connections: int = 10) -> httpx.Client:
    """One client per poll cycle, shared by the fetching threads (httpx allows that)."""
    return httpx.Client(
        timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
        transport=_guarded_transport(limits, max_connections),
        follow_redirects=False, trust_env=False,
        headers={"User-Agent": USER_AGENT, "Accept": ACCEPT,
                 "Accept-Encoding": "gzip, deflate"})


def fetch(url: str, etag: str = "", last_modified: str = "", *,
          client: httpx.Client | None = None,
          limits: FetchLimits = DEFAULT_LIMITS) -> FetchResult:
    """GET a feed within `limits`; FetchResult (maybe not_modified) or FetchError."""
    own_client = client is None
    client = client or make_client(limits, max_connections=1)
    started = time.monotonic()
    outer = getattr(_deadline, "at", None)
    _deadline.at = started + limits.deadline
    try:
        result = _fetch(client, url, etag, last_modified, limits, started)
    finally:
        _deadline.at = outer
        if own_client:
            client.close()
    result.elapsed = time.monotonic() - started
    return result


def _fetch(client: httpx.Client, url: str, etag: str, last_modified: str,
           limits: FetchLimits, started: float) -> FetchResult:
    current = check_url(url)
    seen = {str(current)}
    request_headers = {}
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    for _hop in range(limits.max_redirects + 1):
        if time.monotonic() - started > limits.deadline:
            raise FetchError(msg("The request took longer than %(seconds)s s.",
                                 seconds=f"{limits.deadline:g}"))
        try:
            with client.stream("GET", current, headers=request_headers) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                status = response.status_code
                if status in (301, 302, 303, 307, 308):
                    location = headers.get("location", "").strip()
                    if not location:
                        raise FetchError(msg("HTTP %(status)d redirect without a Location "
                                             "header.", status=status), status=status)
                    try:
                        target = current.join(location)
                    except (httpx.InvalidURL, ValueError):
                        raise FetchError(msg("The feed redirects to an invalid URL.")) from None
                    current = check_url(str(target))
                    if str(current) in seen:
                        raise FetchError(msg("The feed's redirects go round in a loop."))
                    seen.add(str(current))
                    continue
                if status == 304:
                    return FetchResult(str(current), status, headers=headers, not_modified=True)
                if status != 200:
                    raise FetchError(_status_message(status, response.reason_phrase),
                                     status=status, retry_after=_retry_after(headers))
                if etag and headers.get("etag") == etag:
                    # A 200 that carries the ETag we sent: unchanged (as Miniflux treats it).
                    return FetchResult(str(current), 304, headers=headers, not_modified=True)
                body = _read_body(response, headers, limits, started)
                return FetchResult(str(current), status, body=body, headers=headers)
        except FetchError:
            raise
        except (httpx.HTTPError, OSError, ValueError) as exc:
            # Refused address, DNS, connect, TLS, protocol, timeouts: one neutral message
            # (the feed page is no port scanner), the detail for the admins in the log.
            raise _unreachable(current, exc, started, limits) from None
    raise FetchError(msg("Too many redirects (more than %(max)d).", max=limits.max_redirects))


def _unreachable(url: httpx.URL, exc: BaseException, started: float,
                 limits: FetchLimits) -> FetchError:
    cause = exc.__cause__ or exc.__context__
    refused = isinstance(exc, AddressRefused) or isinstance(cause, AddressRefused)
    detail = _reason(cause if refused and cause is not None else exc)
    if time.monotonic() - started >= limits.deadline:
        detail = f"deadline of {limits.deadline:g} s passed ({detail})"
    log.warning("Feed %s could not be reached (%s): %s", url, "address refused" if refused
                else type(exc).__name__, detail)
    return FetchError(unreachable())


def _read_body(response: httpx.Response, headers: dict[str, str], limits: FetchLimits,
               started: float) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(msg("The feed is too large (%(size)s; the limit is %(limit)s).",
                             size=_megabytes(int(declared)), limit=_megabytes(limits.max_bytes)))
    inflater = Inflater(headers.get("content-encoding", ""), limits.max_bytes)
    received = 0
    too_slow = FetchError(msg("The download took longer than %(seconds)s s.",
                              seconds=f"{limits.deadline:g}"))
    try:
        for chunk in response.iter_raw():  # as received: a chunk size would wait to fill it
            received += len(chunk)
            if received > limits.max_bytes:
                raise FetchError(msg("The feed is larger than the limit of %(limit)s.",
                                     limit=_megabytes(limits.max_bytes)))
            if time.monotonic() - started > limits.deadline:
                raise too_slow
            inflater.feed(chunk)
    except httpx.ReadTimeout:  # the server answered 200 and then stalled or trickled
        if time.monotonic() - started >= limits.deadline:
            raise too_slow from None
        raise FetchError(msg("The server stopped sending (no data for %(seconds)s s).",
                             seconds=f"{limits.read_timeout:g}")) from None
    return inflater.finish()


class Inflater:
    """gzip/deflate decoding that never holds more than `cap` decompressed bytes."""

    def __init__(self, encoding: str, cap: int):
        encoding = encoding.strip().lower()
        if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
            raise FetchError(msg("Unsupported content encoding “%(encoding)s”.",
                                 encoding=encoding[:40]))
        self.kind = {"x-gzip": "gzip", "identity": ""}.get(encoding, encoding)
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        self.decoder = None

    def _new_decoder(self, first: bytes):
        if self.kind == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        # "deflate" is zlib-wrapped by the standard, raw deflate from some servers.
        zlib_header = len(first) >= 2 and first[0] & 0x0F == 8 and \
            (first[0] << 8 | first[1]) % 31 == 0
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def _keep(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise FetchError(msg("The feed unpacks to more than the limit of %(limit)s.",
                                 limit=_megabytes(self.cap)))
        self.parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if not self.kind:
            self._keep(chunk)
            return
        data = chunk
        while data:
            if self.decoder is None:
                self.decoder = self._new_decoder(data)
            try:
                out = self.decoder.decompress(data, self.cap - self.size + 1)
            except zlib.error:
                raise FetchError(msg("The %(kind)s compressed body is corrupt.",
                                     kind=self.kind)) from None
            self._keep(out)
            data = self.decoder.unconsumed_tail
            if self.decoder.eof:
                rest = self.decoder.unused_data
                # Another gzip member may follow; anything else after the end is ignored.
                data = rest if self.kind == "gzip" and rest[:2] == b"\x1f\x8b" else b""
                self.decoder = None if data else self.decoder

    def finish(self) -> bytes:
        if self.kind and self.decoder is None and not self.parts:
            return b""
        if self.kind and self.decoder is not None and not self.decoder.eof:
            raise FetchError(msg("The %(kind)s compressed body is truncated.", kind=self.kind))
        return b"".join(self.parts)


def _status_message(status: int, reason: str) -> Message:
    hints = {401: msg("HTTP %(status)d%(reason)s (the feed needs a login)."),
             403: msg("HTTP %(status)d%(reason)s (access is refused)."),
             404: msg("HTTP %(status)d%(reason)s (no feed at that address)."),
             410: msg("HTTP %(status)d%(reason)s (the feed has been removed)."),
             429: msg("HTTP %(status)d%(reason)s (too many requests; the server asks us to "
                      "slow down).")}
    template = hints.get(status) or (msg("HTTP %(status)d%(reason)s (server error).")
                                     if status >= 500 else msg("HTTP %(status)d%(reason)s."))
    # %(reason)s is the server's reason phrase with a leading space, or nothing.
    reason = f" {reason.strip()[:100]}" if reason and reason.strip() else ""
    return Message(template.msgid, {"status": status, "reason": reason})


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(min(int(value), 86400))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, min((when - utcnow()).total_seconds(), 86400.0))


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text[:200]


def screen_hosts(hosts: Iterable[str], allow: Sequence[Network] = (), budget: float = 10.0,
                 workers: int = 16) -> tuple[set[str], set[str]]:
    """Resolve many host names at once (an OPML import) within `budget` seconds in all.

    Returns (refused, unchecked): the names that resolve to an address the rule refuses, and
    those not resolved in time or at all. Names written as addresses are not looked up (see
    check_destination). Only a first screen: every fetch checks again, and that check counts.
    """
    names = {h for h in hosts if h and literal_address(h) is None}
    refused: set[str] = set()
    if not names:
        return refused, set()
    pool = ThreadPoolExecutor(max_workers=min(workers, len(names)),
                              thread_name_prefix="dns-screen")
    futures = {pool.submit(resolve_host, name, 443): name for name in names}
    unchecked = set(names)
    try:
        done, _late = wait(futures, timeout=budget)  # the late ones stay unchecked
        for future in done:
            name = futures[future]
            try:
                found = future.result()
            except (OSError, UnicodeError):
                continue  # does not resolve now: the poll will say so
            unchecked.discard(name)
            for text in found:
                try:
                    address = ipaddress.ip_address(text.split("%", 1)[0])
                except ValueError:
                    continue
                if not address_allowed(address, allow):
                    refused.add(name)
                    break
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return refused, unchecked - refused
