"""``planparse batch``: a folder of plans into one database and one task table; parallel, re-runnable, losing nothing.

Why it is built this way:

- Work crosses processes as a path (local workers read the file) or bytes (Dask workers share no
  disk with us) in, (contract JSON, table rows) out (``store.Parser``); the parent only writes.
- Local workers are plain processes holding one file each: a file that hangs past the timeout has
  its worker killed and replaced; a worker that dies takes only its own file with it.
- Each plan's JSON file is written atomically, then the plan goes into the database in one
  transaction: a batch killed at any moment (even ``kill -9``) leaves whole plans only, and the next
  run skips what is in (by sha256). The JSONL, the tables and ``errors.jsonl`` are rebuilt from one
  snapshot at the end, under a lock (``tables.export``), so two batches never interleave them.
- Memory stays flat: a bounded number of jobs is in flight and the exports stream from the database.

>>> found = walk(["samples"])
>>> found.candidates[0].file, any(c.file == "README.md" for c in found.candidates)
('000_58eff289fd67a2be.txt', False)
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import signal
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

import planparse.pipeline  # noqa: F401 - imported here so forkserver workers start with it loaded
from planparse.errors import PlanparseError
from planparse.grammar import load_grammars
from planparse.loaders import sniff_format
from planparse.options import Options
from planparse.outputs import DB, BatchIO, BatchSummary, NoProgress, Progress, remove_stale_temps
from planparse.store import FailureRow, Job, ParseFn, Parser, Problem, Result, Store, now
from planparse.tables import export, warm_up

__all__ = ["BatchSummary", "SetupError", "ingest", "walk"]

# A file with one of these names is meant as a plan: it parses or is reported. Content that sniffs as
# PDF or DOCX is a plan whatever its name; other files (README.md, .xls, images) are skipped and counted.
PLAN_SUFFIXES = frozenset({".txt", ".pdf", ".docx", ".doc", ".wps", ".html", ".htm"})
PLAN_FORMATS = frozenset({"pdf", "docx"})
SNIFF_BYTES = 8192
DEFAULT_TIMEOUT = 120.0
SCATTER_BYTES = 1 << 20  # larger files go to a Dask worker directly, not through the scheduler


class SetupError(PlanparseError):
    """The batch cannot run at all: an output folder it cannot use, no dask, an unreachable scheduler."""

    code = "setup"


@dataclass(frozen=True)
class Candidate:
    path: str  # as walked (the plan's Source.path)
    file: str  # relative to the folder given, as shown in the tables


@dataclass
class Walk:
    candidates: list[Candidate] = field(default_factory=list)
    not_plans: int = 0
    problems: list[FailureRow] = field(default_factory=list)


def walk(roots: Iterable[str | Path], exclude: Path | None = None) -> Walk:
    """Plan files under ``roots``, sorted: by content (``sniff_format``) or by a plan suffix. Hidden
    entries and Word lock files (``~$…``) are passed over; symlinks are followed; a link back to a parent
    folder and an unreadable folder are problems, not errors; ``exclude`` (the output folder) is not entered.
    """
    found = Walk()
    skip = _key(exclude) if exclude is not None and exclude.is_dir() else None
    for root in map(Path, roots):
        if root.is_dir():
            _walk_dir(root, skip, found)
        elif root.is_file():
            found.candidates.append(Candidate(str(root), root.name))
        else:
            found.problems.append(FailureRow(os.path.abspath(root), str(root), None, "read", "not-found", "no such file or folder"))
    return found


def _key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def _walk_dir(root: Path, skip: tuple[int, int] | None, found: Walk) -> None:
    """Depth-first with an explicit stack; each folder carries its parents' (device, inode) to spot loops."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Path, tuple[tuple[int, int], ...]]] = [(root, ())]
    while stack:
        folder, parents = stack.pop()
        problem = FailureRow(os.path.abspath(folder), folder.relative_to(root).as_posix(), None, "walk", "", "")
        try:
            key = _key(folder)
            if key in parents:
                found.problems.append(replace(problem, code="symlink-loop", reason="links back to a parent folder; not followed"))
            if key in parents or key in seen or key == skip:
                continue
            seen.add(key)
            with os.scandir(folder) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as err:
            found.problems.append(replace(problem, code="unreadable-folder", reason=err.strerror or str(err)))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            if os.path.isdir(path):  # follows links; False when it cannot tell
                subfolders.append(path)
            else:
                _consider(path, path.relative_to(root).as_posix(), found)
        stack.extend((p, (*parents, key)) for p in reversed(subfolders))


def _consider(path: Path, rel: str, found: Walk) -> None:
    try:
        if path.name.startswith("~$") or not path.is_file():  # lock files, broken links, sockets, FIFOs
            found.not_plans += 1
            return
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as err:
        found.problems.append(FailureRow(os.path.abspath(path), rel, None, "read", "unreadable", err.strerror or str(err)))
        return
    if sniff_format(head) in PLAN_FORMATS or path.suffix.lower() in PLAN_SUFFIXES:
        found.candidates.append(Candidate(str(path), rel))
    else:
        found.not_plans += 1


def _context() -> Any:
    """forkserver where there is one (clean, preloaded, safe beside the progress thread), spawn elsewhere."""
    if "forkserver" in mp.get_all_start_methods():
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["planparse.batch"])
        return ctx
    return mp.get_context("spawn")


def _serve(conn: Connection, alive: Connection, parser: Parser) -> None:
    """A worker: one job at a time until told to stop.

    Its own process group, so that killing it also kills what it started (LibreOffice for a .doc)
    and Ctrl-C reaches the batch, which stops the workers itself.
    """
    if hasattr(os, "setpgid"):
        os.setpgid(0, 0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(alive,), daemon=True).start()
    load_grammars()
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        path, data = msg
        try:
            conn.send(parser(path, data if data is not None else Path(path).read_bytes()))
        except OSError as err:  # the file vanished or became unreadable since the walk
            conn.send(Problem("read", "unreadable", err.strerror or str(err)))


def _exit_with_parent(alive: Connection) -> None:
    """``alive`` turns readable (EOF) only when the batch process is gone, even by kill -9: then stop too."""
    with suppress(OSError):
        alive.poll(None)
    os._exit(0)


class _Worker:
    """A worker process, its pipe and its jobs: one in work (due by ``deadline``) and one queued."""

    def __init__(self, ctx: Any, alive: Connection, parser: Parser) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, alive, parser), name="planparse-worker", daemon=True)
        self.proc.start()
        child.close()
        self.jobs: deque[Job] = deque()
        self.deadline = 0.0

    def give(self, job: Job, timeout: float) -> None:
        """Send a job's path: bytes sent to a busy worker could fill the pipe while it sends a large
        result back, and both processes would wait for ever. Local workers read the file."""
        if not self.jobs:
            self.deadline = time.monotonic() + timeout
        self.jobs.append(job)
        with suppress(OSError):  # it died: its pipe reads EOF, and the job at the head is reported
            self.conn.send((job.path, None))

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


def run_local(jobs: Iterator[Job], workers: int, timeout: float, parser: Parser) -> Iterator[tuple[Job, Result]]:
    """Jobs through ``workers`` local processes, results as they come; a hung or dead worker is replaced.

    Workers are topped up before results are handed back, so they parse while the caller writes. A
    file's time starts when its worker starts it; when a worker is killed, only the file it was on
    fails, and its queued file goes to the replacement.
    """
    ctx = _context()
    alive, alive_w = ctx.Pipe(duplex=False)
    pool = [_Worker(ctx, alive, parser) for _ in range(max(1, workers))]
    done: list[tuple[Job, Result]] = []
    more = True
    try:
        while True:
            for w in pool:
                while more and len(w.jobs) < 2:
                    job = next(jobs, None)
                    more = job is not None
                    if job is not None:
                        w.give(job, timeout)
            yield from done
            done = []
            busy = [w for w in pool if w.jobs]
            if not busy:
                return
            ready = wait([w.conn for w in busy], timeout=max(0.0, min(w.deadline for w in busy) - time.monotonic()))
            clock = time.monotonic()
            for i, w in enumerate(pool):
                if not w.jobs or (w.conn not in ready and clock < w.deadline):
                    continue
                result: Result | None = None
                if w.conn in ready:
                    with suppress(EOFError, OSError):
                        result = w.conn.recv()
                if result is not None:
                    done.append((w.jobs.popleft(), result))
                    w.deadline = time.monotonic() + timeout  # the queued file starts now
                    continue
                code = w.stop(kill=True)
                why = f"killed by signal {-code}" if code and code < 0 else f"exit code {code}"
                result = (
                    Problem("worker", "worker-died", f"the worker process died ({why}); it was replaced")
                    if w.conn in ready
                    else Problem("timeout", "timeout", f"no result after {timeout:g} s; the worker was stopped and replaced")
                )
                done.append((w.jobs.popleft(), result))
                pool[i] = _Worker(ctx, alive, parser)
                for job in w.jobs:
                    pool[i].give(job, timeout)
    finally:
        for w in pool:
            w.stop(kill=bool(w.jobs))
        alive_w.close()
        alive.close()


def run_dask(jobs: Iterator[Job], scheduler: str, timeout: float, parser: Parser) -> Iterator[tuple[Job, Result]]:
    """Jobs on an existing Dask cluster. The bytes travel with each task, so workers need no shared disk,
    only planparse installed; at most two tasks per worker thread are in flight.

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
                finished.get(timeout=max(0.01, min(d for _, d in inflight.values()) - time.monotonic()))
            clock = time.monotonic()
            for fut, (job, deadline) in list(inflight.items()):
                if fut.done():
                    del inflight[fut]
                    done.append((job, _dask_result(fut)))
                elif clock >= deadline:
                    del inflight[fut]
                    _abandon(client, fut)
                    done.append((job, Problem("timeout", "timeout", f"no result after {timeout:g} s; the task was cancelled")))
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
    try:
        (out / "plans").mkdir(parents=True, exist_ok=True)
        store = Store(out / DB)
    except (OSError, sqlite3.Error) as err:
        raise SetupError(f"{out}: cannot be used as the output folder: {err}") from None
    for folder in (out, out / "plans"):
        remove_stale_temps(folder)
    summary = BatchSummary(out)
    report = progress or NoProgress()
    parser = Parser(parse_fn, options)
    io = BatchIO(out, store, report, summary, force)
    try:
        found = walk(roots, exclude=out)
        summary.files, summary.not_plans = len(found.candidates), found.not_plans
        report.start(len(found.candidates) + len(found.problems))
        warm_up()
        for row in found.problems:
            io.fail(row)
        try:
            jobs = io.read(found.candidates, Options.resolve(options).max_bytes)
            results = run_dask(jobs, scheduler, timeout, parser) if scheduler else run_local(jobs, workers or default_workers(), timeout, parser)
            for job, result in results:
                io.write(job, result)
        finally:
            report.stop()
        for root in roots:  # failures under these roots that did not recur in this full run are resolved
            store.forget_failures(os.path.abspath(root), since)
        export(out, store)
    finally:
        store.close()
    summary.seconds = time.perf_counter() - started
    return summary
