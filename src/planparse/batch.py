"""``planparse batch``: a folder of plans into one database and one task table; parallel, re-runnable, losing nothing.

Why it is built this way:

- Work crosses processes as a path or as bytes. Local workers read the file and file the plan
  themselves, its JSON file and its rows (``workers``, ``sink``), and say what happened (with few
  workers, or a core to spare, they send the plan back and this process files it: PARENT_KEEPS_UP); Dask
  workers (which share no disk with us) get the bytes and send back the contract JSON and the
  table rows (``jobs.Parser``), which this process files. Either way it hashes, hands out and reports.
- Each plan's JSON file is written atomically, then the plan goes into the database whole, a few
  plans per transaction: a batch killed at any moment (even ``kill -9``) leaves whole plans only,
  and the next run skips what is in (by sha256). The JSONL, the tables and ``errors.jsonl`` are
  rebuilt from one snapshot at the end, under a lock (``tables.export``), so two batches never
  interleave them.
- Memory stays flat: a bounded number of jobs is in flight and the exports stream from the database.
- Which files are plans, and what could not be walked, is ``walk``'s (planparse/walk.py).
"""

from __future__ import annotations

import hashlib
import os
import queue
import sqlite3
import time
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import replace
from pathlib import Path
from typing import Any

from planparse.errors import InputError, PlanparseError
from planparse.export import Workbook, export
from planparse.jobs import Job, ParseFn, Parser, Problem, Result, Stored
from planparse.options import Options
from planparse.outputs import DB, BatchSummary, NoProgress, Progress, inside, plan_json_name, remove_stale_temps, write_atomic
from planparse.rows import FailureRow, NewPlan, now
from planparse.sink import Sink, outcome_result
from planparse.store import Store
from planparse.walk import walk, where
from planparse.workers import IDLE_TICK_S, LocalPool

__all__ = ["BatchSummary", "SetupError", "ingest", "walk"]

DEFAULT_TIMEOUT = 120.0
SCATTER_BYTES = 1 << 20  # larger files go to a Dask worker directly, not through the scheduler
# This process files the plans itself (the workers send them back, and parse on) while it keeps up
# with them: its share of a plan is about a third of a worker's (3.5 ms against 10 ms, measured), so
# with up to PARENT_KEEPS_UP workers, or with a core to itself. Beyond that each worker files its own.
PARENT_KEEPS_UP = 2
FLUSH_PLANS, FLUSH_SECONDS = 32, 0.5  # plans per commit, and the longest a parsed plan waits for one (BatchIO)


class SetupError(PlanparseError):
    """The batch cannot run at all: an output folder it cannot use, no dask, an unreachable scheduler."""

    code = "setup"


def run_dask(jobs: Iterator[Job], scheduler: str, timeout: float, parser: Parser) -> Iterator[tuple[Job, Result] | None]:
    """Jobs on an existing Dask cluster. The bytes travel with each task, so workers need no shared disk,
    only planparse installed; at most two tasks per worker thread are in flight. ``None`` when nothing
    came for a while (as ``run_local``).

    A task past the timeout is reported and cancelled, and its worker restarted (a running Python
    thread cannot be stopped otherwise; Dask reschedules that worker's other tasks).
    """
    try:
        from distributed import Client
    except ImportError:
        raise SetupError("--dask-scheduler needs the dask extra: pip install 'planparse[dask]'") from None
    try:
        client = Client(scheduler, set_as_default=False, timeout=20)
    except (OSError, TimeoutError, ValueError) as err:
        raise SetupError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    try:
        slots = 2 * max(1, sum(client.nthreads().values()))
        inflight: dict[Any, tuple[Job, float]] = {}
        done: list[tuple[Job, Result]] = []
        finished: queue.SimpleQueue[Any] = queue.SimpleQueue()  # wakes us when any task ends
        more = True
        while True:
            while more and len(inflight) < slots:
                job = next(jobs, None)
                more = job is not None
                if job is not None:
                    data = client.scatter(job.data, hash=False) if len(job.data) > SCATTER_BYTES else job.data
                    fut = client.submit(parser, job.path, data, pure=False)
                    fut.add_done_callback(finished.put)
                    inflight[fut] = (job, time.monotonic() + timeout)
            yield from done
            done = []
            if not inflight:
                return
            with suppress(queue.Empty):
                finished.get(timeout=max(0.01, min(IDLE_TICK_S, min(d for _, d in inflight.values()) - time.monotonic())))
            clock = time.monotonic()
            for fut, (job, deadline) in list(inflight.items()):
                if fut.done():
                    del inflight[fut]
                    done.append((job, _dask_result(fut)))
                elif clock >= deadline:
                    del inflight[fut]
                    _abandon(client, fut)
                    done.append((job, Problem("timeout", "timeout", f"no result after {timeout:g} s; the task was cancelled")))
            if not done:
                yield None
    finally:
        client.close()


def _dask_result(fut: Any) -> Result:
    if fut.status == "finished":
        return fut.result()
    err = fut.exception() if fut.status == "error" else f"the task was {fut.status}"
    return Problem("worker", "worker-died", f"the Dask task failed: {err!r}")


def _abandon(client: Any, fut: Any) -> None:
    """Cancel a hung task and restart the worker running it (best effort: needs a nanny-managed worker)."""
    with suppress(Exception):  # the timeout is reported either way
        where = [addr for addr, keys in client.processing().items() if fut.key in keys]
        fut.cancel()
        if where:
            client.restart_workers(where)


class BatchIO:
    """The parent's side of a batch: it hashes each file as a worker frees up (to skip what is in), and
    reports each result; a plan from Dask it files itself: the JSON file, the database.

    Plans from Dask are committed several at a time (``FLUSH_PLANS``, or after ``FLUSH_SECONDS``),
    each whole: one commit and one ``executemany`` per table for the group cost about a fifth less
    than plan by plan. A kill loses at most the uncommitted plans, whose JSON files the next run
    rewrites.
    """

    def __init__(self, out: Path, store: Store, progress: Progress, summary: BatchSummary, force: bool) -> None:
        self.out, self.store, self.progress, self.summary, self.force = out, store, progress, summary, force
        inside(out, "plans").mkdir(parents=True, exist_ok=True)  # plans/ itself must not lead elsewhere
        self.pending: list[NewPlan] = []
        self.since = 0.0  # when the oldest pending plan came
        # sha256 → (path, file) of the later files with the same bytes: each gets the first one's outcome
        # (before, a copy of a file that failed was counted as already in the database)
        self.twins: dict[str, list[tuple[str, str]]] = {}

    def read(self, candidates: Iterable[Any], max_bytes: int, keep_bytes: bool) -> Iterator[Job]:
        """Jobs for the files (``.path``, ``.file``) one at a time; a file already ingested is counted and passed.

        ``keep_bytes``: the job carries the file's bytes (Dask); local workers read the file again,
        which costs less than sending it and keeps the pipes small.
        """
        seen: set[str] = set()
        for c in candidates:
            path = where(c.path)
            try:
                if os.stat(c.path).st_size > max_bytes:  # never read a huge file into memory
                    self.fail(FailureRow(path, c.file, None, "read", "too-large", f"over {max_bytes} bytes"))
                    continue
                data = Path(c.path).read_bytes()
            except OSError as err:
                self.fail(FailureRow(path, c.file, None, "read", "unreadable", err.strerror or str(err)))
                continue
            sha = hashlib.sha256(data).hexdigest()
            if sha in seen:
                self.twins.setdefault(sha, []).append((path, c.file))
                continue
            if not self.force and self.store.known(sha):
                self.known(c.file, path)
                continue
            seen.add(sha)
            yield Job(c.path, c.file, sha, data if keep_bytes else b"", plan_json_name(c.file, sha))

    def write(self, job: Job, result: Result) -> None:
        """Report a plan a local worker filed; or file one from Dask: the JSON file first (atomic, named by
        content), then the plan into the database with the next commit: a kill in between leaves a file
        the next run rewrites, never a database row without its file."""
        path = where(job.path)
        if isinstance(result, (Problem, Stored)):
            self._report(path, job.file, job.sha256, result)
            return
        if result.json is not None:
            try:
                write_atomic(self.out / job.json, result.json)  # the name is one plain file name (plan_json_name)
            except InputError as err:
                self.fail(FailureRow(path, job.file, job.sha256, "write", err.code, err.reason))
                return
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append(NewPlan(job.sha256, path, job.file, job.json, result.rows))
        if len(self.pending) >= FLUSH_PLANS:
            self.flush()
        else:
            self.idle()

    def idle(self) -> None:
        """Commit the pending plans if the oldest has waited ``FLUSH_SECONDS``."""
        if self.pending and time.monotonic() - self.since >= FLUSH_SECONDS:
            self.flush()

    def flush(self) -> None:
        """Commit the pending plans in one transaction, then count and report each."""
        from planparse import __version__

        plans, self.pending = self.pending, []
        if not plans:
            return
        try:
            outcomes = self.store.add(plans, (__version__, now()), self.force)
        except sqlite3.Error as err:
            outcomes = [err] * len(plans)
        except BaseException:  # Ctrl-C in the middle: the transaction rolled back, the plans wait for the last flush
            self.pending = plans + self.pending
            raise
        for p, outcome in zip(plans, outcomes, strict=True):
            self._report(p.path, p.file, p.sha256, outcome_result(self.out, outcome))

    def _report(self, path: str, file: str, sha256: str, result: Problem | Stored) -> None:
        """Count and report one plan: failed, filed, or in the database already."""
        if isinstance(result, Problem):
            self.fail(FailureRow(path, file, sha256, result.stage, result.code, result.reason))
            return
        if result.new:
            self.summary.ingested += 1
            self.progress.advance("ingested", file)
        else:
            self.known(file)
        for twin, twin_file in self.twins.pop(sha256, []):
            self.known(twin_file, twin)

    def known(self, file: str, path: str | None = None) -> None:
        """A file whose plan is in the database already; ``path``: its failure of an earlier run is cleared."""
        if path is not None:
            self.store.clear_failure(path)
        self.summary.known += 1
        self.progress.advance("known", file)

    def fail(self, row: FailureRow) -> None:
        try:
            self.store.fail(row, now())
        except sqlite3.Error as err:  # the database takes no row (a full disk): no file can go in, so stop
            raise SetupError(f"{self.out}: cannot record results ({err}); what was filed is kept: make room and run again") from None
        self.summary.failed += 1
        self.summary.failures.append(row)
        self.progress.advance("failed", row.file, f"{row.reason} [{row.code}]")
        for twin, twin_file in self.twins.pop(row.sha256 or "", []):
            self.fail(replace(row, path=twin, file=twin_file))


def default_workers() -> int:
    """The cores this process may use (its CPU affinity where the OS tells), at least 1."""
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def ingest(
    paths: Iterable[str | Path],
    out_dir: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    force: bool = False,
    progress: Progress | None = None,
    parse_fn: ParseFn | None = None,
    options: Options | None = None,
) -> BatchSummary:
    """Ingest every plan under ``paths`` into ``out_dir`` and return what happened.

    ``workers`` local processes (default: the cores), or ``scheduler`` (``tcp://host:8786``) for an
    existing Dask cluster. ``force`` re-ingests files already in the database. ``parse_fn(bytes, name)``
    replaces planparse's parse (picklable: a module-level function); ``options`` are the loaders' limits.
    A bad file never raises: it is in ``summary.failures`` and ``errors.jsonl``. ``SetupError`` when the
    batch cannot run at all.
    """
    started, since = time.perf_counter(), now()
    roots = [Path(p) for p in paths]
    out = Path(out_dir)
    # the walk never enters the output folder (its tasks.xlsx would read as a broken .docx), so a folder
    # of plans given as its own output gave "0 plan files" and exit 0
    if out.is_dir() and any(r.is_dir() and os.path.samefile(r, out) for r in roots):
        raise SetupError(f"{out}: is the folder of plans itself; write the outputs to another folder (-o OUT)")
    parser = Parser(parse_fn, options)
    pool: LocalPool | None = None
    workbook: Workbook | None = None
    try:
        (out / "plans").mkdir(parents=True, exist_ok=True)
        if not scheduler:  # first: they start while we walk, before any thread of ours (workers._context) and our database connection
            n = workers or default_workers()
            pool = LocalPool(n, timeout, parser, Sink(out, force, files=n > PARENT_KEEPS_UP and n >= default_workers(), json=n >= default_workers()))
        workbook = Workbook.start(out / DB)  # it too before the database connection (export.py)
        store = Store(out / DB)
    except (OSError, sqlite3.Error) as err:
        for started_process in filter(None, (pool, workbook)):
            started_process.close()
        raise SetupError(f"{out}: cannot be used as the output folder: {err}") from None
    for folder in (out, out / "plans"):
        remove_stale_temps(folder)
    summary = BatchSummary(out)
    report = progress or NoProgress()
    io = BatchIO(out, store, report, summary, force)
    try:
        found = walk(roots, exclude=out)
        summary.files, summary.not_plans = len(found.candidates), found.not_plans
        report.start(len(found.candidates) + len(found.problems))
        for row in found.problems:
            io.fail(row)
        try:
            jobs = io.read(found.candidates, Options.resolve(options).max_bytes, keep_bytes=pool is None)
            for item in pool.run(jobs, store.known) if pool else run_dask(jobs, scheduler or "", timeout, parser):
                if item is None:
                    io.idle()
                else:
                    io.write(*item)
        finally:
            if pool:
                pool.close()
            try:
                io.flush()  # what Dask parsed goes in, even when Ctrl-C stops the batch (local workers file their own)
            finally:
                report.stop()
        for root in roots:  # failures under these roots that did not recur in this full run are resolved
            store.forget_failures(where(root), since)
        failed = None
        try:
            export(out, store, workbook)
        except InputError as err:  # an export that cannot be written (a full disk): raised anew once this block
            failed = InputError(err.path, err.code, err.reason)  # ends, its frames (open cursors) gone, the database open
        if failed is not None:
            raise failed
    finally:
        if pool:
            pool.close()
        if workbook:
            workbook.close()
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary
