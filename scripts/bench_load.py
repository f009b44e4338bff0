"""Load test: N logged-in clients against gunicorn, as an office uses Pressdesk on a busy morning.

Fills a database with --contacts demo contacts (bulk inserts; the code behind
`crm demo-data`) unless it has them already, starts gunicorn on it exactly as ./scripts/run
does (--workers, --threads), logs in --clients editors (one per client, through the login form
with its CSRF token) and lets each loop for --seconds over a realistic mix: contact list pages,
searches, contact pages, the mentions page and interactions logged by POST (form fetched first,
CSRF included). It prints requests per second, errors, p50/p95/p99 (all and per kind), and
writes stored (counted in the database afterwards) against writes acknowledged (a redirect to
the new interaction).

    .venv/bin/python scripts/bench_load.py                      # PostgreSQL, 100,000 contacts
    .venv/bin/python scripts/bench_load.py --sqlite              # SQLite file instead
    .venv/bin/python scripts/bench_load.py --clients 20 --seconds 20 --contacts 10000
    .venv/bin/python scripts/bench_load.py --database-url postgresql+psycopg://u@host/db

The default PostgreSQL database is pressdesk_bench_load beside --admin-url's (created if
missing, kept between runs so the register is built once; --rebuild starts it afresh). The
login limit is switched off for the run (CRM_RATELIMIT_ENABLED=0): 50 clients from one address.
The load generator runs on the same machine and takes CPU from the server: compare runs made
alike.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from sqlalchemy import create_engine, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from crm import create_app, gunicorn_conf  # noqa: E402
from crm.extensions import db  # noqa: E402

FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
PASSWORD = "bench load passphrase 2026"
MIX = [  # (kind, weight)
    ("contact list", 25), ("search", 25), ("contact page", 25), ("mentions", 12),
    ("log interaction", 13)]
SURNAMES = ["Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
            "Kristiansen", "Jensen", "Karlsen", "Haugland", "Ødegård", "Sæther", "Bråthen",
            "Haugen", "Solberg", "Dahl", "Berg", "Strand", "Lie"]


# The database ---------------------------------------------------------------------------------

def prepare_database(url: str, contacts: int, rebuild: bool, clients: int) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
    with app.app_context():
        from crm.auth.models import User
        from crm.auth.services import create_user
        from crm.contacts.models import Contact
        from crm.demo.generate import generate_demo

        if rebuild:
            db.drop_all()
        db.create_all()
        stale = _missing_columns()
        if stale:  # create_all adds tables, not columns: a database filled by older code
            raise SystemExit(f"the database lacks columns the app now has ({', '.join(stale[:5])}"
                             f"): run again with --rebuild")
        have = db.session.scalar(select(func.count(Contact.id)))
        if have < contacts:
            started = time.perf_counter()
            generate_demo(contacts=contacts - have, progress=_progress)
            print(f"  {contacts - have} contacts loaded in "
                  f"{time.perf_counter() - started:.1f} s", file=sys.stderr)
        for i in range(clients):
            email = f"bench-{i}@example.org"
            if db.session.scalar(select(User.id).where(User.email == email)) is None:
                create_user(email, PASSWORD, role="editor", name=f"Bench {i}")
        db.session.commit()
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql"
                              else "ANALYZE"))
        db.engine.dispose()


def _missing_columns() -> list[str]:
    from sqlalchemy import inspect
    inspector = inspect(db.engine)
    return [f"{table.name}.{column}" for table in db.metadata.sorted_tables
            for column in sorted(set(table.c.keys()) - {c["name"] for c in
                                                         inspector.get_columns(table.name)})]


def _progress(what: str, done: int, total: int) -> None:
    print(f"  {what} {done}/{total}", file=sys.stderr, end="\r" if done < total else "\n")


def ensure_postgres_database(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def sample(url: str) -> dict:
    """What the clients pick from: contact ids, surnames that exist, the staff id."""
    engine = create_engine(url)
    with engine.connect() as conn:
        low, high = conn.execute(text("SELECT min(id), max(id) FROM contact")).one()
        total = conn.scalar(text("SELECT count(*) FROM contact"))
    engine.dispose()
    return {"low": low, "high": high, "pages": max(1, min(total // 50, 200))}


def count_stored(url: str, marker: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        stored = conn.scalar(text("SELECT count(*) FROM interaction WHERE subject LIKE :m"),
                             {"m": f"{marker}%"})
    engine.dispose()
    return stored


# The server -----------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(url: str, port: int, workers: int, threads: int, log) -> subprocess.Popen:
    env = {**os.environ, "CRM_DATABASE_URL": url, "CRM_SECRET_KEY": "bench-" + "x" * 32,
           "CRM_RATELIMIT_ENABLED": "0", "CRM_SMTP_URL": "smtp://127.0.0.1:1?timeout=2"}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # As ./scripts/run serves (crm/gunicorn_conf.py, its timeouts, an access log), the log
    # going to a file instead of the terminal.
    process = subprocess.Popen(
        [str(gunicorn), "crm:create_app()", "-c", "python:crm.gunicorn_conf",
         "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
         "--timeout", "60", "--graceful-timeout", "30", "--keep-alive", "75",
         "--no-control-socket", "--access-logfile", "-", "--error-logfile", "-"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


# The clients ----------------------------------------------------------------------------------

class FormParser(HTMLParser):
    """The fields of the first <form method=post> that posts to its own page (no action), as a
    browser would submit them (checked boxes, selected options, no submit buttons)."""

    def __init__(self):
        super().__init__()
        self.inside, self.fields = False, []
        self._select: str | None = None
        self._first_option: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self.done = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and not self.done and "action" not in a and \
                (a.get("method") or "").lower() == "post":
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._first_option, self._selected = name, None, False
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in a and not self._selected:
                self.fields.append((self._select, value))
                self._selected = True
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields.append((name, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.fields[-1]
            self.fields[-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            if not self._selected and self._first_option is not None:
                self.fields.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def form_fields(html: str) -> list[tuple[str, str]]:
    parser = FormParser()
    parser.feed(html)
    return parser.fields


class Results:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_samples: list[str] = []
        self.acknowledged = 0
        self.finished: list[tuple[float, float]] = []  # (monotonic end, seconds) per request

    def record(self, kind: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[kind].append(seconds)
            self.finished.append((time.monotonic(), seconds))
            if not ok:
                self.errors[kind] += 1
                if len(self.error_samples) < 10:
                    self.error_samples.append(f"{kind}: {detail}")


class Http:
    """One client's keep-alive connection with its cookies: http.client, not httpx, because
    the load generator shares the server's two cores and httpx cost it about twice the CPU
    per request (1.2 against 0.7 ms with the form parsing; the generator's own CPU is printed
    with the results)."""

    def __init__(self, base: str, timeout: float = 60):
        parts = urlsplit(base)
        self.host, self.port, self.timeout = parts.hostname, parts.port, timeout
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}

    def request(self, method: str, url: str, params=None, content: str | None = None,
                headers: dict | None = None, data: dict | None = None) -> Reply:
        if params:
            url += "?" + urlencode(params)
        if data is not None:
            content, headers = urlencode(data), {**(headers or {}), **FORM_HEADERS}
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = content.encode() if content is not None else None
        for attempt in (1, 2):  # a kept-alive connection the server closed: once more
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port,
                                                             timeout=self.timeout)
            try:
                self.connection.request(method, url, body=body, headers=sent)
                response = self.connection.getresponse()
                reply = Reply(response.status, response.headers, response.read())
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.connection.close()
                self.connection = None
                if attempt == 2:
                    raise
        for header in reply.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel["expires"].startswith("Thu, 01 Jan 1970"):
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if reply.headers.get("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        return reply

    def get(self, url: str, **kwargs) -> Reply:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs) -> Reply:
        return self.request("POST", url, **kwargs)


class Reply:
    def __init__(self, status: int, headers, body: bytes):
        self.status_code, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    def __init__(self, base: str, index: int, data: dict, results: Results, marker: str):
        self.http = Http(base)
        self.index, self.data, self.results, self.marker = index, data, results, marker
        self.random = random.Random(index)
        self.writes = 0

    def login(self) -> None:
        page = self.http.get("/login").text
        fields = dict(form_fields(page))
        fields.update(email=f"bench-{self.index}@example.org", password=PASSWORD)
        response = self.http.post("/login", data=fields)
        if response.status_code != 302:
            raise SystemExit(f"client {self.index}: login failed ({response.status_code})")

    def timed(self, kind: str, method: str, url: str, expect=(200,), **kwargs):
        started = time.perf_counter()
        try:
            response = self.http.request(method, url, **kwargs)
        except (OSError, http.client.HTTPException) as exc:
            self.results.record(kind, time.perf_counter() - started, False,
                                f"{url}: {type(exc).__name__}")
            return None
        ok = response.status_code in expect
        self.results.record(kind, time.perf_counter() - started, ok,
                            f"{method} {url}: {response.status_code}")
        return response if ok else None

    def contact_id(self) -> int:
        return self.random.randint(self.data["low"], self.data["high"])

    def step(self) -> None:
        kind = self.random.choices([k for k, _ in MIX], [w for _, w in MIX])[0]
        if kind == "contact list":
            page = min(int(self.random.expovariate(1 / 5)) + 1, self.data["pages"])
            self.timed(kind, "GET", f"/contacts?page={page}")
        elif kind == "search":
            term = self.random.choice(SURNAMES)
            if self.random.random() < 0.3:
                term = term[:self.random.randint(2, 4)]
            self.timed(kind, "GET", "/contacts", params={"q": term})
        elif kind == "contact page":
            self.timed(kind, "GET", f"/contacts/{self.contact_id()}", expect=(200, 404))
        elif kind == "mentions":
            self.timed(kind, "GET", "/monitoring/")
        else:
            self.log_interaction()

    def log_interaction(self) -> None:
        contact = self.contact_id()
        form = self.timed("interaction form", "GET", f"/interactions/new?contact={contact}")
        if form is None:
            return
        fields = [(k, v) for k, v in form_fields(form.text)
                  if k not in ("subject", "notes")]
        self.writes += 1
        fields += [("subject", f"{self.marker} {self.index}-{self.writes}"),
                   ("notes", "Ringte om statsbudsjettet; vil ha kommentar før kl. 15.")]
        response = self.timed("log interaction", "POST", "/interactions/new", expect=(302,),
                              content=urlencode(fields), headers=FORM_HEADERS)
        if response is not None and "/interactions/" in response.headers.get("location", ""):
            with self.results.lock:
                self.results.acknowledged += 1

    def run(self, until: float) -> None:
        while time.monotonic() < until:
            self.step()


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(results: Results, seconds: float, stored: int, generator_cpu: float) -> None:
    every = [t for times in results.times.values() for t in times]
    errors = sum(results.errors.values())
    print(f"\n{len(every)} requests in {seconds:.1f} s: {len(every) / seconds:.1f} requests/s, "
          f"{errors} errors")
    print(f"{'':20} {'count':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    rows = sorted(results.times.items()) + [("all", every)]
    for kind, times in rows:
        errs = errors if kind == "all" else results.errors.get(kind, 0)
        print(f"{kind:20} {len(times):7d} {percentile(times, 50) * 1000:8.0f} "
              f"{percentile(times, 95) * 1000:8.0f} {percentile(times, 99) * 1000:8.0f} "
              f"{errs:7d}")
    print(f"writes acknowledged {results.acknowledged}, stored {stored}"
          + ("" if stored == results.acknowledged else "  <-- MISMATCH"))
    if results.finished:  # the run in slices of 10 s: a slow stretch of the machine shows here
        start = min(end - took for end, took in results.finished)
        slices = defaultdict(list)
        for end, took in results.finished:
            slices[int((end - start) // 10)].append(took)
        print("per 10 s: " + ", ".join(
            f"{len(v) / 10:.0f}/s p95 {percentile(v, 95):.2f}s" for k, v in sorted(slices.items())
            if (k + 1) * 10 <= seconds + 0.5))
    print(f"the load generator's own CPU: {generator_cpu:.1f} s "
          f"({generator_cpu / max(len(every), 1) * 1000:.2f} ms per request), taken from the "
          "server's cores")
    for sample_error in results.error_samples:
        print("  error:", sample_error)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=gunicorn_conf.workers,
                        help="default as ./scripts/run: CRM_WEB_WORKERS or two per core")
    parser.add_argument("--threads", type=int, default=gunicorn_conf.threads,
                        help="default as ./scripts/run: CRM_WEB_THREADS or 1 (above 1: gthread)")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead")
    parser.add_argument("--database-url", help="use this database (filled if it lacks data)")
    parser.add_argument("--admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/"
                        "postgres", help="where to create pressdesk_bench_load")
    parser.add_argument("--rebuild", action="store_true", help="empty the database first")
    parser.add_argument("--prepare-only", action="store_true",
                        help="fill the database and stop (no load)")
    args = parser.parse_args()

    if args.database_url:
        url = args.database_url
    elif args.sqlite:
        url = f"sqlite:///{Path(tempfile.gettempdir()) / 'pressdesk_bench_load.sqlite3'}"
    else:
        url = ensure_postgres_database(args.admin_url, "pressdesk_bench_load")
    print(f"Database {make_url(url).render_as_string()}: preparing {args.contacts} contacts "
          f"and {args.clients} users", file=sys.stderr)
    prepare_database(url, args.contacts, args.rebuild, args.clients)
    if args.prepare_only:
        return
    data = sample(url)
    port = free_port()
    log = tempfile.NamedTemporaryFile("w+", prefix="bench_load_gunicorn_", suffix=".log",
                                      delete=False)
    print(f"gunicorn: {args.workers} workers x {args.threads} threads on port {port} "
          f"(log {log.name})", file=sys.stderr)
    server = start_gunicorn(url, port, args.workers, args.threads, log)
    try:
        results = Results()
        marker = f"bench-load-{secrets.token_hex(4)}"
        clients = [Client(f"http://127.0.0.1:{port}", i, data, results, marker)
                   for i in range(args.clients)]
        for number, client in enumerate(clients, 1):
            client.login()
            print(f"  logged in {number}/{len(clients)}", file=sys.stderr,
                  end="\r" if number < len(clients) else "\n")
        print(f"Running {args.clients} clients for {args.seconds:.0f} s", file=sys.stderr)
        started, generator_cpu = time.monotonic(), time.process_time()
        until = started + args.seconds
        threads = [threading.Thread(target=c.run, args=(until,)) for c in clients]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        generator_cpu = time.process_time() - generator_cpu
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    report(results, elapsed, count_stored(url, marker), generator_cpu)


if __name__ == "__main__":
    main()
