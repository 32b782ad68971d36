"""Where a local worker files the plans it parsed: each one's JSON file, then their rows in the batch's database.

Why the workers write, not the batch process: on a machine whose every core runs a worker, the batch
process shares those cores, so what it does per plan is what keeps the batch from scaling with
workers; and where a core is left for it, its work still slows the worker beside it (two busy
processes on a 2-vCPU machine: parsing ran 26 % slower beside a database writer, 43 % beside a busy
loop, measured). Inserting a plan's rows was most of that work. So each worker inserts its own
plans, and the batch process only hands out files and counts what comes back.

A transaction per plan rewrites the same index pages again and again (285 KB of WAL a plan; 1.9 ms
a plan against 1.1 ms for 32 plans a transaction, measured), so a worker files its plans a group at
a time (``Filer``): between two files, once the first plan it holds is ``HOLD_S`` old, or it holds
``HOLD_PLANS``, or it has nothing else to do. While it is on a long file, a second thread files what
it holds after ``LATE_S``, so that finished plans never wait for a slow one (and Ctrl-C keeps them);
it is only a backstop, as two threads in one process take turns at Python's lock and slow each
other down. WAL and the busy timeout let the workers, and other batches, take turns.

With few workers, or a core to spare, the batch process keeps up with filing what they parse
(``batch.PARENT_KEEPS_UP``): there the workers parse, write each plan's JSON file and send its rows
back, and the batch process files them, beside the parsing instead of after it (``Sink.files``).
The JSON file (60 KB a plan, the text in it) never crosses the pipe: pickling, sending and
unpickling it cost the batch process a fifth of its time per plan.

The JSON file is written first and the database row names it: a kill in between leaves a file the
next run rewrites, never a row without its file. A plan that replaces an older one from the same path
(other content) removes that one's JSON file once the new row is committed.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from planparse.errors import InputError
from planparse.jobs import Job, Parsed, Problem, Result, Stored
from planparse.outputs import DB, write_atomic
from planparse.rows import NewPlan, now
from planparse.store import Store
from planparse.walk import where

HOLD_PLANS, HOLD_S = 16, 0.1  # at most this many plans, or this long after the first, per transaction
LATE_S = 0.5  # while the worker is on a long file, its second thread files what waited this long
FILING = "filing"  # a worker's note (with the number of jobs) that it commits a group now

_OPEN: dict[Path, Store] = {}  # this process's connection per database: opened at its first plan
if hasattr(os, "register_at_fork"):  # a connection must never cross a fork
    os.register_at_fork(after_in_child=_OPEN.clear)


@dataclass(frozen=True)
class Sink:
    """The output folder a worker files plans into; ``force`` re-files a plan already in. ``files``:
    the workers file their plans; else each sends its parsed plans back, for the batch process to
    file (when it has a core of its own, that takes the filing off the workers' time). ``json``: the
    workers write the JSON files; else they send them back too (fewer workers than cores: the batch
    process writes them on the core left over, 0.2–0.4 ms a plan off the worker)."""

    out: Path
    force: bool = False
    files: bool = True
    json: bool = True

    def write_json(self, job: Job, result: Result) -> Result:
        """A parsed plan's JSON file, at once (atomic); the plan comes back without its JSON, to wait for ``put``."""
        if not isinstance(result, Parsed) or not (self.json or self.files):
            return result
        if result.json is None:
            return Problem("write", "no-json", "the parser gave no JSON to write")
        try:
            write_atomic(self.out / job.json, result.json)  # the name is one plain file name (plan_json_name)
        except InputError as err:
            return Problem("write", err.code, err.reason)
        return Parsed(None, result.rows)

    def put(self, held: list[tuple[Job, Result]]) -> list[Result]:
        """Insert the parsed plans among ``held`` in one transaction; every job's result, in order. Never raises."""
        from planparse import __version__

        plans = [NewPlan(job.sha256, where(job.path), job.file, job.json, r.rows) for job, r in held if isinstance(r, Parsed)]
        outcomes: list[list[str] | Exception | None]
        try:
            store = _OPEN.get(self.out)
            if store is None:
                store = _OPEN[self.out] = Store(self.out / DB, shared=True)  # the worker's two threads, one at a time (Filer)
            outcomes = store.add(plans, (__version__, now()), self.force) if plans else []
        except Exception as err:  # locked past the busy timeout, disk full, a damaged file; or a bug
            outcomes = [err] * len(plans)
        filed = iter(outcomes)
        return [outcome_result(self.out, next(filed)) if isinstance(r, Parsed) else r for _, r in held]

def outcome_result(out: Path, outcome: list[str] | Exception | None) -> Problem | Stored:
    """What ``Store.add`` said of one plan, as the batch reports it; the JSON files of the plans it
    replaced are removed (from ``out/plans``) once its row is committed."""
    if isinstance(outcome, sqlite3.Error):
        return Problem("write", "database", str(outcome))
    if isinstance(outcome, Exception):  # values the database cannot take (an int above 2**63 from a custom parser)
        return Problem("write", "internal-error", f"{type(outcome).__name__}: {outcome}")
    if outcome is None:  # another batch into this folder filed it first
        return Stored(new=False)
    for old in outcome:
        try:
            (out / "plans" / Path(old).name).unlink(missing_ok=True)
        except OSError:
            pass  # a stale JSON file is harmless: no row names it
    return Stored(new=True)


class Filer:
    """The plans a worker finished (``add``), filed a group at a time in job order: each group's
    ``(FILING, n)`` and then its results go out through ``send``. The worker calls ``between_jobs``;
    a thread of its own files what has waited ``LATE_S``; ``close`` files the rest and stops."""

    def __init__(self, sink: Sink, send: Callable[[Any], None]) -> None:
        self.sink, self.send = sink, send
        self.held: list[tuple[Job, Result]] = []
        self.since = 0.0  # when the first held plan came
        self.mutex = threading.Lock()  # guards held and since
        self.filing = threading.Lock()  # one group at a time, so that groups go out in order
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="planparse-filer", daemon=True)
        self.thread.start()

    def add(self, job: Job, result: Result) -> None:
        with self.mutex:
            if not self.held:
                self.since = time.monotonic()
            self.held.append((job, result))

    def between_jobs(self, idle: bool) -> None:
        """File the held plans if they are due (``idle``: the worker has no next file yet), unless the
        other thread is filing just now."""
        if self.filing.acquire(blocking=False):
            try:
                self._file(0.0 if idle else HOLD_S)
            finally:
                self.filing.release()

    def close(self) -> None:
        self.stopping.set()
        self.thread.join()
        with self.filing:
            self._file(0.0)

    def _watch(self) -> None:
        while not self.stopping.wait(0.1):
            with self.filing:
                self._file(LATE_S)

    def _file(self, age: float) -> None:
        """File the held plans if the first of them is ``age`` seconds old, or there are HOLD_PLANS (with ``filing`` held)."""
        with self.mutex:
            if not self.held or (len(self.held) < HOLD_PLANS and time.monotonic() - self.since < age):
                return
            group, self.held = self.held, []
        self.send((FILING, len(group)))
        self.send(self.sink.put(group))


def close_all() -> None:
    """Close this process's database connections."""
    while _OPEN:
        _OPEN.popitem()[1].close()
