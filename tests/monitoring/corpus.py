"""Serving feedparser's test corpus (../shared/feeds) from the loopback feed server.

Each file is served at /tests/<folder>/<file>, with its `Header:` lines as response headers
(Status, Location, Content-Type, ETag ...); redirects to feedparser's own test host
(localhost:8097) are pointed at our server; compression/ files get the Content-Encoding their
extension names, as in feedparser's own test server.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.monitoring.feedserver import FeedServer, Reply

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "feeds"
_HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+)\s*:\s*(.*?)\s*$", re.MULTILINE)


def corpus_files() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*")
                  if p.is_file() and p.name not in ("README.md", "LICENSE"))


def reply_for(path: Path, base: str) -> Reply:
    data = path.read_bytes()
    rel = path.relative_to(CORPUS).as_posix()
    headers: dict[str, str] = {}
    status = 200
    content_type = "application/xml"
    if rel.startswith("compression/"):
        headers["Content-Encoding"] = "gzip" if path.suffix == ".gz" else "deflate"
    else:
        for name, value in _HEADER.findall(data[:4000]):
            name, value = name.decode("ascii"), value.decode("latin-1")
            if name.lower() == "status":
                status = int(value)
            elif name.lower() == "content-type":
                content_type = value
            else:
                headers[name] = value.replace("http://localhost:8097", base)
    etag = headers.pop("ETag", "")
    return Reply(data, status=status, headers=headers, etag=etag, content_type=content_type)


def serve_corpus(server: FeedServer) -> dict[str, Path]:
    """Register every corpus file; returns {url: file}."""
    urls = {}
    for path in corpus_files():
        route = "/tests/" + path.relative_to(CORPUS).as_posix()
        urls[server.add(route, reply_for(path, server.base))] = path
    server.add("/-/return-304.xml", Reply(status=304))
    return urls
