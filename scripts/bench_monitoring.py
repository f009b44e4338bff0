"""Benchmark of media monitoring: a full poll cycle against feedparser alone, and matching.

    .venv/bin/python scripts/bench_monitoring.py [--feeds 1000] [--entries 50] [--terms 300]
        [--workers 8] [--processes N] [--database-url URL ...] [--both [PG_URL]]

Serves FEEDS generated RSS feeds of ENTRIES entries each (Norwegian text, 10% syndicated NTB
copies, each with an ETag) from a loopback feed server in a separate process, with TERMS watch
terms, on a fresh database per URL (a temporary SQLite file unless --database-url is given;
--both runs a temporary SQLite file and then PostgreSQL, by default the local test_poll
database; each database's tables are dropped and created again: give it one of its own). Prints, per database:
  1. one full poll cycle (fetch + parse + dedupe + match + store, all feeds new), and where
     its time went (store in the polling process; fetch and parse summed over the workers),
  2. the ratio to feedparser.parse alone on the same bytes, with its defaults (the goal is
     <= 0.5) and with our options,
  3. a second cycle with every feed unchanged (conditional GET: 304s) and its share of the
     first (the goal is <= 3%),
  4. CPU seconds (user + system) of each cycle: the polling process, its workers and, on
     PostgreSQL, the server process of its connection, and the first cycle's CPU against
     feedparser's (less affected by other work on the shared machine than wall time),
  5. the peak memory of the polling process (the goal is < 300 MB), of its worker processes
     (the highest sum of their resident memory, and of their proportional set size: shared
     pages counted once), and in sum. The cycles run in a process of their own, so the
     benchmark's own copies of the feeds do not count,
  6. matching throughput: our one-pass matcher against a loop of one regex per term form.
--profile FILE writes the first cycle's pyinstrument profile of the polling process to
FILE.<database>.txt. Only loopback traffic; bounded in size and time. Takes a few minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import re
import sys
import tempfile
import time
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test_poll"

FIRST = ["Jonas", "Erna", "Trygve", "Sylvi", "Kari", "Ola", "Åse", "Øystein", "Marit", "Per",
         "Ingvild", "Bjørnar", "Hadia", "Audun", "Kirsti", "Torbjørn", "Guri", "Espen", "Siv",
         "Anniken", "Knut", "Lan", "Ståle", "Tone", "Rasmus"]
LAST = ["Støre", "Solberg", "Vedum", "Listhaug", "Nordmann", "Hansen", "Ødegård", "Bergstø",
        "Moxnes", "Tajik", "Lysbakken", "Brenna", "Vestre", "Huitfeldt", "Gahr", "Åsland",
        "Lie", "Haugland", "Kjerkol", "Myrli", "Bjelland", "Eriksen", "Aasland", "Berg"]
ISSUES = ["bompenger", "formuesskatt", "strømpris", "sykehus", "eldreomsorg", "fiskeri",
          "forsvarsbudsjett", "barnehage", "skolemat", "kraftkrise", "jordbruksoppgjør",
          "pensjon", "boligbygging", "klimakutt", "samferdsel", "politireform"]
PARTIES = [("Arbeiderpartiet", "Arbeidarpartiet\nAp", "party"),
           ("Høyre", "Høgre", "competitor"), ("Fremskrittspartiet", "Framstegspartiet\nFrP",
                                              "competitor"),
           ("Senterpartiet", "Sp", "competitor"), ("Sosialistisk Venstreparti", "SV",
                                                   "competitor"),
           ("Rødt", "Raudt", "competitor"), ("Venstre", "", "competitor"),
           ("Kristelig Folkeparti", "Kristeleg Folkeparti\nKrF", "competitor"),
           ("Miljøpartiet De Grønne", "Miljøpartiet Dei Grøne\nMDG", "competitor")]
FILLER = ("Regjeringen la i dag fram forslaget for Stortinget, og opposisjonen reagerer kraftig. "
          "Saken har vært diskutert i komiteen i flere uker, men nå er det klart at flertallet "
          "vil stemme for. Ifølge kilder i departementet skal endringene tre i kraft fra nyttår, "
          "og kommunene må forberede seg på økte kostnader. ")


def make_terms(n: int) -> list[tuple[str, str, str, str]]:
    """(term, variants, group, case) for n watch terms."""
    rng = random.Random(7)
    terms = [(t, v, g, "sensitive" if t in ("Høyre", "Venstre", "Rødt") else "auto")
             for t, v, g in PARTIES]
    terms += [(issue, "", "issue", "auto") for issue in ISSUES]
    seen = {t for t, *_ in terms}
    while len(terms) < n:
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if len(terms) % 3 == 0:
            name = f"{rng.choice(FIRST)} {rng.choice(FIRST)} {rng.choice(LAST)}"
        if name not in seen:
            seen.add(name)
            terms.append((name, "", "politician", "auto"))
    return terms[:n]


def make_feeds(n_feeds: int, n_entries: int, terms) -> dict[str, tuple[bytes, str]]:
    """{path: (rss bytes, etag)}; 10% of the entries are NTB copies shared between feeds."""
    rng = random.Random(42)
    names = [t for t, *_ in terms]
    ntb = [(f"NTB: {rng.choice(names)} om {rng.choice(ISSUES)} ({i})", i) for i in range(400)]
    feeds = {}
    for f in range(n_feeds):
        items = []
        for e in range(n_entries):
            day = 1 + (f + e) % 20
            if rng.random() < 0.1:
                title, i = rng.choice(ntb)
                guid, link = f"https://avis{f}.no/ntb/{i}", f"https://avis{f}.no/ntb/{i}"
                day = 1 + i % 20
            else:
                who, what = rng.choice(names), rng.choice(ISSUES)
                title = f"{who} vil endre {what}" if rng.random() < 0.5 else \
                    f"Nytt om {what} i {rng.choice(LAST)}-saken ({f}.{e})"
                guid, link = f"urn:avis{f}:{e}", f"https://avis{f}.no/sak/{e}"
            body = FILLER * 3 + f"Mer om {rng.choice(names)}s utspill og {rng.choice(ISSUES)}."
            items.append(
                f"<item><title>{escape(title)}</title><link>{link}</link><guid>{guid}</guid>"
                f"<pubDate>Mon, {day:02d} Nov 2026 0{e % 10}:00:00 +0100</pubDate>"
                f"<author>red@avis{f}.no ({escape(rng.choice(FIRST))} {escape(rng.choice(LAST))})"
                f"</author><description>{escape('<p>' + body + '</p>')}</description></item>")
        xml = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
               f"<title>Avis {f}</title><link>https://avis{f}.no/</link>"
               + "".join(items) + "</channel></rss>")
        feeds[f"/feed/{f}.xml"] = (xml.encode("utf-8"), f'"v{f}"')
    return feeds


def serve(feeds, ready, stop):
    from tests.monitoring.feedserver import FeedServer, Reply
    with FeedServer() as server:
        for path, (body, etag) in feeds.items():
            server.add(path, Reply(body, etag=etag))
        ready.put(server.base)
        stop.wait()  # until the benchmark ends (a daemon: it ends with it)


def per_term_regex_loop(forms: list[tuple[str, bool]], texts: list[str]) -> float:
    patterns = [re.compile(r"(?<!\w)" + re.escape(f) + r"(?:s|'s|')?(?!\w)",
                           0 if cs else re.IGNORECASE) for f, cs in forms]
    started = time.perf_counter()
    for text in texts:
        for pattern in patterns:
            for _ in pattern.finditer(text):
                pass
    return time.perf_counter() - started


def _app(url: str, processes: int | None):
    from crm import create_app
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
              "CRM_MONITORING_REMATCH_DAYS": 0, "CRM_DEFAULT_LANGUAGE": "en",
              # The bench's feed server is on loopback, which is refused by default.
              "CRM_FEED_ALLOW_NETWORKS": ("127.0.0.0/8",)}
    if processes is not None:
        config["CRM_FEED_PROCESSES"] = processes
    return create_app(config)


def _backend_pid() -> int | None:
    """The PostgreSQL server process serving this session (its CPU counts too), or None."""
    from crm.extensions import db
    if db.session.get_bind().dialect.name != "postgresql":
        return None
    return db.session.scalar(db.text("SELECT pg_backend_pid()"))


def poll_cycles(url: str, workers: int, processes: int | None, results,
                profile: str = "") -> None:
    """In a process of its own: two poll cycles; figures back through `results`.

    CPU seconds (user + system) are counted per cycle for this process, its worker processes
    and, on PostgreSQL, the server process of its connection: less affected than wall time
    by other work on the machine. With `profile`, the first cycle's pyinstrument profile
    (of this process) is written to that file."""
    import resource

    from crm.extensions import db
    from crm.monitoring import services
    from crm.monitoring.models import Feed
    from crm.monitoring.workers import cpu_seconds
    from crm.timeutil import utcnow

    def own_cpu() -> float:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime

    with _app(url, processes).app_context():
        figures = {}
        for name in ("first", "second"):
            if name == "second":
                db.session.execute(db.update(Feed).values(next_poll_at=utcnow()))
                db.session.commit()
            backend = _backend_pid()
            db.session.commit()
            server_cpu = cpu_seconds(backend) if backend else 0.0
            # Loaded after the commit, as the scheduler's job does: a commit in between would
            # expire them, and reading their settings would cost a query per feed.
            feeds = services.due_feeds()
            profiler = None
            if profile and name == "first":
                from pyinstrument import Profiler
                profiler = Profiler(interval=0.005)
                profiler.start()
            started, cpu = time.perf_counter(), own_cpu()
            summary = services.poll_feeds(feeds, workers=workers)
            seconds, cpu = time.perf_counter() - started, own_cpu() - cpu
            if profiler is not None:
                profiler.stop()
                Path(profile).write_text(profiler.output_text(unicode=True, color=False,
                                                              show_all=False))
            if backend:  # the same connection, if the pool kept it (checked)
                same = _backend_pid() == backend
                db.session.commit()
                server_cpu = cpu_seconds(backend) - server_cpu if same else float("nan")
            pool = summary.pool
            figures[name] = {
                "seconds": seconds, "summary": str(summary),
                "store": summary.store_seconds, "parse": summary.parse_seconds,
                "fetch": summary.fetch_seconds,
                "cpu_parent": cpu, "cpu_workers": pool.cpu_seconds_children if pool else 0.0,
                "cpu_server": server_cpu,
                "children_rss": pool.peak_rss_children if pool else 0,
                "children_pss": pool.peak_pss_children if pool else 0,
                "replaced": pool.workers_replaced if pool else 0}
        figures["parent_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        results.put(figures)


def parse_alone(bodies: list[bytes], sample_share: int = 4) -> tuple[float, float, float]:
    """(feedparser.parse with its defaults, with our options, CPU seconds with its defaults)
    over `bodies`, in seconds, in one process, from every `sample_share`-th feed, scaled up
    (the feeds are alike)."""
    import feedparser

    headers = {"content-type": "application/rss+xml; charset=utf-8"}
    sample = bodies[::sample_share]
    started, cpu = time.perf_counter(), time.process_time()
    for body in sample:
        feedparser.parse(io.BytesIO(body), response_headers=headers)
    defaults = (time.perf_counter() - started) * len(bodies) / len(sample)
    defaults_cpu = (time.process_time() - cpu) * len(bodies) / len(sample)
    started = time.perf_counter()
    for body in sample:
        feedparser.parse(io.BytesIO(body), response_headers=headers,
                         sanitize_html=False, resolve_relative_uris=False)
    ours = (time.perf_counter() - started) * len(bodies) / len(sample)
    print(f"feedparser.parse alone, from a {len(sample)}-feed sample: {defaults:.2f} s with its "
          f"defaults ({defaults_cpu:.2f} s CPU), {ours:.2f} s with sanitize_html=False, "
          f"resolve_relative_uris=False")
    return defaults, ours, defaults_cpu


def prepare(url: str, base: str, feeds, terms) -> None:
    from crm.extensions import db
    from crm.monitoring.mentions import TermData, save_term
    from crm.monitoring.models import Feed

    with _app(url, None).app_context():
        # A bench database of its own: built afresh, so a schema from an older checkout
        # (fewer columns) cannot fail the run.
        db.drop_all()
        db.create_all()
        for term, variants, group, case in terms:
            save_term(None, TermData(term, group, variants, case_mode=case), days=0)
        db.session.add_all(Feed(url=base + path, name=path, next_poll_at=None) for path in feeds)
        db.session.commit()


def mb(size: int) -> str:
    return f"{size / 1024 / 1024:6.0f} MB"


def report(label: str, figures: dict, defaults: float, ours: float, defaults_cpu: float
           ) -> None:
    first, second = figures["first"], figures["second"]
    cycle = first["seconds"]
    print(f"\n== {label}")
    print(f"1. Full poll cycle:            {cycle:8.2f} s   ({first['summary']})")
    print(f"   in the polling process, storing (dedupe, match, SQL, commits): "
          f"{first['store']:.2f} s; in the workers, summed over feeds: parse "
          f"{first['parse']:.2f} s, fetch {first['fetch']:.2f} s; workers replaced: "
          f"{first['replaced']}")
    print(f"2. ratio cycle / feedparser defaults: {cycle / defaults:6.2f}   (goal <= 0.5; "
          f"feedparser alone {defaults:.2f} s with defaults, {ours:.2f} s with our options: "
          f"ratio {cycle / ours:.2f})")
    print(f"3. Second cycle, unchanged:    {second['seconds']:8.2f} s = "
          f"{100 * second['seconds'] / cycle:.1f}% of the first (goal <= 3%)   "
          f"({second['summary']})")
    for name, cycle_figures in (("first", first), ("second", second)):
        cpu = (cycle_figures["cpu_parent"], cycle_figures["cpu_workers"],
               cycle_figures["cpu_server"])
        server = f", database server {cpu[2]:.2f} s" if cpu[2] else ""
        print(f"   CPU (user + system), {name} cycle: {sum(c for c in cpu if c == c):.2f} s = "
              f"polling process {cpu[0]:.2f} s, workers {cpu[1]:.2f} s{server}")
    first_cpu = sum(c for c in (first["cpu_parent"], first["cpu_workers"], first["cpu_server"])
                    if c == c)
    print(f"   CPU ratio, first cycle / feedparser defaults: {first_cpu / defaults_cpu:.2f} "
          f"(less affected by other work on the machine than the wall-time ratio)")
    children = max(first["children_rss"], second["children_rss"])
    children_pss = max(first["children_pss"], second["children_pss"])
    parent = figures["parent_rss"]
    print(f"4. Peak memory: polling process {mb(parent)}, workers {mb(children)} (PSS "
          f"{mb(children_pss).strip()}), sum {mb(parent + children).strip()} (with PSS "
          f"{mb(parent + children_pss).strip()}; goal < 300 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--terms", type=int, default=300)
    parser.add_argument("--workers", type=int, default=8)
    parser.add_argument("--processes", type=int, default=None,
                        help="worker processes (default CRM_FEED_PROCESSES or the cores; "
                             "0: threads in the polling process)")
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument("--profile", default="",
                        help="write the first cycle's pyinstrument profile of the polling "
                             "process to PROFILE.<database>.txt")
    parser.add_argument("--both", nargs="?", const=PG_DEFAULT, default="",
                        help="a temporary SQLite database, then this PostgreSQL one")
    args = parser.parse_args()
    if not (1 <= args.feeds <= 5000 and 1 <= args.entries <= 500 and 1 <= args.terms <= 5000):
        parser.error("feeds 1..5000, entries 1..500, terms 1..5000")

    from crm.extensions import db
    from crm.monitoring.matching import Matcher, clean_form, is_case_sensitive
    from crm.monitoring.models import Article, Mention, WatchTerm
    from crm.monitoring.store import term_spec

    terms = make_terms(args.terms)
    feeds = make_feeds(args.feeds, args.entries, terms)
    total_bytes = sum(len(b) for b, _ in feeds.values())
    print(f"{args.feeds} feeds x {args.entries} entries ({total_bytes / 1e6:.1f} MB), "
          f"{len(terms)} watch terms, {args.workers} concurrent fetches, "
          f"{os.cpu_count()} cores")

    ctx = multiprocessing.get_context("fork")
    ready, stop = ctx.Queue(), ctx.Event()
    server = ctx.Process(target=serve, args=(feeds, ready, stop), daemon=True)
    server.start()
    base = ready.get(timeout=120)

    tmp = tempfile.TemporaryDirectory()
    sqlite = "sqlite:///" + os.path.join(tmp.name, "bench.sqlite3")
    urls = list(args.database_url) or [sqlite]
    if args.both:
        urls = [sqlite, args.both]
    try:
        defaults, ours, defaults_cpu = parse_alone([b for b, _ in feeds.values()])
        spawn = multiprocessing.get_context("spawn")
        for url in urls:
            prepare(url, base, feeds, terms)
            results = spawn.Queue()
            label = url.split(":", 1)[0].split("+")[0]
            profile = f"{args.profile}.{label}.txt" if args.profile else ""
            poller = spawn.Process(target=poll_cycles,
                                   args=(url, args.workers, args.processes, results, profile))
            poller.start()
            figures = results.get(timeout=3600)
            poller.join(60)
            report(label + f" ({url.rsplit('/', 1)[-1]})",
                   figures, defaults, ours, defaults_cpu)
        with _app(urls[-1], None).app_context():
            rows = db.session.execute(db.select(Article.title, Article.summary)).all()
            texts = [t for row in rows for t in row if t]
            megabytes = sum(len(t.encode()) for t in texts) / 1e6
            term_rows = db.session.scalars(db.select(WatchTerm)).all()
            matcher = Matcher([term_spec(t) for t in term_rows])
            started = time.perf_counter()
            hits = sum(len(matcher.find(t)) for t in texts)
            ours = time.perf_counter() - started
            forms = [(clean_form(f), is_case_sensitive(clean_form(f), t.case_mode))
                     for t in term_rows for f in t.forms]
            sample_texts = texts[: max(1, len(texts) // 10)]
            loop = per_term_regex_loop(forms, sample_texts) * len(texts) / len(sample_texts)
            print(f"\n5. Matching {len(texts)} texts ({megabytes:.1f} MB), {len(forms)} forms, "
                  f"{hits} hits:")
            print(f"   one pass (trie regex):      {ours:8.2f} s   "
                  f"{megabytes / ours:6.1f} MB/s  {len(texts) / ours:9.0f} texts/s")
            print(f"   loop of per-term regexes:   {loop:8.2f} s   "
                  f"{megabytes / loop:6.1f} MB/s  {len(texts) / loop:9.0f} texts/s "
                  f"(from a 10% sample)")
            print(f"   speed-up:                   {loop / ours:8.1f} x")
            mentions = db.session.scalar(db.select(db.func.count(Mention.id)))
            print(f"\nStored {len(rows)} articles, {mentions} mentions.")
    finally:
        stop.set()
        server.join(timeout=10)
        tmp.cleanup()


if __name__ == "__main__":
    main()
