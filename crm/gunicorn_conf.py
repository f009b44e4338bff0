"""gunicorn settings for Pressdesk's web workers (`-c python:crm.gunicorn_conf`; ./scripts/run
and scripts/bench_load.py use it; command-line options still override).

Workers and threads: CRM_WEB_WORKERS (default one per core) and CRM_WEB_THREADS (default 4).

Garbage collection: a request builds tens of thousands of short-lived objects (ORM rows,
template output), and CPython's default first-generation threshold of 700 allocations runs the
cycle collector hundreds of times per page, each pass also walking the app's long-lived
objects. After a worker has loaded the app, those objects are frozen out of the collector's
reach (gc.freeze) and the first threshold raised: on 2 cores at 50 clients this was the
largest single gain of scripts/bench_load.py (about 70 -> 85 requests/s on PostgreSQL).
Reference cycles are still collected, just in fewer, larger passes.
"""

import gc
import os

GC_THRESHOLDS = (50_000, 20, 50)


def default_workers() -> int:
    """One worker process per core this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# gthread workers: processes use the cores, threads overlap requests' database waits. Four
# threads each: on 2 cores at 50 clients (scripts/bench_load.py on PostgreSQL, runs taken in
# turn) 2 x 4 served about 10% more requests per second than 2 x 8 and 4 x 8, with a p95 of
# 0.75-0.78 s against 0.85-1.5 s. Fewer requests sharing the CPU at a time each finish sooner;
# the others wait their turn in the worker's queue instead of slowing everyone down.
workers = int(os.environ.get("CRM_WEB_WORKERS") or default_workers())
threads = int(os.environ.get("CRM_WEB_THREADS") or 4)
worker_class = "gthread"


def post_worker_init(worker) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
