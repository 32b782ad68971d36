"""A batch's derived outputs, rebuilt from its database at the end: ``plans.jsonl``, ``tasks.xlsx``,
``tasks.csv`` and ``errors.jsonl``, all from one committed state (snapshot), under the folder's lock.

Why the workbook is written in a second process: the export is serial work at the end of every
batch, while the cores that parsed sit idle. A process forked when the batch starts (``Workbook``:
before this process opens the database, since SQLite's state in a process must not cross a fork)
waits, then writes the workbook from its own snapshot while this process writes the JSONL and the
CSV (0.39 → 0.28 s for 500 plans, measured). Its workbook counts only when its snapshot is the same
state as ours (no other batch committed in between); else, and where there is no such process
(another thread was running, no ``fork`` on this system, Dask's client threads), it is written here.
"""

from __future__ import annotations

import multiprocessing as mp
import signal
import sqlite3
import sys
import threading
from contextlib import closing, suppress
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from planparse.outputs import CSV, ERRORS, JSONL, STATE, XLSX, atomic_path, folder_lock, write_atomic, write_errors, write_jsonl
from planparse.store import BUSY_TIMEOUT_S, Store
from planparse.tables import _template, write_tables
from planparse.workers import holds_open

# What the exports read: the task table (store's task_table view), the targets with their plan and
# section, the plans' JSON files, the failures; each in a stable order.
TASK_TABLE_SQL = """SELECT plan, region, file, path, task, lead, responsible, cooperating, deadline_raw, deadline_kind, deadline_date
FROM task_table ORDER BY file, plan_id, position"""
TARGET_TABLE_SQL = """SELECT p.title, p.region, p.file, s.title, g.indicator, g.comparator, g.value, g.value_max, g.unit, g.year, g.raw
FROM targets g JOIN plans p ON p.id = g.plan_id LEFT JOIN sections s ON s.plan_id = g.plan_id AND s.id = g.section_id
ORDER BY p.file, p.id, g.position"""
PLAN_JSON_SQL = "SELECT json FROM plans ORDER BY file, id"
FAILURES_SQL = "SELECT file, stage, code, reason, path, sha256, failed_at FROM failures ORDER BY file, path"
# The plans' state: a replaced plan may get its old id back (no AUTOINCREMENT), its ingest time not
STATE_SQL = "SELECT count(*), coalesce(max(id), 0), coalesce(max(ingested_at), '') FROM plans"
CHILD_WAIT_S = 600.0  # the child writes less than this process does; past this it is taken for hung


def export(out: Path, store: Store, workbook: Workbook | None = None) -> None:
    """Rebuild a batch's derived outputs from one database snapshot, under the folder's lock; the
    workbook by ``workbook`` (the process forked for it) where there is one.

    errors.jsonl is always rewritten; the rest only when the plans changed since the last export (or
    a file is missing): a re-run that ingests nothing costs nothing here.
    """
    with folder_lock(out), store.snapshot() as db:
        write_errors(store.rows(FAILURES_SQL), out / ERRORS)
        state = _state(db)
        state_file = out / STATE
        fresh = state_file.is_file() and state_file.read_text(encoding="utf-8") == state
        if fresh and all((out / n).is_file() for n in (JSONL, XLSX, CSV)):
            return
        with atomic_path(out / XLSX) as tmp:
            aside = workbook is not None and workbook.write(store.path, tmp)
            try:
                write_jsonl(out, store.rows(PLAN_JSON_SQL), out / JSONL)
                write_tables(store.rows(TASK_TABLE_SQL), () if aside else store.rows(TARGET_TABLE_SQL), None if aside else tmp, out / CSV)
                if aside and workbook is not None and workbook.result() != state:  # another batch committed in between, or it failed
                    tmp.unlink(missing_ok=True)
                    write_tables(store.rows(TASK_TABLE_SQL), store.rows(TARGET_TABLE_SQL), tmp, None)
            finally:
                if workbook is not None:
                    workbook.close()  # stopped before the temp file is renamed or removed: it writes nothing after
        write_atomic(state_file, state)


def _state(db: sqlite3.Connection) -> str:
    return ":".join(map(str, db.execute(STATE_SQL).fetchone()))


class Workbook:
    """A process forked at the batch's start that writes the workbook when asked (``write``), from its
    own connection and snapshot, and says which state it wrote (``result``). ``close`` stops it; it
    also ends by itself when this process is gone (its pipe reads EOF)."""

    def __init__(self, proc: Any, conn: Connection) -> None:
        self.proc, self.conn = proc, conn

    @classmethod
    def start(cls, db: Path) -> Workbook | None:
        """Fork it now, or None where that is not safe: on Linux only, with no other thread (one holding a
        lock would leave it held in the child for ever), and before this process opens ``db``."""
        if sys.platform != "linux" or threading.active_count() > 1 or holds_open(db):
            return None
        ctx = mp.get_context("fork")
        conn, child_end = ctx.Pipe()
        proc = ctx.Process(target=_serve, args=(child_end, conn), name="planparse-workbook", daemon=True)
        try:
            proc.start()
        except OSError:  # no memory or processes to spare: the workbook is written here
            conn.close()
            return None
        finally:
            child_end.close()
        return cls(proc, conn)

    def write(self, db: Path, tmp: Path) -> bool:
        """Ask it to write the workbook of ``db`` to ``tmp`` (a new file); False if it is gone."""
        try:
            self.conn.send((str(db), str(tmp)))
        except OSError:
            return False
        return True

    def result(self) -> str | None:
        """The state it wrote the workbook from, or None (it failed, died or hung)."""
        with suppress(EOFError, OSError):
            if self.conn.poll(CHILD_WAIT_S):
                return self.conn.recv()
        return None

    def close(self) -> None:
        with suppress(OSError):
            self.conn.send(None)
        self.conn.close()
        self.proc.join(5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


def _serve(conn: Connection, parent_end: Connection) -> None:
    """In the child: build the workbook template while the batch runs, then write one workbook when asked.
    Ctrl-C is the batch process's to handle (this would only print a traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent_end.close()
    _template()
    with suppress(EOFError, OSError):
        job = conn.recv()
        if job is not None:
            conn.send(_write_workbook(*job))


def _write_workbook(db: str, tmp: str) -> str | None:
    """The workbook from this process's own connection and snapshot; its state, or None if anything failed."""
    try:
        with closing(sqlite3.connect(db, timeout=BUSY_TIMEOUT_S, isolation_level=None)) as reader:
            reader.execute("BEGIN")
            state = _state(reader)
            write_tables(reader.execute(TASK_TABLE_SQL), reader.execute(TARGET_TABLE_SQL), Path(tmp), None)
            reader.execute("COMMIT")
            return state
    except Exception:  # whatever went wrong, the batch process writes the workbook itself
        return None
