"""Where a local worker files the plans it parsed: each one's JSON file, then their rows in the batch's database.

Why the workers write, not the batch process: on a machine whose every core runs a worker, the batch
process shares those cores, so what it does per plan is what keeps the batch from scaling with
workers; and where a core is left for it, its work still slows the worker beside it (two busy
processes on a 2-vCPU machine: parsing ran 26 % slower beside a database
writer, 43 % beside a busy loop, measured). Inserting a plan's rows was most
of that work. So each worker inserts its own plans, a few per transaction (``workers.HOLD_PLANS``;
WAL and the busy timeout let the workers, and other batches, take turns), and the batch process
only hands out files and counts what comes back.

The JSON file is written first and the database row names it: a kill in between leaves a file the
next run rewrites, never a row without its file. A plan that replaces an older one from the same path
(other content) removes that one's JSON file once the new row is committed.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from planparse.errors import InputError
from planparse.jobs import Job, Parsed, Problem, Result, Stored
from planparse.outputs import DB, write_atomic
from planparse.store import NewPlan, Store, now

_OPEN: dict[Path, Store] = {}  # this process's connection per database: opened at its first plan


@dataclass(frozen=True)
class Sink:
    """The output folder a worker files plans into; ``force`` re-files a plan already in."""

    out: Path
    force: bool = False

    def write_json(self, job: Job, result: Result) -> Result:
        """A parsed plan's JSON file, at once (atomic); the plan comes back without its JSON, to wait for ``put``."""
        if not isinstance(result, Parsed):
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

        plans = [NewPlan(job.sha256, os.path.abspath(job.path), job.file, job.json, r.rows) for job, r in held if isinstance(r, Parsed)]
        outcomes: list[list[str] | sqlite3.Error | None]
        try:
            store = _OPEN.get(self.out)
            if store is None:
                store = _OPEN[self.out] = Store(self.out / DB)
            outcomes = store.add(plans, (__version__, now()), self.force) if plans else []
        except sqlite3.Error as err:  # locked past the busy timeout, disk full, a damaged file
            outcomes = [err] * len(plans)
        filed = iter(outcomes)
        return [self._result(next(filed)) if isinstance(r, Parsed) else r for _, r in held]

    def _result(self, outcome: list[str] | sqlite3.Error | None) -> Result:
        if isinstance(outcome, sqlite3.Error):
            return Problem("write", "database", str(outcome))
        if outcome is None:  # another batch into this folder filed it first
            return Stored(new=False)
        for old in outcome:  # the JSON files of the plans this one replaced
            try:
                (self.out / "plans" / Path(old).name).unlink(missing_ok=True)
            except OSError:
                pass  # a stale JSON file is harmless: no row names it
        return Stored(new=True)


def close_all() -> None:
    """Close this process's database connections (a worker that is told to stop)."""
    while _OPEN:
        _OPEN.popitem()[1].close()
