"""Fetching a feed over HTTP with hard limits; feedparser never touches the network.

feedparser's own fetching has no timeout and no size cap (feedparser issues #76, #105, #263,
#339; its maintainer advises fetching with an HTTP client and handing the bytes to `parse()`),
so we fetch here with httpx and hand the bytes over. Limits: connect and read timeouts plus an overall deadline, a
cap on the body both as sent and after decompression (checked while streaming, so a 50 MB body
or a gzip bomb costs at most the cap in memory), a redirect limit, only http and https (on every
hop), and conditional GET (ETag / Last-Modified) so that unchanged feeds cost one small request.
Safe to call from several threads with one shared client.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime

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


def make_client(limits: FetchLimits = DEFAULT_LIMITS,
                max_connections: int = 10) -> httpx.Client:
    """One client per poll cycle, shared by the fetching threads (httpx allows that)."""
    return httpx.Client(
        timeout=httpx.Timeout(limits.read_timeout, connect=limits.connect_timeout),
        limits=httpx.Limits(max_connections=max_connections,
                            max_keepalive_connections=max_connections),
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
    try:
        result = _fetch(client, url, etag, last_modified, limits, started)
    finally:
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
        except httpx.ConnectTimeout:
            raise FetchError(msg("Timed out connecting to %(host)s.", host=current.host)) \
                from None
        except httpx.ReadTimeout:
            raise FetchError(msg("The server stopped sending (no data for %(seconds)s s).",
                                 seconds=f"{limits.read_timeout:g}")) from None
        except httpx.TimeoutException:
            raise FetchError(msg("The request timed out.")) from None
        except httpx.ConnectError as exc:
            raise FetchError(msg("Could not connect to %(host)s: %(reason)s.",
                                 host=current.host, reason=_reason(exc))) from None
        except (httpx.RemoteProtocolError, httpx.LocalProtocolError) as exc:
            raise FetchError(msg("The server broke the HTTP protocol: %(reason)s.",
                                 reason=_reason(exc))) from None
        except httpx.HTTPError as exc:
            raise FetchError(msg("HTTP error: %(reason)s.", reason=_reason(exc))) from None
        except (OSError, ValueError) as exc:  # e.g. an unresolvable or malformed host
            raise FetchError(msg("Network error: %(reason)s.", reason=_reason(exc))) from None
    raise FetchError(msg("Too many redirects (more than %(max)d).", max=limits.max_redirects))


def _read_body(response: httpx.Response, headers: dict[str, str], limits: FetchLimits,
               started: float) -> bytes:
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise FetchError(msg("The feed is too large (%(size)s; the limit is %(limit)s).",
                             size=_megabytes(int(declared)), limit=_megabytes(limits.max_bytes)))
    inflater = Inflater(headers.get("content-encoding", ""), limits.max_bytes)
    received = 0
    for chunk in response.iter_raw():  # as received: a chunk size would wait to fill it
        received += len(chunk)
        if received > limits.max_bytes:
            raise FetchError(msg("The feed is larger than the limit of %(limit)s.",
                                 limit=_megabytes(limits.max_bytes)))
        if time.monotonic() - started > limits.deadline:
            raise FetchError(msg("The download took longer than %(seconds)s s.",
                                 seconds=f"{limits.deadline:g}"))
        inflater.feed(chunk)
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
