"""gunicorn settings for Pressdesk's web workers (`-c python:crm.gunicorn_conf`; ./scripts/run
and scripts/bench_load.py use it; command-line options still override).

Garbage collection: a request builds tens of thousands of short-lived objects (ORM rows,
template output), and CPython's default first-generation threshold of 700 allocations runs the
cycle collector hundreds of times per page, each pass also walking the app's long-lived
objects. After a worker has loaded the app, those objects are frozen out of the collector's
reach (gc.freeze) and the first threshold raised: on 2 cores at 50 clients this was the
largest single gain of scripts/bench_load.py (about 70 -> 85 requests/s on PostgreSQL).
Reference cycles are still collected, just in fewer, larger passes.
"""

import gc

GC_THRESHOLDS = (50_000, 20, 50)


def post_worker_init(worker) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
