"""gunicorn settings for Pressdesk's web workers (`-c python:crm.gunicorn_conf`; ./scripts/run
and scripts/bench_load.py use it; command-line options still override).

Workers: CRM_WEB_WORKERS processes (default two per core), each serving one request at a time
(SteadySyncWorker, below). CRM_WEB_THREADS above 1 gives gunicorn's gthread workers instead,
with that many threads each.

Why one request per process: the app is CPU-bound Python (templates, the ORM), so a process
runs one request at a time whatever its threads; the threads only overlap database waits. With
keep-alive clients each gthread worker keeps the connections it happened to accept, and the
crowd splits unevenly (seen: 34 and 16 of 50 clients on 2 workers), so one worker's clients
wait while the other has time. A sync worker takes a connection only when it is free, from
the kernel's queue, first come first served: on 2 cores at 50 clients on PostgreSQL
(scripts/bench_load.py, 2026-12-02) 7 runs of 4 sync workers gave a p95 of 0.57-0.71 s, 5 runs
of 2 workers x 4 threads 0.58-1.05 s (over 0.9 s in three). Requests per second were alike
(91-113 and 99-116); a new connection per request cost the load generator 0.15-0.25 ms of
CPU per request more, and the server its accept.

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
import socket
import threading
import time

from gunicorn import util
from gunicorn.workers.sync import SyncWorker

GC_THRESHOLDS = (50_000, 20, 50)


def default_workers() -> int:
    """Two worker processes per core this process may use: while one waits for the database,
    the other has the core."""
    try:
        cores = len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return 2 * cores


STEADY = "crm.gunicorn_conf.SteadySyncWorker"
# A sync worker waits this long for a new connection's first bytes (a browser's speculative
# connection sends nothing, and must not hold a worker), and then this long for each further
# piece of the request or for the client to take the next piece of the answer.
HEAD_SECONDS = 5.0
CLIENT_SECONDS = 30.0
# A request may run this long (an export of the whole register, an import) before the worker
# stops telling gunicorn it is alive, and gunicorn replaces it after --timeout more.
REQUEST_SECONDS = 15 * 60

workers = int(os.environ.get("CRM_WEB_WORKERS") or default_workers())
threads = int(os.environ.get("CRM_WEB_THREADS") or 1)
# gunicorn itself turns a *SyncWorker into gthread when --threads N > 1 is given instead.
worker_class = STEADY if threads <= 1 else "gthread"


class SteadySyncWorker(SyncWorker):
    """gunicorn's sync worker (one request at a time, a connection taken only when free),
    with bounded waits for slow clients and room for long requests.

    gunicorn's own sync worker reads a client without a time limit, so a connection that sends
    nothing holds it until --timeout kills it, and it kills any request that runs longer than
    --timeout (a vCard export of 100,000 contacts takes about a minute). Here the client gets
    HEAD_SECONDS to start its request and CLIENT_SECONDS per piece after that, and a thread
    tells gunicorn the worker is alive while a request runs, up to REQUEST_SECONDS; a request
    stuck beyond that (or a worker that stops) is replaced after --timeout as before.
    """

    request_started: float | None = None

    def init_process(self) -> None:
        threading.Thread(target=self._heartbeat, name="heartbeat", daemon=True).start()
        super().init_process()

    def _heartbeat(self) -> None:
        period = max(min(self.timeout / 2, 5.0), 0.2)  # self.timeout: half of --timeout
        while True:
            time.sleep(period)
            started = self.request_started
            if started is not None and time.monotonic() - started < REQUEST_SECONDS:
                self.notify()

    def accept(self, listener) -> None:
        client, addr = listener.accept()
        util.close_on_exec(client)
        client.settimeout(HEAD_SECONDS)
        try:
            client.recv(1, socket.MSG_PEEK)
        except OSError:  # TimeoutError included: nothing came
            self.log.debug("Closing a connection that sent nothing in %s s", HEAD_SECONDS)
            util.close(client)
            return
        client.settimeout(CLIENT_SECONDS)
        self.request_started = time.monotonic()
        try:
            self.handle(listener, client, addr)
        finally:
            self.request_started = None


def post_worker_init(worker) -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
