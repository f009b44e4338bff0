"""CPU time per request, in-process, for each kind of request in scripts/bench_load.py's mix.

The load test on a shared 2-core machine measures the machine as much as the app; this measures
what a request costs the app itself (time.process_time, so other processes do not count), with
the garbage collector tuned as crm/gunicorn_conf.py tunes a worker. It logs in one editor with a
test client on a database that scripts/bench_load.py has filled (--prepare-only does just that),
makes --requests requests of each kind and prints CPU ms per request, wall ms (the difference is
mostly the database's time), the share of it spent rendering templates, and SQL statements per
request. The interaction kind is the form's GET and its POST together (the form's HTML is parsed
as bench_load's clients parse it; that parsing is not counted). The interactions it logs are
deleted at the end.

    .venv/bin/python scripts/bench_request_cpu.py --database-url postgresql+psycopg://u@host/db
    .venv/bin/python scripts/bench_request_cpu.py --requests 500 --profile mentions
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import flask.templating  # noqa: E402
from bench_load import FORM_HEADERS, PASSWORD, SURNAMES, form_fields  # noqa: E402
from sqlalchemy import event, text  # noqa: E402

from crm import create_app  # noqa: E402
from crm.extensions import db  # noqa: E402
from crm.gunicorn_conf import GC_THRESHOLDS  # noqa: E402

SUBJECT = "bench-request-cpu"


class Timers:
    """Time spent outside the app (parsing forms) and in templates, per run."""

    def __init__(self):
        self.outside = self.render = 0.0
        render = flask.templating._render

        def timed_render(*args, **kwargs):
            started = time.process_time()
            try:
                return render(*args, **kwargs)
            finally:
                self.render += time.process_time() - started

        flask.templating._render = timed_render


def kinds(client, low: int, high: int, timers: Timers) -> dict:
    rnd = random.Random(1)

    def contact_list():
        client.get(f"/contacts?page={min(int(rnd.expovariate(1 / 5)) + 1, 200)}")

    def search():
        term = rnd.choice(SURNAMES)
        if rnd.random() < 0.3:
            term = term[:rnd.randint(2, 4)]
        client.get("/contacts", query_string={"q": term})

    def contact_page():
        client.get(f"/contacts/{rnd.randint(low, high)}")

    def mentions():
        client.get("/monitoring/")

    def interaction():
        form = client.get(f"/interactions/new?contact={rnd.randint(low, high)}")
        started = time.process_time()
        fields = [(k, v) for k, v in form_fields(form.get_data(as_text=True))
                  if k not in ("subject", "notes")]
        timers.outside += time.process_time() - started
        fields += [("subject", SUBJECT), ("notes", "Ringte om statsbudsjettet.")]
        response = client.post("/interactions/new", data=urlencode(fields),
                               headers=FORM_HEADERS)
        if response.status_code != 302:
            raise SystemExit(f"logging an interaction answered {response.status_code}")

    return {"list": contact_list, "search": search, "contact": contact_page,
            "mentions": mentions, "interaction": interaction}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="filled by bench_load.py")
    parser.add_argument("--requests", type=int, default=200, help="of each kind")
    parser.add_argument("--only", help="kinds, comma-separated (list,search,contact,"
                        "mentions,interaction)")
    parser.add_argument("--profile", help="a kind to run under cProfile (top functions)")
    args = parser.parse_args()

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url,
                      "SECRET_KEY": "bench-" + "x" * 32, "RATELIMIT_ENABLED": False})
    with app.app_context():
        low, high = db.session.execute(text("SELECT min(id), max(id) FROM contact")).one()
        engine = db.engine
    statements = [0]
    event.listen(engine, "before_cursor_execute", lambda *_a: statements.__setitem__(
        0, statements[0] + 1))
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    client = app.test_client()
    fields = dict(form_fields(client.get("/login").get_data(as_text=True)))
    fields.update(email="bench-0@example.org", password=PASSWORD)
    if client.post("/login", data=fields).status_code != 302:
        raise SystemExit("login failed: fill the database with scripts/bench_load.py first")
    timers = Timers()
    runs = kinds(client, low, high, timers)
    chosen = args.only.split(",") if args.only else list(runs)
    print(f"{'':12} {'cpu ms':>7} {'wall ms':>8} {'render':>7} {'SQL':>5}")
    try:
        for kind in chosen:
            run = runs[kind]
            for _ in range(10):
                run()
            timers.outside = timers.render = 0.0
            statements[0] = 0
            profile = cProfile.Profile() if kind == args.profile else None
            if profile:
                profile.enable()
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(args.requests):
                run()
            cpu = time.process_time() - cpu - timers.outside
            wall = time.perf_counter() - wall - timers.outside
            if profile:
                profile.disable()
                pstats.Stats(profile).sort_stats(os.environ.get("SORT", "tottime")).print_stats(int(os.environ.get("TOP", "30")))
            n = args.requests
            print(f"{kind:12} {cpu / n * 1000:7.2f} {wall / n * 1000:8.2f} "
                  f"{timers.render / n * 1000:7.2f} {statements[0] / n:5.1f}")
    finally:
        with app.app_context():
            db.session.execute(text("DELETE FROM interaction WHERE subject = :s"),
                               {"s": SUBJECT})
            db.session.commit()


if __name__ == "__main__":
    main()
