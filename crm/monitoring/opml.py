"""OPML import and export of the feed list.

An uploaded OPML file is untrusted XML: files with a DOCTYPE (the road to entity expansion and
external entities) are refused before parsing, and the size is capped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from crm.errors import UserError
from crm.extensions import db
from crm.messages import Message, msg
from crm.monitoring.fetch import (
    FetchError,
    check_destination,
    check_url,
    local_address_refused,
    screen_hosts,
)
from crm.monitoring.models import Feed
from crm.monitoring.services import FeedData, allowed_networks, new_feed
from crm.text import normalise_space
from crm.timeutil import utcnow

MAX_OPML_BYTES = 2 * 1024 * 1024
MAX_OUTLINES = 5000
DNS_BUDGET = 10.0  # seconds for resolving all of an import's host names


class OpmlError(UserError):
    """The file is not an OPML feed list we accept."""

    def __init__(self, message):
        super().__init__(message, field="file")


@dataclass
class OpmlFeed:
    url: str
    name: str
    category: str = ""


@dataclass
class ImportResult:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already there
    invalid: list[tuple[str, Message]] = field(default_factory=list)  # (url, reason)
    unchecked: int = 0  # added, but the host name could not be looked up in time


def read_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds listed in an OPML document (outlines with an xmlUrl, folders flattened)."""
    if not data or not data.strip():
        raise OpmlError(msg("The file is empty."))
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError(msg("The file is too large for an OPML feed list."))
    head = data[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in data.lower():
        raise OpmlError(msg("OPML files with a DOCTYPE or entities are not accepted."))
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise OpmlError(msg("This is not a valid OPML file (%(detail)s).",
                            detail=str(exc)[:200])) from None
    if root.tag.lower() != "opml":
        raise OpmlError(msg("This is not an OPML file."))
    feeds: list[OpmlFeed] = []

    def walk(node, category: str):
        for outline in node.findall("outline"):
            url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
            name = (outline.get("title") or outline.get("text") or "").strip()
            if url:
                feeds.append(OpmlFeed(url, name, category))
            else:
                walk(outline, name or category)
            if len(feeds) > MAX_OUTLINES:
                raise OpmlError(msg("The file lists more than %(max)d feeds.", max=MAX_OUTLINES))

    body = root.find("body")
    if body is None:
        raise OpmlError(msg("The OPML file has no body."))
    walk(body, "")
    return feeds


def import_opml(data: bytes, dns_budget: float = DNS_BUDGET) -> ImportResult:
    """Add the feeds of an OPML file (not fetched now: they are polled on the next cycle).

    A folder or feed title that names an organisation links the feed to it. Up to 5,000 URLs
    cost one query for the known URLs, one for the organisations and one commit: the scheme,
    a host written as an address and duplicates are checked for all of them; the distinct host
    names are resolved in a small thread pool within `dns_budget` seconds, and names that
    resolve to a refused address are not added. Names not resolved in time are added (counted
    in `unchecked`): the check at every poll is the one that counts.
    """
    from crm.contacts.models import Organisation

    organisations = {o.name.casefold(): o.id for o in db.session.scalars(db.select(Organisation))}
    result = ImportResult()
    existing = set(db.session.scalars(db.select(Feed.url)))
    allow = allowed_networks()
    candidates: list[tuple[str, str, OpmlFeed]] = []  # (url as stored, host, item)
    for item in read_opml(data):
        try:
            parsed = check_url(item.url)
            url = str(parsed)
            if len(url) > 2000:
                raise FetchError(msg("The URL is too long."))
            check_destination(parsed, allow)
        except FetchError as exc:
            result.invalid.append((item.url[:200], exc.msg))
            continue
        if url in existing or item.url in existing:
            result.skipped.append(item.url)
            continue
        existing.add(url)
        candidates.append((url, parsed.host, item))
    refused, unchecked = screen_hosts({host for _url, host, _item in candidates}, allow,
                                      budget=dns_budget)
    for url, host, item in candidates:
        if host in refused:
            result.invalid.append((item.url[:200], local_address_refused()))
            continue
        org_id = organisations.get(item.category.casefold()) or \
            organisations.get(item.name.casefold())
        db.session.add(new_feed(FeedData(url, normalise_space(item.name)[:200], org_id)))
        result.added.append(url)
        result.unchecked += host in unchecked
        if len(result.added) % 500 == 0:
            db.session.flush()
    db.session.commit()
    return result


def export_opml() -> bytes:
    """Every feed as OPML 2.0, in folders by organisation."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "Pressdesk feeds"
    ET.SubElement(head, "dateCreated").text = utcnow().strftime("%a, %d %b %Y %H:%M:%S GMT")
    body = ET.SubElement(root, "body")
    folders: dict[str, ET.Element] = {}
    feeds = db.session.scalars(db.select(Feed).order_by(Feed.name, Feed.id)).all()
    for feed in feeds:
        parent = body
        if feed.organisation is not None:
            name = feed.organisation.name
            if name not in folders:
                folders[name] = ET.SubElement(body, "outline", text=name, title=name)
            parent = folders[name]
        ET.SubElement(parent, "outline", type="rss", text=feed.name, title=feed.name,
                      xmlUrl=feed.url)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
