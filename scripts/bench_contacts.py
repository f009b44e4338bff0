"""Benchmark of the contact register: how page times grow from 1k to 100k contacts.

For each size it builds a fresh database and fills it with the demo generator (the code behind
`crm demo-data --contacts N`). Then it logs in to each through Flask's test client and times
GET requests of the contact list, a filter, searches and a contact page: after a warm-up,
--requests rounds in which every size answers the same request in turn, so that load from
other processes hits all sizes alike. It prints the median milliseconds per size (server
time: measured around the request in this process, no network), the ratio largest/smallest,
and the SQL statements each request ran.

    .venv/bin/python scripts/bench_contacts.py                     # SQLite files in a temp dir
    .venv/bin/python scripts/bench_contacts.py --sizes 1000,10000 --requests 40
    .venv/bin/python scripts/bench_contacts.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

With --database-url (PostgreSQL) each size lives in a schema of its own in that database,
pressdesk_bench_<size>, dropped and re-created on every run and dropped at the end; nothing
else in the database is touched (pg_trgm is created in public if missing). After each load it
runs VACUUM ANALYZE, as autovacuum soon would.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, text  # noqa: E402

from crm import create_app  # noqa: E402
from crm.contacts.models import Contact, ContactPhone  # noqa: E402
from crm.extensions import db  # noqa: E402

CONFIG = {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
          "CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"}
WARM_UP = 3


def cases(contact_id: int, phone: str) -> list[tuple[str, str]]:
    """(label, path) of the requests timed; the same at every size."""
    return [
        ("contact list", "/contacts"),
        ("contact list, page 20", "/contacts?page=20"),
        ("filter: journalists", "/contacts?kind=journalist"),
        ("filter: beat helse", "/contacts?beat=helse"),
        ("search: surname 'Haugland'", "/contacts?q=Haugland"),
        ("search: name with ø 'Sølvi Ødegård'", "/contacts?q=S%C3%B8lvi+%C3%98deg%C3%A5rd"),
        ("search: email fragment 'hansen@vg'", "/contacts?q=hansen%40vg"),
        ("search: phone number", f"/contacts?q={phone}"),
        ("search: 2 letters 'ås'", "/contacts?q=%C3%A5s"),
        ("search: no match 'qqqzz'", "/contacts?q=qqqzz"),
        ("contact page", f"/contacts/{contact_id}"),
    ]


# Databases ----------------------------------------------------------------------------------

def schema_name(size: int) -> str:
    return f"pressdesk_bench_{size}"


def database_url(base: str | None, size: int, tmp: str) -> str:
    if not base:
        return f"sqlite:///{tmp}/bench-{size}.sqlite3"
    options = quote(f"-csearch_path={schema_name(size)},public")
    return f"{base}{'&' if '?' in base else '?'}options={options}"


def prepare_schemas(base: str, sizes: list[int], *, drop_only: bool = False) -> None:
    engine = create_engine(base)
    with engine.begin() as conn:
        if not drop_only:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        for size in sizes:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema_name(size)} CASCADE"))
            if not drop_only:
                conn.execute(text(f"CREATE SCHEMA {schema_name(size)}"))
    engine.dispose()


def build(url: str, size: int, seed: int):
    """Fill the empty database at `url` with `size` demo contacts; return its app."""
    from crm.demo.generate import generate_demo

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        # No "checkfirst": in a PostgreSQL schema of our own, tables of the same name in public
        # (on the search path for pg_trgm) must not count as already there.
        db.metadata.create_all(db.engine, checkfirst=False)
        started = time.perf_counter()
        generate_demo(contacts=size, seed=seed, progress=_progress)
        print(f"  {size} contacts loaded in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            # Steady state, as autovacuum would leave it: statistics and the visibility map
            # (index-only scans) up to date.
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"VACUUM ANALYZE {tables}"))
    return app


def _progress(what: str, done: int, total: int) -> None:
    print(f"  {what} {done}/{total}", file=sys.stderr, end="\r" if done < total else "\n")


# Measuring ----------------------------------------------------------------------------------

class Target:
    """One size: its app, a logged-in test client and the paths to request."""

    def __init__(self, app):
        from crm.auth.services import create_user

        self.app = app
        password = secrets.token_urlsafe(16)
        with app.app_context():
            user = create_user("bench@example.org", password, role="viewer")
            phone = db.session.scalar(db.select(ContactPhone.number)
                                      .order_by(ContactPhone.id).limit(1))
            self.paths = dict(cases(_busiest_contact(), phone.removeprefix("+47")))
            self.engine = db.engine
            email = user.email
        self.client = app.test_client()
        response = self.client.post("/login", data={"email": email, "password": password})
        if response.status_code != 302:
            raise SystemExit(f"login failed: {response.status_code}")

    def get(self, label: str) -> float:
        """Milliseconds for one request."""
        started = time.perf_counter()
        response = self.client.get(self.paths[label])
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise SystemExit(f"{self.paths[label]} answered {response.status_code}")
        return elapsed

    def statements(self, label: str) -> int:
        seen = [0]

        def count(*_args):
            seen[0] += 1

        event.listen(self.engine, "before_cursor_execute", count)
        try:
            self.get(label)
        finally:
            event.remove(self.engine, "before_cursor_execute", count)
        return seen[0]


def _busiest_contact() -> int:
    from crm.interactions.models import interaction_contact

    busiest = db.session.scalar(
        db.select(interaction_contact.c.contact_id)
        .group_by(interaction_contact.c.contact_id)
        .order_by(db.func.count().desc(), interaction_contact.c.contact_id).limit(1))
    return busiest or db.session.scalar(db.select(Contact.id).limit(1))


def measure(targets: dict[int, Target], requests: int) -> dict[str, dict[int, tuple]]:
    """Label -> size -> (median ms, SQL statements per request), sizes taking turns."""
    results: dict[str, dict[int, tuple]] = {}
    for label, _path in cases(0, ""):
        timings: dict[int, list[float]] = {size: [] for size in targets}
        for target in targets.values():
            for _ in range(WARM_UP):
                target.get(label)
        for _ in range(requests):
            for size, target in targets.items():
                timings[size].append(target.get(label))
        results[label] = {size: (statistics.median(timings[size]), target.statements(label))
                          for size, target in targets.items()}
    return results


def _k(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def print_table(sizes: list[int], results: dict, backend: str, requests: int) -> None:
    small, large = sizes[0], sizes[-1]
    print(f"\nContact register on {backend}: median of {requests} requests per page and size,"
          " server time")
    head = "".join(f"{f'{n:,} (ms)':>14}" for n in sizes)
    print(f"{'request':<38}{head}{f'ratio {_k(large)}/{_k(small)}':>14}{'SQL/request':>13}")
    for label, by_size in results.items():
        times = [by_size[n][0] for n in sizes]
        ratio = times[-1] / times[0] if times[0] else float("nan")
        queries = "/".join(str(by_size[n][1]) for n in sizes)
        print(f"{label:<38}" + "".join(f"{t:>14.1f}" for t in times)
              + f"{ratio:>14.2f}{queries:>13}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL database to build the registers "
                                               "in (one schema per size) instead of SQLite")
    parser.add_argument("--sizes", default="1000,100000",
                        help="comma-separated contact counts (default 1000,100000)")
    parser.add_argument("--requests", type=int, default=20,
                        help="timed requests per page and size (default 20, at least 20)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    requests = max(20, args.requests)
    base = args.database_url
    if base:
        prepare_schemas(base, sizes)
    targets = {}
    try:
        with tempfile.TemporaryDirectory(prefix="pressdesk-bench-") as tmp:
            for size in sizes:
                print(f"==> {size:,} contacts", file=sys.stderr)
                targets[size] = Target(build(database_url(base, size, tmp), size, args.seed))
            results = measure(targets, requests)
            for target in targets.values():
                with target.app.app_context():
                    db.engine.dispose()
    finally:
        if base:
            prepare_schemas(base, sizes, drop_only=True)
    print_table(sizes, results, "PostgreSQL" if base else "SQLite", requests)


if __name__ == "__main__":
    main()
