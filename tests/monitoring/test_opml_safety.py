"""OPML import with the default address rule: 5,000 URLs checked in one bounded pass."""

from __future__ import annotations

import time

from crm.extensions import db
from crm.monitoring import fetch as fetch_module
from crm.monitoring.models import Feed
from crm.monitoring.opml import import_opml


def _opml(urls: list[str]) -> bytes:
    outlines = "".join(f'<outline text="F{i}" xmlUrl="{url}"/>' for i, url in enumerate(urls))
    return (f'<?xml version="1.0"?><opml version="2.0"><head/><body>{outlines}</body></opml>'
            ).encode()


def test_an_import_of_5000_urls_refuses_local_ones_and_stays_bounded(app, monkeypatch):
    app.config["CRM_FEED_ALLOW_NETWORKS"] = ()  # the defaults
    answers = {"intern.example.no": ["10.0.0.7"], "rebind.example.no": ["127.0.0.1"],
               "mixed.example.no": ["93.184.216.34", "169.254.169.254"]}
    asked = []

    def resolve(host, port):
        asked.append(host)
        if host.startswith("slow"):
            time.sleep(5)
        return answers.get(host, ["93.184.216.34"])

    monkeypatch.setattr(fetch_module, "resolve_host", resolve)
    local = ["http://127.0.0.1:5432/", "http://[::1]:6379/", "http://127.1/feed",
             "http://2130706433/", "http://0x7f000001/", "http://169.254.169.254/latest/",
             "http://10.1.2.3/rss", "http://localhost/rss", "http://[::ffff:127.0.0.1]/"]
    named = ["https://intern.example.no/rss", "https://rebind.example.no/rss",
             "https://mixed.example.no/rss", "https://slow.example.no/rss"]
    public = [f"https://avis{i % 400}.example.no/rss/{i}" for i in range(5000 - len(local)
                                                                          - len(named))]
    started = time.monotonic()
    result = import_opml(_opml(local + named + public), dns_budget=2)
    took = time.monotonic() - started
    refused = {url for url, _reason in result.invalid}
    assert set(local) <= refused and set(named[:3]) <= refused
    assert all("public internet" in str(reason) for _url, reason in result.invalid)
    assert len(result.added) == len(public) + 1 and result.unchecked == 1  # the slow one
    assert db.session.scalar(db.select(db.func.count(Feed.id))) == len(result.added)
    assert len(asked) == len(set(asked)) == 400 + 4  # each name once, no literal looked up
    print(f"5,000-URL import: {took:.1f} s")  # a figure, not a limit


def test_an_allowed_network_is_imported(app, monkeypatch):
    app.config["CRM_FEED_ALLOW_NETWORKS"] = ("10.0.0.0/8",)
    monkeypatch.setattr(fetch_module, "resolve_host", lambda host, port: ["10.0.0.7"])
    result = import_opml(_opml(["https://intranett.partiet.no/rss", "http://10.2.3.4/rss",
                                "http://127.0.0.1/rss"]))
    assert len(result.added) == 2 and [u for u, _ in result.invalid] == ["http://127.0.0.1/rss"]
