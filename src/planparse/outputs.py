"""Writing results: atomic files, per-plan counts, and what a batch leaves in its output folder.

Every file here is written whole or not at all (a temp file in the same folder, then a rename),
so a batch killed at any moment leaves the previous version of each output, never half of one.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol, TextIO

from planparse.errors import InputError
from planparse.models import Plan
from planparse.rows import FailureRow

# What a batch leaves in its output folder (besides plans/<name>.json per plan).
DB, JSONL, XLSX, CSV, ERRORS, STATE = "planparse.db", "plans.jsonl", "tasks.xlsx", "tasks.csv", "errors.jsonl", ".planparse.state"

_UNSAFE = re.compile(r"[^\w\u3000-\u303f\uff00-\uffef()（）\-+.]+")


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write via a temp file in the same folder, then rename: never a half-written file. Bytes go as they are."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_path(path) as tmp, open(tmp, "xb") as fh:
        fh.write(data)


_TMP_SEQ = itertools.count()
_TMP_TAG = os.urandom(4).hex()  # per process start: a stale temp from an earlier process with our pid never clashes


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp path beside ``path`` that is renamed onto it when the block ends without an error.

    The temp name is unique per process (pid, a random tag, a counter), so concurrent batches never
    share one; open it with an exclusive mode (``"x"``), so a planted link there is never written
    through; the rename replaces whatever is at ``path`` (a link too) and never writes through it.
    Every plan's JSON file passes through here: one ``stat`` when the folder is there, nothing more.
    """
    path = Path(path)
    parent = path.parent
    tmp = parent / f".planparse-{os.getpid()}-{_TMP_TAG}{next(_TMP_SEQ)}.tmp"
    if not os.path.isdir(parent):
        try:
            parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise InputError(str(path), "write-failed", f"cannot write output: {err.strerror or err}") from None
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise InputError(str(path), "write-failed", f"cannot write output: {err.strerror or err}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def remove_stale_temps(folder: Path) -> int:
    """Delete the temp files that a killed batch left in ``folder`` (those whose process is gone)."""
    removed = 0
    for tmp in folder.glob(".planparse-*-*.tmp"):
        pid = tmp.name.split("-")[1]
        try:
            os.kill(int(pid), 0)  # signal 0: is it alive (or someone else's)?
        except ProcessLookupError:
            tmp.unlink(missing_ok=True)
            removed += 1
        except (ValueError, OSError):
            pass
    return removed


@contextmanager
def atomic_file(path: Path, encoding: str = "utf-8", newline: str | None = None) -> Iterator[TextIO]:
    """A text file that appears at ``path`` only when the block ends without an error (else nothing changes)."""
    with atomic_path(path) as tmp, open(tmp, "x", encoding=encoding, newline=newline) as fh:
        yield fh


def plan_counts(plan: Plan) -> dict[str, int]:
    """How many headings, tasks, units, deadlines (task deadlines + milestones), targets, warnings."""
    units = sum(len(t.lead_units) + len(t.responsible_units) + len(t.cooperating_units) for t in plan.tasks)
    deadlines = sum((1 if t.deadline else 0) + len(t.milestones) for t in plan.tasks)
    return {
        "sections": len(plan.iter_sections()),
        "tasks": len(plan.tasks),
        "units": units,
        "deadlines": deadlines,
        "targets": len(plan.targets),
        "warnings": len(plan.warnings),
    }


def plan_json_name(path: str, sha256: str) -> str:
    """``plans/<stem>-<sha256[:12]>.json``: readable, one name per content, never a path outside the folder.

    The stem keeps letters, digits, CJK and a few marks; anything else (separators, ``..``, spaces)
    becomes ``_``, and it is cut to 120 UTF-8 bytes (file names stop at 255). The content hash makes
    two 方案.pdf from different folders two files.

    >>> plan_json_name("县/方案 (终稿).pdf", "ab" * 32)
    'plans/方案_(终稿)-abababababab.json'
    >>> plan_json_name("../../.bashrc", "0" * 64)
    'plans/bashrc-000000000000.json'
    """
    stem = _UNSAFE.sub("_", Path(path.replace("\\", "/")).stem).strip("._-")
    stem = stem.encode("utf-8")[:120].decode("utf-8", "ignore") or "plan"
    return f"plans/{stem}-{sha256[:12]}.json"


def inside(root: Path, rel: str) -> Path:
    """``root / rel``, refusing anything that would resolve outside ``root`` (a link planted in the folder)."""
    target = (root / rel).resolve()
    if not target.is_relative_to(root.resolve()):
        raise InputError(str(root / rel), "write-failed", f"refusing to write outside {root}")
    return target


@contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder/.planparse.lock`` (POSIX flock), so two batches never export at once."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: exports are still atomic renames
        yield
        return
    with open(folder / ".planparse.lock", "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def write_jsonl(out: Path, json_names: Iterable[tuple[str]], dest: Path) -> int:
    """``plans.jsonl`` from the per-plan JSON files, one plan per line, streamed (one plan in memory at a time)."""
    n = 0
    with atomic_path(dest) as tmp, open(tmp, "xb") as fh:  # bytes as they are: nothing to decode and encode again
        for (name,) in json_names:
            try:
                data = (out / name).read_bytes()
            except OSError:
                continue  # removed by hand; the database still lists it
            fh.write(data.rstrip(b"\n") + b"\n")
            n += 1
    return n


def write_errors(rows: Iterable[tuple[Any, ...]], dest: Path) -> int:
    """``errors.jsonl``: one failure per line (file, stage, code, reason, path, sha256, failed_at)."""
    keys = ("file", "stage", "code", "reason", "path", "sha256", "failed_at")
    n = 0
    with atomic_file(dest) as fh:
        for row in rows:
            fh.write(json.dumps(dict(zip(keys, row, strict=True)), ensure_ascii=False) + "\n")
            n += 1
    return n


@dataclass
class BatchSummary:
    """What one batch did, and where its outputs are. ``ok`` is False when any file (or folder) failed."""

    out_dir: Path
    files: int = 0  # plan files found
    ingested: int = 0  # plans added (or replaced) in this run
    known: int = 0  # already in the database (same sha256): skipped
    not_plans: int = 0  # other files: skipped
    failed: int = 0
    seconds: float = 0.0
    failures: list[FailureRow] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def output(self, name: str) -> Path:
        """Where an output is: ``summary.output(DB)``."""
        return self.out_dir / name

    def describe(self) -> str:
        """The summary a person reads: counts, then where each output is (the error report last)."""
        o = self.output
        failed = f"{self.failed} failed in this run" if self.failed else "nothing failed in this run"
        return "\n".join(
            [
                f"planparse batch: {self.files} plan files in {self.seconds:.1f} s: {self.ingested} ingested, "
                f"{self.known} already in the database, {self.failed} failed; {self.not_plans} other files skipped",
                f"plans:        {o(JSONL)} and {o('plans')}/",
                f"CSV table:    {o(CSV)}",
                f"database:     {o(DB)}",
                f"Excel table:  {o(XLSX)}",
                f"error report: {o(ERRORS)} ({failed})",
            ]
        )


class Progress(Protocol):
    """What a batch reports while it runs; ``planparse.batch.ingest`` takes any object with these methods."""

    def start(self, total: int) -> None: ...
    def advance(self, outcome: str, file: str, reason: str | None = None) -> None: ...
    def stop(self) -> None: ...


class NoProgress:
    """Reports nothing (``--quiet``, and the library's default)."""

    def start(self, total: int) -> None: ...
    def advance(self, outcome: str, file: str, reason: str | None = None) -> None: ...
    def stop(self) -> None: ...


class LogProgress:
    """Plain lines for a log (not a terminal): every failure, and a progress line every ``every`` seconds."""

    def __init__(self, stream: IO[str] | None = None, every: float = 5.0) -> None:
        self.stream, self.every = stream or sys.stderr, every
        self.total = self.done = self.failed = 0
        self.t0 = self.last = time.monotonic()

    def start(self, total: int) -> None:
        self.total, self.t0 = total, time.monotonic()
        self.last = self.t0
        self._line(f"{total} plan files to do")

    def advance(self, outcome: str, file: str, reason: str | None = None) -> None:
        self.done += 1
        if outcome == "failed":
            self.failed += 1
            self._line(f"failed: {file}: {reason}")
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            rate = self.done / max(now - self.t0, 1e-9)
            eta = (self.total - self.done) / rate if rate else 0.0
            self._line(f"{self.done}/{self.total} files, {self.failed} failed, {rate:.1f} files/s, ETA {eta:.0f} s")

    def stop(self) -> None:
        self._line(f"{self.done}/{self.total} files, {self.failed} failed, {time.monotonic() - self.t0:.1f} s")

    def _line(self, text: str) -> None:
        print(f"planparse batch: {text}", file=self.stream, flush=True)


class BarProgress:
    """A rich progress bar on a terminal: files done/total, failures, rate and ETA."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("planparse batch"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("[red]{task.fields[failed]} failed"),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self.task = self.bar.add_task("files", total=None, failed=0, rate="")
        self.failed, self.done, self.t0 = 0, 0, time.monotonic()

    def start(self, total: int) -> None:
        self.t0 = time.monotonic()
        self.bar.update(self.task, total=total)
        self.bar.start()

    def advance(self, outcome: str, file: str, reason: str | None = None) -> None:
        from rich.markup import escape

        self.done += 1
        if outcome == "failed":
            self.failed += 1
            self.bar.console.print(f"[red]failed[/red] {escape(file)}: {escape(reason or '')}", highlight=False)
        rate = self.done / max(time.monotonic() - self.t0, 1e-9)
        self.bar.update(self.task, advance=1, failed=self.failed, rate=f"{rate:.1f} files/s")

    def stop(self) -> None:
        self.bar.stop()


def progress_for(stream: IO[str]) -> Progress:
    """The bar on a terminal, plain log lines otherwise."""
    return BarProgress() if stream.isatty() else LogProgress(stream)
