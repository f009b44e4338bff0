"""Fetching and parsing feeds in worker processes, each feed bounded in time and memory.

`fetch_and_parse(job)` is the unit of work: a plain function from a feed's id and
conditional-GET state (`FeedJob`) to a plain, picklable `PollOutcome`. It needs no database
and no app context, so a task queue could run it on another machine later.

`FeedPool` runs it in worker processes (both cores: feedparser is pure Python and holds the
GIL), with a few threads in each (fetching mostly waits on the network). The processes come
from a "forkserver": never forked from a parent that holds database connections. The parent
only hands out jobs, watches the workers and gets the outcomes back; the database is written
by the caller, in the parent (services.poll_feeds).

Limits: the fetch bounds its own time and size (fetch.py). Each worker parses one feed at a
time and says which in a shared slot; the parent stops (kills) a worker whose parse takes
longer than `parse_seconds` or grows the worker by more than `memory_mb`, records that feed
as refused with a clear message, starts a new worker and gives the worker's other feeds to
it. A worker that dies or hangs is replaced the same way. A feed that was in flight in two
workers that died is refused rather than retried again.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import resource
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from crm.messages import Message, msg
from crm.monitoring.fetch import DEFAULT_LIMITS, FetchError, FetchLimits, fetch, make_client
from crm.monitoring.matching import Matcher, TermSpec
from crm.monitoring.parse import ParsedEntry, ParsedFeed, parse_feed
from crm.monitoring.prepare import PreparedFeed, prepare_entries

IDLE = -1.0
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_context_cache: list = []


@dataclass(frozen=True)
class FeedJob:
    """A feed as the poller needs it: a plain snapshot (no ORM object crosses processes)."""

    id: int
    url: str
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    name: str = ""
    organisation_id: int | None = None
    interval_minutes: int = 15
    consecutive_failures: int = 0


@dataclass
class PollOutcome:
    feed_id: int
    url: str = ""
    not_modified: bool = False
    parsed: ParsedFeed | None = None
    error: Message | None = None
    retry_after: float | None = None
    etag: str = ""
    last_modified: str = ""
    content_hash: str = ""
    prepared: PreparedFeed | None = None  # keys, fingerprints, matches (crm.monitoring.prepare)
    elapsed: float = 0.0
    fetch_seconds: float = 0.0
    parse_seconds: float = 0.0
    prepare_seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None


Parser = Callable[[bytes, dict, str], ParsedFeed]
Preparer = Callable[[int, list[ParsedEntry]], PreparedFeed]


def _parse(body: bytes, headers: dict, url: str) -> ParsedFeed:
    return parse_feed(body, headers, url)


def fetch_and_parse(job: FeedJob, client=None, limits: FetchLimits = DEFAULT_LIMITS,
                    parse: Parser = _parse, prepare: Preparer | None = None) -> PollOutcome:
    """Fetch and parse one feed: no database, no app context, never raises. With `prepare`,
    also what storing the entries needs that no database does (crm.monitoring.prepare)."""
    started = time.monotonic()
    outcome = PollOutcome(job.id, job.url)
    try:
        result = fetch(job.url, job.etag, job.last_modified, client=client, limits=limits)
    except FetchError as exc:
        outcome.error, outcome.retry_after = exc.msg, exc.retry_after
    except Exception as exc:  # a bug in a corner of httpx must not stop the other feeds
        outcome.error = msg("Unexpected error while fetching (%(kind)s).",
                            kind=type(exc).__name__)
    else:
        outcome.fetch_seconds = time.monotonic() - started
        outcome.url, outcome.etag, outcome.last_modified = result.url, result.etag, \
            result.last_modified
        if result.not_modified:
            outcome.not_modified = True
        else:
            outcome.content_hash = hashlib.sha256(result.body).hexdigest()
            if outcome.content_hash == job.content_hash:
                outcome.not_modified = True  # same bytes as last time: nothing to parse
            else:
                parse_started = time.monotonic()
                outcome.parsed = parse(result.body, result.headers, result.url)
                outcome.parse_seconds = time.monotonic() - parse_started
                if outcome.parsed.error is not None:
                    outcome.error = outcome.parsed.error
                if prepare is not None and outcome.parsed.entries and job.id:
                    prepare_started = time.monotonic()
                    try:
                        outcome.prepared = prepare(job.id, outcome.parsed.entries)
                    except Exception:  # noqa: BLE001 (the store then prepares them itself)
                        outcome.prepared = None
                    outcome.prepare_seconds = time.monotonic() - prepare_started
    outcome.elapsed = time.monotonic() - started
    return outcome


# --- the pool's settings and messages -------------------------------------------------------

@dataclass(frozen=True)
class PoolSettings:
    processes: int = 2
    threads: int = 4  # concurrent fetches per process
    parse_seconds: float = 30.0
    memory_mb: int = 256  # how much one feed's parse may grow its worker
    limits: FetchLimits = DEFAULT_LIMITS
    # The cycle's watch terms: given, the workers also prepare the entries for storing
    # (keys, fingerprints, matches); None leaves that to the polling process.
    terms: tuple[TermSpec, ...] | None = None
    terms_digest: str = ""

    @property
    def job_seconds(self) -> float:
        """How long a job may be out before its worker counts as stuck (a job may wait for
        one other to finish first: each worker holds up to 2 x threads)."""
        return 2 * (self.limits.deadline + self.parse_seconds) + 5


def too_slow(seconds: float) -> Message:
    return msg("Reading the feed took longer than %(seconds)s seconds and was stopped.",
               seconds=f"{seconds:g}")


def too_big(megabytes: int) -> Message:
    return msg("Reading the feed needed more than %(mb)d MB of memory and was stopped.",
               mb=megabytes)


def worker_lost() -> Message:
    return msg("The process reading the feed stopped unexpectedly; the feed was skipped.")


# --- in the worker process ------------------------------------------------------------------

def rss_bytes(pid: int | str = "self") -> int:
    """Resident memory of a process (Linux /proc); 0 where that cannot be read."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def peak_rss_bytes() -> int:
    """This process's highest resident memory so far (Linux reports kilobytes)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def cpu_seconds(pid: int | str = "self") -> float:
    """User + system CPU time of a live process (Linux /proc); 0 where that cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            fields = stat.read().rpartition(b")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS
    except (OSError, ValueError, IndexError):
        return 0.0


def pss_bytes(pid: int | str = "self") -> int:
    """Proportional set size (shared pages split between their users); 0 if unknown."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as smaps:
            for line in smaps:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _worker_main(jobs_in, results_out, slot, settings: PoolSettings) -> None:
    """A worker: jobs in, outcomes out; one parse at a time, announced in `slot`."""
    send_lock, parse_lock = threading.Lock(), threading.Lock()
    parse_times: dict[int, float] = {}  # without the wait for parse_lock
    prepare = None
    if settings.terms is not None:
        matcher = Matcher(list(settings.terms))

        def prepare(feed_id: int, entries: list[ParsedEntry]) -> PreparedFeed:
            return prepare_entries(feed_id, entries, matcher, settings.terms_digest)

    def parse(feed_id: int):
        def guarded(body: bytes, headers: dict, url: str) -> ParsedFeed:
            with parse_lock:
                started = time.monotonic()
                base, peak_before = rss_bytes(), peak_rss_bytes()
                slot[1], slot[2] = started, float(base)
                slot[0] = float(feed_id)
                try:
                    parsed = parse_feed(body, headers, url)
                finally:
                    slot[0] = IDLE
                    parse_times[feed_id] = time.monotonic() - started
                # A parse quicker than the parent's watchdog looks can still have grown the
                # worker past the limit: the process's high-water mark tells.
                peak = peak_rss_bytes()
                if peak > peak_before and peak - base > settings.memory_mb * 1024 * 1024:
                    return ParsedFeed(error=too_big(settings.memory_mb))
                return parsed
        return guarded

    with make_client(settings.limits, max_connections=settings.threads) as client, \
            ThreadPoolExecutor(settings.threads, thread_name_prefix="feed") as pool:
        def run(job: FeedJob) -> None:
            outcome = fetch_and_parse(job, client, settings.limits, parse(job.id), prepare)
            outcome.parse_seconds = parse_times.pop(job.id, outcome.parse_seconds)
            with send_lock:
                try:
                    results_out.send(outcome)
                except (OSError, ValueError):
                    raise  # the parent is gone
                except Exception as exc:  # noqa: BLE001 (an outcome that does not pickle)
                    results_out.send(PollOutcome(job.id, job.url, error=msg(
                        "Unexpected error while reading the feed (%(kind)s).",
                        kind=type(exc).__name__)))

        while True:
            try:
                job = jobs_in.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            pool.submit(run, job)


# --- in the parent --------------------------------------------------------------------------

def _mp_context():
    if not _context_cache:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["crm.monitoring.workers"])
        _context_cache.append(ctx)
    return _context_cache[0]


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: object  # outcomes from the worker
    jobs_out: object  # jobs to it
    slot: object
    jobs: dict[int, tuple[FeedJob, float]] = field(default_factory=dict)
    peak_rss: int = 0


@dataclass
class PoolStats:
    workers_started: int = 0
    workers_replaced: int = 0
    refused: int = 0
    peak_rss_children: int = 0  # the highest sum of the workers' resident memory
    peak_pss_children: int = 0
    cpu_seconds_children: float = 0.0  # user + system time of the workers, as they end


class FeedPool:
    """Worker processes fetching and parsing feeds; `run(jobs)` yields outcomes as they come."""

    def __init__(self, settings: PoolSettings):
        self.settings = settings
        self.workers: list[_Worker] = []
        self.stats = PoolStats()
        self._ctx = _mp_context()
        self._last_sample = self._last_pss = 0.0

    def __enter__(self) -> FeedPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _start_worker(self) -> _Worker:
        jobs_in, jobs_out = self._ctx.Pipe(duplex=False)
        results_in, results_out = self._ctx.Pipe(duplex=False)
        slot = self._ctx.Array("d", [IDLE, 0.0, 0.0], lock=False)
        process = self._ctx.Process(target=_worker_main, daemon=True, name="crm-feed-worker",
                                    args=(jobs_in, results_out, slot, self.settings))
        process.start()
        jobs_in.close()
        results_out.close()
        worker = _Worker(process, results_in, jobs_out, slot)
        self.workers.append(worker)
        self.stats.workers_started += 1
        return worker

    def _stop(self, worker: _Worker) -> list[PollOutcome]:
        """Kill a worker; the outcomes it had already sent are kept."""
        done = []
        try:
            while worker.conn.poll():
                done.append(worker.conn.recv())
        except (EOFError, OSError):
            pass
        self.stats.cpu_seconds_children += cpu_seconds(worker.process.pid)
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        worker.jobs_out.close()
        self.workers.remove(worker)
        for outcome in done:
            worker.jobs.pop(outcome.feed_id, None)
        return done

    def close(self) -> None:
        for worker in list(self.workers):
            self.stats.cpu_seconds_children += cpu_seconds(worker.process.pid)
            try:
                worker.jobs_out.send(None)
            except (OSError, ValueError):
                pass
        for worker in list(self.workers):
            worker.process.join(10)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)
            worker.conn.close()
            worker.jobs_out.close()
        self.workers.clear()

    def start(self, jobs: int | None = None) -> None:
        """Start the worker processes (no more than there are jobs)."""
        wanted = self.settings.processes if jobs is None else min(self.settings.processes, jobs)
        while len(self.workers) < max(wanted, 1):
            self._start_worker()

    def run(self, jobs: Iterable[FeedJob]) -> Iterator[PollOutcome]:
        settings = self.settings
        pending: deque[FeedJob] = deque(jobs)
        lost: dict[int, int] = {}  # feed id -> workers lost while it was in flight
        self.start(len(pending))
        while pending or any(w.jobs for w in self.workers):
            for worker in self.workers:
                while pending and len(worker.jobs) < 2 * settings.threads:
                    job = pending.popleft()
                    worker.jobs[job.id] = (job, time.monotonic())
                    worker.jobs_out.send(job)
            waitables = [w.conn for w in self.workers] + [w.process.sentinel
                                                          for w in self.workers]
            # Checked at least every 0.2 s, and often enough for the limit in force: a parse
            # shorter than one wait would otherwise slip past a small limit.
            ready = set(wait(waitables, timeout=min(0.2, settings.parse_seconds / 4)))
            for worker in list(self.workers):
                if worker.conn in ready:
                    try:
                        while worker.conn.poll():
                            outcome = worker.conn.recv()
                            worker.jobs.pop(outcome.feed_id, None)
                            yield outcome
                    except (EOFError, OSError):
                        ready.add(worker.process.sentinel)
                if worker.process.sentinel in ready or not worker.process.is_alive():
                    yield from self._replace(worker, None, None, pending, lost)
                    continue
                verdict = self._check(worker)
                if verdict is not None:
                    yield from self._replace(worker, *verdict, pending, lost)
            self._sample()

    def _check(self, worker: _Worker) -> tuple[int, Message] | None:
        """(feed id, why) if the worker must be stopped for one feed's sake."""
        settings, now = self.settings, time.monotonic()
        feed_id, started, base = worker.slot[0], worker.slot[1], worker.slot[2]
        if feed_id != IDLE:
            if now - started > settings.parse_seconds:
                return int(feed_id), too_slow(settings.parse_seconds)
            rss = rss_bytes(worker.process.pid)
            worker.peak_rss = max(worker.peak_rss, rss)
            if base and rss - base > settings.memory_mb * 1024 * 1024 \
                    and worker.slot[0] == feed_id:
                return int(feed_id), too_big(settings.memory_mb)
        for job_id, (_job, sent) in worker.jobs.items():
            if now - sent > settings.job_seconds:
                return job_id, too_slow(settings.job_seconds)
        return None

    def _replace(self, worker: _Worker, culprit: int | None, why: Message | None,
                 pending: deque, lost: dict[int, int]) -> Iterator[PollOutcome]:
        if culprit is None and worker.slot[0] != IDLE:
            culprit, why = int(worker.slot[0]), worker_lost()  # it died parsing this feed
        yield from self._stop(worker)
        self.stats.workers_replaced += 1
        for job_id, (job, _sent) in worker.jobs.items():
            lost[job_id] = lost.get(job_id, 0) + 1
            if job_id == culprit or lost[job_id] >= 2:
                self.stats.refused += 1
                yield PollOutcome(job.id, job.url, error=why if job_id == culprit
                                  else worker_lost())
            else:
                pending.appendleft(job)  # its worker was stopped for another feed's sake
        if pending or any(w.jobs for w in self.workers):
            self._start_worker()

    def _sample(self) -> None:
        now = time.monotonic()
        if now - self._last_sample < 0.5:
            return
        self._last_sample = now
        total = sum(rss_bytes(w.process.pid) for w in self.workers)
        if total > self.stats.peak_rss_children or now - self._last_pss > 10:
            self._last_pss = now  # reading smaps costs more than statm
            pss = sum(pss_bytes(w.process.pid) for w in self.workers)
            self.stats.peak_pss_children = max(self.stats.peak_pss_children, pss)
        self.stats.peak_rss_children = max(self.stats.peak_rss_children, total)
