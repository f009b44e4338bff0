"""A feed server on loopback for the tests and the benchmark (http.server in a thread).

Routes map a path to a `Reply` (status, headers, body; optional ETag handling) or to a function
that writes the response itself (stalls, trickles, endless bodies). Every request is logged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    etag: str = ""  # answer 304 when the client sends it back
    content_type: str = "application/rss+xml; charset=utf-8"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, *args):  # keep test output clean
        pass

    def do_GET(self):  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        self.server.requests.append((path, dict(self.headers.items())))
        route = self.server.routes.get(path)
        if route is None:
            route = Reply(b"not found", 404, content_type="text/plain")
        try:
            if callable(route):
                route(self)
            else:
                self.send_reply(route)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def send_reply(self, reply: Reply):
        if reply.etag and self.headers.get("If-None-Match") == reply.etag:
            self.send_response(304)
            self.send_header("ETag", reply.etag)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(reply.status)
        headers = {"Content-Type": reply.content_type, **reply.headers}
        if reply.etag:
            headers["ETag"] = reply.etag
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, host: str = "127.0.0.1"):
        super().__init__((host, 0), _Handler)
        self.routes: dict[str, Reply | Callable[[_Handler], None]] = {}
        self.requests: list[tuple[str, dict]] = []
        self.stop = threading.Event()  # lets stalling handlers end at shutdown

    def handle_error(self, request, client_address):
        # Clients that hang up early (size caps, timeouts) are expected here, not errors.
        pass


class FeedServer:
    def __init__(self, host: str = "127.0.0.1"):
        self._server = _Server(host)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.stop.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def routes(self):
        return self._server.routes

    @property
    def requests(self):
        return self._server.requests

    @property
    def stopping(self) -> threading.Event:
        return self._server.stop

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, reply: Reply | Callable | bytes, **kwargs) -> str:
        if isinstance(reply, bytes):
            reply = Reply(reply, **kwargs)
        self.routes[path] = reply
        return self.url(path)


def rss(items: list[dict], title: str = "Testavis") -> bytes:
    """A small RSS 2.0 feed; item values are inserted as given (escape them yourself)."""
    parts = [f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
             f"<title>{title}</title><link>http://127.0.0.1/</link>"]
    for item in items:
        parts.append("<item>" + "".join(f"<{k}>{v}</{k}>" for k, v in item.items()) + "</item>")
    parts.append("</channel></rss>")
    return "".join(parts).encode("utf-8")
