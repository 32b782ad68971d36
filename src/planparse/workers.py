"""Local worker processes for ``planparse batch``: one file at a time each, replaced when one hangs or dies.

Why it is built this way:

- A job (``jobs.Job``: a path, its sha256, its JSON file's name) crosses the pipe; a worker reads
  the file itself, checks the hash the batch decided on, parses, and files the plan itself: its
  JSON file at once, then its rows in the database, a group of plans a transaction
  (``sink.Filer``). Only what happened comes back (``jobs.Stored``), so
  the batch process, which every plan passes through, has the least to do per plan. With few
  workers, or a core to spare, the workers send each plan's rows back instead (its JSON file
  written), and the batch process files them while they parse (``Sink.files``).
- A worker says when it starts a job (``STARTED``) and when it files a group (``FILING``): a job's
  timeout counts from its start, a hang is blamed on the file it was on, and a database that is
  locked for a while holds the filing up without any file being blamed.
- Each worker has its file and, queued in its pipe, about ``QUEUED_S`` seconds of further files
  (2 to ``MAX_JOBS`` jobs in all, by the pace so far), so it never waits for the batch between
  files; slow files (PDFs) keep the queue short, so at the end no worker sits idle while another
  still has a queue. The batch sends only small messages: were both sides to send a message larger
  than the pipe holds, both would wait for ever. A worker's plan rows (sent back when the batch
  process files) can be large, and are sent whole, by the worker's one thread, before its next job.
- Plain processes, not a pool: a file that hangs past the timeout has its worker killed and
  replaced; a worker that dies takes only its own file with it (what it had finished goes to the
  replacement, what it had filed is looked up in the database).
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing as mp
import os
import signal
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import suppress
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import planparse.pipeline  # noqa: F401 - imported here so forkserver workers start with it loaded
from planparse.grammar import load_grammars
from planparse.jobs import Job, Parser, Problem, Result, Stored
from planparse.outputs import DB
from planparse.sink import FILING, LATE_S, Filer, Sink, close_all
from planparse.store import BUSY_TIMEOUT_S

# How long the batch waits for a result before it hands back control (``None``), so that it can
# commit the plans it holds even while every worker is on a slow file.
IDLE_TICK_S = 0.25
QUEUED_S, MAX_JOBS = 0.2, 32  # seconds of files queued per worker (2 to MAX_JOBS files)
STARTED = "started"  # a worker's note that it begins its next job: the job's timeout starts then
FILING_GRACE_S = BUSY_TIMEOUT_S + 30  # filing ends by itself within the busy timeout: only then is it hung
STRIKES = 3  # workers in a row that die before they start anything: the batch gives up on their files


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
    """A worker: one job at a time until told to stop. It says ``STARTED`` before each job, writes the
    plan's JSON file, and hands the plan to its ``Filer``, which files a group at a time (between
    jobs, or from its own thread during a long one) and sends the results back, in job order.

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
    lock = threading.Lock()  # two threads send: this one and the filer

    def send(msg: Any) -> None:
        with lock:
            conn.send(msg)

    filer = Filer(sink, send) if sink.files else None
    if filer is None:
        _widen(conn)
    try:
        while True:
            if filer is not None:
                filer.between_jobs(idle=not conn.poll())
            try:
                job = conn.recv()
            except (EOFError, OSError):
                return
            if job is None:
                return
            send(STARTED)
            result = sink.write_json(job, work(parser, job))  # here, so that only the rows cross the pipe
            if filer is None:
                # the batch process files it (it keeps up with the workers). Sent whole before the next
                # job starts: the rows may be more than the pipe holds, and one half sent by a thread
                # while a hung parse holds Python's lock would leave the batch reading it for ever
                send([result])
            else:
                filer.add(job, result)
    finally:
        if filer is not None:
            filer.close()
        close_all()


def _widen(conn: Connection, size: int = 8 << 20) -> None:
    """Let the pipe hold several parsed plans (the system may allow less), so that the worker parses
    on while the batch process commits a group and does not read: else each plan waits to be sent."""
    try:
        with socket.socket(fileno=os.dup(conn.fileno())) as end:
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, size)
    except (OSError, AttributeError, ValueError):
        pass  # not a socket here (a plain pipe on another system): plans wait a little, nothing more


def _exit_with_parent(alive: Connection) -> None:
    """``alive`` turns readable (EOF) only when the batch process is gone, even by kill -9: then stop too."""
    with suppress(OSError):
        alive.poll(None)
    os._exit(0)


class _Worker:
    """A worker process, its pipe and its jobs in the order given: ``started`` of them begun and not yet
    reported (the last of those is the one it is on, due by ``deadline``, unless all of them are
    done and held), the oldest ``filing`` of them being filed since ``filing_since``; the rest queued."""

    def __init__(self, ctx: Any, alive: tuple[Connection, Connection], parser: Parser, sink: Sink) -> None:
        self.conn, child = ctx.Pipe()
        inherited = alive[1] if ctx.get_start_method() == "fork" else None
        self.proc = ctx.Process(target=_serve, args=(child, alive[0], parser, sink, inherited), name="planparse-worker", daemon=True)
        self.proc.start()
        child.close()
        self.jobs: deque[Job] = deque()
        self.started = self.filing = 0
        self.deadline = self.filing_since = self.last_start = 0.0

    def give(self, job: Job, timeout: float) -> None:
        """Send a job (a few hundred bytes, no file content: never enough to fill the pipe, see the module's docstring)."""
        if not self.jobs:
            self.deadline = time.monotonic() + timeout
        self.jobs.append(job)
        with suppress(OSError):  # it died: its pipe reads EOF, and the job it was on is reported
            self.conn.send(job)

    def due(self) -> float:
        """When it is hung: its job's deadline, later while it files (a locked database waits by itself)."""
        return max(self.deadline, self.filing_since + FILING_GRACE_S) if self.filing else self.deadline

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
    """``workers`` local processes that file each plan into ``sink`` themselves, or send it back for the
    batch process to file (``Sink.files``).

    Started before the batch walks its folders, before it starts any thread and before it opens the
    database (an SQLite connection must not cross a fork: where this process holds the database
    open already, the workers start from the forkserver instead), so the workers are ready when the
    first file is; ``close`` stops them.
    """

    def __init__(self, workers: int, timeout: float, parser: Parser, sink: Sink) -> None:
        self.timeout, self.parser, self.sink = timeout, parser, sink
        ctx = _context(first=not holds_open(sink.out / DB))
        if ctx.get_start_method() == "fork":
            load_grammars()  # once, here: forked workers share it, instead of each compiling it while the others do
        self.alive = ctx.Pipe(duplex=False)  # (read end for the workers, the batch's end)
        self.pool: list[_Worker] = []
        self.strikes = 0
        try:
            self.pool.extend(_Worker(ctx, self.alive, parser, sink) for _ in range(max(1, workers)))
        except BaseException:
            self.close()
            raise

    def run(self, jobs: Iterator[Job], known: Callable[[str], bool]) -> Iterator[tuple[Job, Result] | None]:
        """Results as they come; ``None`` when nothing came for ``IDLE_TICK_S``. ``known(sha256)``: whether
        a plan is in the database (what a worker that died while filing got in).

        Workers are topped up before results are handed back, so they parse while the caller reports.
        A file's time starts when its worker starts it; a hung or dead worker is replaced, only the
        file it was on fails, and the files it had finished but not filed, and those queued for it,
        go to the replacement.
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
            due = min(w.due() for w in busy) - time.monotonic()
            ready = wait([w.conn for w in busy], timeout=max(0.0, min(due, IDLE_TICK_S)))
            clock = time.monotonic()
            for i, w in enumerate(pool):
                if not w.jobs or (w.conn not in ready and (clock < w.due() or w.conn.poll())):
                    continue  # (a message that came just now is read in the next round)
                msg: Any = None
                if w.conn in ready:
                    with suppress(EOFError, OSError):
                        msg = w.conn.recv()
                if msg == STARTED:
                    if w.last_start:
                        took = clock - w.last_start
                        pace = took if not pace else 0.8 * pace + 0.2 * took
                        ahead = max(2, min(MAX_JOBS, 1 + math.ceil(QUEUED_S / max(pace, 1e-3))))
                    w.started += 1
                    w.last_start, w.deadline = clock, clock + timeout
                elif isinstance(msg, tuple) and msg[0] == FILING:
                    w.filing, w.filing_since = msg[1], clock
                elif isinstance(msg, list):  # the results of its oldest jobs, filed
                    done.extend((w.jobs.popleft(), result) for result in msg)
                    w.started -= len(msg)
                    w.filing = 0
                    self.strikes = 0
                else:
                    done.extend(self._replace(i, w, died=w.conn in ready, known=known))
            if not done:
                yield None  # nothing came for a while: the caller may commit what it holds

    def _replace(self, i: int, w: _Worker, died: bool, known: Callable[[str], bool]) -> list[tuple[Job, Result]]:
        """Replace a dead or hung worker; what becomes of its jobs. A group it was filing is looked up
        in the database. The job it was on fails, unless it died while filing (which of its threads
        failed is unknown: all is tried again) or hung there (the database is to blame). The others go
        to the replacement; after ``STRIKES`` replacements in a row that got nothing done, the first
        of them fails, so that the batch ends."""
        code = w.stop(kill=True)
        why = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
        out: list[tuple[Job, Result]] = []
        jobs = list(w.jobs)
        group, rest = jobs[: w.filing], jobs[w.filing :]
        on = w.started - w.filing - 1  # in rest: the job it was on (or the last it finished); those before it are done, not filed
        if not w.filing and 0 <= on < len(rest):
            problem = (
                Problem("worker", "worker-died", f"the worker process died ({why}); it was replaced")
                if died
                else Problem("timeout", "timeout", f"no result after {self.timeout:g} s; the worker was stopped and replaced")
            )
            out.append((rest.pop(on), problem))
        retry = []
        for job in group:  # it may have committed them before it died
            if known(job.sha256):
                out.append((job, Stored(new=True)))
            elif not died:
                out.append((job, Problem("write", "database", f"filing into the database took over {FILING_GRACE_S:g} s")))
            else:
                retry.append(job)
        jobs = retry + rest
        self.strikes = 0 if out else self.strikes + 1
        if self.strikes >= STRIKES and jobs:
            out.append((jobs.pop(0), Problem("worker", "worker-died", f"{STRIKES} workers in a row died or hung without a result ({why})")))
            self.strikes = 0
        self.pool[i] = _Worker(_context(), self.alive, self.parser, self.sink)
        for job in jobs:
            self.pool[i].give(job, self.timeout)
        return out

    def close(self) -> None:
        """Stop the workers (killing any still on a file, after a moment to file what they hold);
        closing twice is harmless."""
        pool, self.pool = self.pool, []
        if any(w.jobs for w in pool):
            time.sleep(LATE_S + 0.3)  # interrupted: the workers' filer threads commit the plans that are done
        for w in pool:
            w.stop(kill=bool(w.jobs))
        for end in self.alive:
            end.close()


def holds_open(path: Path) -> bool:
    """Whether this process has ``path`` (or its -wal/-shm) open: then a forked worker would inherit
    SQLite's locks on it and take none of its own. Linux only (where fork is used at all)."""
    names = {str(path.resolve()) + suffix for suffix in ("", "-wal", "-shm")}
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return False
    for fd in fds:
        with suppress(OSError):
            if os.readlink(f"/proc/self/fd/{fd}") in names:
                return True
    return False
