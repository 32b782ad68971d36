"""Local worker processes for ``planparse batch``: one file at a time each, replaced when one hangs or dies.

Why it is built this way:

- A job crosses the pipe as a path, its sha256 and where its JSON file goes; a worker reads the
  file itself, checks the hash the batch decided on, parses, and files the plan itself: its JSON
  file at once, then its rows in the database with those of the next few plans, in one
  transaction (``sink``). Only what happened comes back (``jobs.Stored``), so the batch process,
  which every plan passes through, has the least to do per plan. Before each job a worker says it
  starts it, so that the job's timeout counts from then and a hang is blamed on the right file.
- Each worker has its file and, queued in its pipe, about ``QUEUED_S`` seconds of further files
  (2 to ``MAX_JOBS`` jobs in all, by the pace so far), so it never waits for the batch between
  files, not even while the batch commits a group of plans; slow files (PDFs) keep the queue short,
  so at the end no worker sits idle while another still has a queue. Only small messages are sent
  to a busy worker: a large one could fill the pipe while the worker sends a large result back, and
  both processes would wait for ever.
- Plain processes, not a pool: a file that hangs past the timeout has its worker killed and
  replaced; a worker that dies takes only its own file with it.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import suppress
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import planparse.pipeline  # noqa: F401 - imported here so forkserver workers start with it loaded
from planparse.grammar import load_grammars
from planparse.jobs import Job, Parser, Problem, Result
from planparse.sink import Sink, close_all

# How long the batch waits for a result before it hands back control (``None``), so that it can
# commit the plans it holds even while every worker is on a slow file.
IDLE_TICK_S = 0.25
# A worker files its plans a group at a time: a transaction per plan rewrites the same index pages
# again and again (285 KB of WAL a plan, measured: one per plan cost 1.9 ms a plan, one per 32
# plans 1.1 ms). It keeps about QUEUED_S of files queued, more than it holds plans for (HOLD_S),
# so it never runs dry while it holds them.
HOLD_PLANS, HOLD_S = 16, 0.1
QUEUED_S, MAX_JOBS = 0.2, 32
STARTED = "started"  # a worker's note that it begins its next job: the job's timeout starts then


def _context(first: bool = False) -> Any:
    """How worker processes start. ``fork`` for the first ones on Linux while this process has no other
    thread: they start in milliseconds with planparse loaded (a forkserver has to import it first, a
    third of a second that every batch waits for). Otherwise, as for the replacements of killed
    workers (the progress thread is running by then, and a fork beside a thread can inherit a held
    lock), the forkserver (clean, preloaded), or spawn where there is none."""
    if first and sys.platform == "linux" and threading.active_count() == 1:
        return mp.get_context("fork")
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["planparse.workers"])
        return ctx
    return mp.get_context("spawn")


def work(parser: Parser, job: Job) -> Result:
    """One job in a worker: read, check the content is what the batch hashed, parse. Never raises."""
    try:
        data = Path(job.path).read_bytes()
    except OSError as err:  # the file vanished or became unreadable since the walk
        return Problem("read", "unreadable", err.strerror or str(err))
    if hashlib.sha256(data).hexdigest() != job.sha256:  # else the database would file this text under another hash
        return Problem("read", "changed", "the file changed while the batch ran; the next run takes it")
    return parser(job.path, data)


def _serve(conn: Connection, alive: Connection, parser: Parser, sink: Sink, inherited: Connection | None) -> None:
    """A worker: one job at a time until told to stop, its plans filed a group at a time.

    Before each job it says ``STARTED``; the plans it finished wait (their JSON files written) until
    ``HOLD_PLANS`` of them, or ``HOLD_S`` seconds, or no next job is waiting, then go into the
    database in one transaction, and their results go back as one list, in job order.

    Its own process group, so that killing it also kills what it started (LibreOffice for a .doc)
    and Ctrl-C reaches the batch, which stops the workers itself. ``inherited``: the batch's end of
    ``alive``, which a forked worker has a copy of and closes (else ``alive`` would never read EOF).
    """
    if inherited is not None:
        inherited.close()
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(alive,), daemon=True).start()
    load_grammars()
    held: list[tuple[Job, Result]] = []
    since = 0.0
    try:
        while True:
            if held and (len(held) >= HOLD_PLANS or time.monotonic() - since >= HOLD_S or not conn.poll()):
                conn.send(sink.put(held))
                held = []
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            conn.send(STARTED)
            if not held:
                since = time.monotonic()
            held.append((job, sink.write_json(job, work(parser, job))))
    finally:
        close_all()


def _exit_with_parent(alive: Connection) -> None:
    """``alive`` turns readable (EOF) only when the batch process is gone, even by kill -9: then stop too."""
    with suppress(OSError):
        alive.poll(None)
    os._exit(0)


class _Worker:
    """A worker process, its pipe and its jobs in the order given: ``started`` of them begun and not
    yet reported (the last of those is the one it is on, due by ``deadline``), the others queued."""

    def __init__(self, ctx: Any, alive: tuple[Connection, Connection], parser: Parser, sink: Sink) -> None:
        self.conn, child = ctx.Pipe()
        inherited = alive[1] if ctx.get_start_method() == "fork" else None
        self.proc = ctx.Process(target=_serve, args=(child, alive[0], parser, sink, inherited), name="planparse-worker", daemon=True)
        self.proc.start()
        child.close()
        self.jobs: deque[Job] = deque()
        self.started = 0
        self.deadline = 0.0
        self.last_start = 0.0

    def give(self, job: Job, timeout: float) -> None:
        """Send a job (a few hundred bytes, no file content: never enough to fill the pipe, see the module's docstring)."""
        if not self.jobs:
            self.deadline = time.monotonic() + timeout
        self.jobs.append(job)
        with suppress(OSError):  # it died: its pipe reads EOF, and the job it was on is reported
            self.conn.send(job)

    def stop(self, kill: bool = False) -> int | None:
        """Ask it to finish (or kill its process group); returns its exit code (negative: the signal)."""
        if not kill:
            with suppress(OSError):
                self.conn.send(None)
        self.proc.join(0 if kill else 5)
        if self.proc.is_alive():
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group is its pid once it has called setpgid
            except (AttributeError, OSError):  # not yet in its own group
                self.proc.kill()
        self.proc.join()
        self.conn.close()
        return self.proc.exitcode


class LocalPool:
    """``workers`` local processes that file each plan into ``sink`` themselves.

    Started before the batch walks its folders, before it starts any thread and before it opens the
    database (an SQLite connection must not cross a fork), so the workers are ready when the first
    file is; ``close`` stops them.
    """

    def __init__(self, workers: int, timeout: float, parser: Parser, sink: Sink) -> None:
        self.timeout, self.parser, self.sink = timeout, parser, sink
        ctx = _context(first=True)
        if ctx.get_start_method() == "fork":
            load_grammars()  # once, here: forked workers share it, instead of each compiling it while the others do
        self.alive = ctx.Pipe(duplex=False)  # (read end for the workers, the batch's end)
        self.pool: list[_Worker] = []
        try:
            self.pool.extend(_Worker(ctx, self.alive, parser, sink) for _ in range(max(1, workers)))
        except BaseException:
            self.close()
            raise

    def run(self, jobs: Iterator[Job]) -> Iterator[tuple[Job, Result] | None]:
        """Results as they come; ``None`` when nothing came for ``IDLE_TICK_S``.

        Workers are topped up before results are handed back, so they parse while the caller reports.
        A file's time starts when its worker starts it; a hung or dead worker is replaced, only the
        file it was on fails, and the files it had finished but not yet filed, and those queued for
        it, go to the replacement.
        """
        pool, timeout, done, more = self.pool, self.timeout, [], True
        ahead, pace = 2, 0.0  # jobs per worker, and seconds per job (a moving average)
        while True:
            for w in pool:
                while more and len(w.jobs) < ahead:
                    job = next(jobs, None)
                    more = job is not None
                    if job is not None:
                        w.give(job, timeout)
            yield from done
            done = []
            busy = [w for w in pool if w.jobs]
            if not busy:
                return
            due = min(w.deadline for w in busy) - time.monotonic()
            ready = wait([w.conn for w in busy], timeout=max(0.0, min(due, IDLE_TICK_S)))
            clock = time.monotonic()
            for i, w in enumerate(pool):
                if not w.jobs or (w.conn not in ready and clock < w.deadline):
                    continue
                msg: Any = None
                if w.conn in ready:
                    with suppress(EOFError, OSError):
                        msg = w.conn.recv()
                if msg == STARTED:
                    if w.last_start:
                        pace = clock - w.last_start if not pace else 0.8 * pace + 0.2 * (clock - w.last_start)
                        ahead = max(2, min(MAX_JOBS, 1 + math.ceil(QUEUED_S / max(pace, 1e-3))))
                    w.started += 1
                    w.last_start, w.deadline = clock, clock + timeout
                    continue
                if isinstance(msg, list):  # the results of its oldest jobs, filed
                    done.extend((w.jobs.popleft(), result) for result in msg)
                    w.started -= len(msg)
                    w.deadline = clock + timeout  # filing them counts as work on the next job
                    continue
                code = w.stop(kill=True)
                why = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
                problem = (
                    Problem("worker", "worker-died", f"the worker process died ({why}); it was replaced")
                    if w.conn in ready
                    else Problem("timeout", "timeout", f"no result after {timeout:g} s; the worker was stopped and replaced")
                )
                on = max(0, w.started - 1)  # the job it was on; those before it were done, not yet filed
                done.append((w.jobs[on], problem))
                del w.jobs[on]
                pool[i] = _Worker(_context(), self.alive, self.parser, self.sink)
                for job in w.jobs:
                    pool[i].give(job, timeout)
            if not done:
                yield None  # nothing came for a while: the caller may commit what it holds

    def close(self) -> None:
        """Stop the workers (killing any still on a file); closing twice is harmless."""
        pool, self.pool = self.pool, []
        for w in pool:
            w.stop(kill=bool(w.jobs))
        for end in self.alive:
            end.close()
