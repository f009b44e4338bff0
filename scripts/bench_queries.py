"""SQL statements per page: how many queries each list and detail page issues on the demo data.

Loads the demo register (the code behind `crm demo-data`) into a fresh temporary SQLite
database, logs in as an editor through Flask's test client, requests each page once to warm
up and once counting statements (a `before_cursor_execute` listener on the engine), and prints
the count per page. The detail pages pick the busiest row of their kind (the journalist with
the most articles, the feed with the most articles, ...), where a query per row shows most.

    .venv/bin/python scripts/bench_queries.py
    .venv/bin/python scripts/bench_queries.py --contacts 2000
    .venv/bin/python scripts/bench_queries.py \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

With --database-url (PostgreSQL) the data goes into a schema of its own in that database,
pressdesk_bench_queries, dropped and re-created on every run and dropped at the end; nothing
else in the database is touched (pg_trgm is created in public if missing).
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, event, func, text  # noqa: E402

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402

CONFIG = {"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
          "CRM_PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", "CRM_DEFAULT_LANGUAGE": "en"}
SCHEMA = "pressdesk_bench_queries"


def _busiest(column, *where) -> int | None:
    """The value of `column` that occurs most often (ties: the smallest)."""
    return db.session.scalar(db.select(column).where(column.is_not(None), *where)
                             .group_by(column).order_by(func.count().desc(), column).limit(1))


def pages() -> list[tuple[str, str]]:
    """(label, path) of every list and detail page, the detail pages at their busiest row."""
    from crm.contacts.models import Contact, MediaListMember
    from crm.interactions.models import interaction_contact
    from crm.monitoring.models import Article, ArticleSource, Mention, WatchTerm
    from crm.releases.models import Release

    journalist = _busiest(Article.author_contact_id)
    politician = db.session.scalar(
        db.select(WatchTerm.contact_id).join(Mention, Mention.term_id == WatchTerm.id)
        .where(WatchTerm.contact_id.is_not(None)).group_by(WatchTerm.contact_id)
        .order_by(func.count().desc(), WatchTerm.contact_id).limit(1))
    official = db.session.scalar(
        db.select(interaction_contact.c.contact_id)
        .join(Contact, Contact.id == interaction_contact.c.contact_id)
        .where(Contact.kind == "official").group_by(interaction_contact.c.contact_id)
        .order_by(func.count().desc(), interaction_contact.c.contact_id).limit(1))
    organisation = _busiest(Contact.organisation_id, Contact.erased_at.is_(None))
    media_list = _busiest(MediaListMember.media_list_id)
    feed = _busiest(ArticleSource.feed_id)
    article = _busiest(Mention.article_id)
    release = db.session.scalar(db.select(Release.id).order_by(Release.id.desc()).limit(1))
    listed = [
        ("My day", "/"),
        ("contacts list", "/contacts"),
        ("contact: journalist", f"/contacts/{journalist}"),
        ("contact: politician", f"/contacts/{politician}"),
        ("contact: official", f"/contacts/{official}"),
        ("organisations", "/organisations"),
        ("organisation", f"/organisations/{organisation}"),
        ("media lists", "/lists"),
        ("media list", f"/lists/{media_list}"),
        ("interactions", "/interactions"),
        ("inquiries", "/inquiries"),
        ("releases list", "/releases/"),
        ("release detail", f"/releases/{release}"),
        ("feeds list", "/monitoring/feeds"),
        ("feed", f"/monitoring/feeds/{feed}"),
        ("article", f"/monitoring/articles/{article}"),
        ("mentions", "/monitoring/"),
        ("watch terms", "/monitoring/terms"),
        ("coverage", "/monitoring/coverage"),
        ("digest preview", "/digest/preview"),
    ]
    return [(label, path) for label, path in listed if "None" not in path]


def build(url: str, contacts: int, seed: int):
    """Fill the empty database at `url` with the demo data; return its app."""
    from crm.demo.generate import generate_demo

    app = create_app({**CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.metadata.create_all(db.engine, checkfirst=False)
        generate_demo(contacts=contacts, seed=seed)
        db.session.remove()
    return app


def count_statements(app, contacts: int) -> list[tuple[str, str, int]]:
    from crm.auth.services import create_user

    password = secrets.token_urlsafe(16)
    with app.app_context():
        create_user("bench-queries@example.org", password, role="editor")
        listed = pages()
        engine = db.engine
    client = app.test_client()
    response = client.post("/login", data={"email": "bench-queries@example.org",
                                           "password": password})
    if response.status_code != 302:
        raise SystemExit(f"login failed: {response.status_code}")
    seen = [0]

    def count(*_args):
        seen[0] += 1

    results = []
    for label, path in listed:
        client.get(path)  # warm-up: caches, the session's first queries
        seen[0] = 0
        event.listen(engine, "before_cursor_execute", count)
        try:
            response = client.get(path)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        results.append((label, path, seen[0]))
    return results


def _schema_url(base: str) -> str:
    options = quote(f"-csearch_path={SCHEMA},public")
    return f"{base}{'&' if '?' in base else '?'}options={options}"


def _prepare_schema(base: str, *, drop_only: bool = False) -> None:
    engine = create_engine(base)
    with engine.begin() as conn:
        if not drop_only:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        if not drop_only:
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL database to load the demo data "
                                               "into (in a schema of its own) instead of SQLite")
    parser.add_argument("--contacts", type=int, default=400,
                        help="demo contacts (default 400, as `crm demo-data`)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    base = args.database_url
    if base:
        _prepare_schema(base)
    try:
        with tempfile.TemporaryDirectory(prefix="pressdesk-bench-") as tmp:
            url = _schema_url(base) if base else f"sqlite:///{tmp}/bench-queries.sqlite3"
            app = build(url, args.contacts, args.seed)
            results = count_statements(app, args.contacts)
            with app.app_context():
                db.engine.dispose()
    finally:
        if base:
            _prepare_schema(base, drop_only=True)
    backend = "PostgreSQL" if base else "SQLite"
    print(f"SQL statements per request on {backend}, demo data with {args.contacts} contacts")
    print(f"{'page':<24}{'path':<32}{'statements':>10}")
    for label, path, n in results:
        print(f"{label:<24}{path:<32}{n:>10}")


if __name__ == "__main__":
    main()
