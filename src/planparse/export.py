"""A batch's derived outputs, rebuilt from its database at the end: ``plans.jsonl``, ``tasks.xlsx``,
``tasks.csv`` and ``errors.jsonl``, all from one committed state (snapshot), under the folder's lock.

Why the workbook is written in a second process: the export is serial work at the end of every
batch, while the cores that parsed sit idle. A forked child writes the workbook from its own
snapshot while this process writes the JSONL and the CSV; the child's snapshot counts only when it
is the same state as ours (no other batch committed in between), else the workbook is written here.
Where forking is not safe (another thread running, no ``fork`` on this system) all is written here.
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
from planparse.tables import write_tables

# What the exports read: the task table (store's task_table view), the targets with their plan and
# section, the plans' JSON files, the failures; each in a stable order.
TASK_TABLE_SQL = """SELECT plan, region, file, path, task, lead, responsible, cooperating, deadline_raw, deadline_kind, deadline_date
FROM task_table ORDER BY file, plan_id, position"""
TARGET_TABLE_SQL = """SELECT p.title, p.region, p.file, s.title, g.indicator, g.comparator, g.value, g.value_max, g.unit, g.year, g.raw
FROM targets g JOIN plans p ON p.id = g.plan_id LEFT JOIN sections s ON s.plan_id = g.plan_id AND s.id = g.section_id
ORDER BY p.file, p.id, g.position"""
PLAN_JSON_SQL = "SELECT json FROM plans ORDER BY file, id"
FAILURES_SQL = "SELECT file, stage, code, reason, path, sha256, failed_at FROM failures ORDER BY file, path"
STATE_SQL = "SELECT count(*), coalesce(max(id), 0) FROM plans"  # a plan's rows never change: its id names them
CHILD_WAIT_S = 600.0  # the child writes less than this process does; past this it is taken for hung


def export(out: Path, store: Store) -> None:
    """Rebuild a batch's derived outputs from one database snapshot, under the folder's lock.

    errors.jsonl is always rewritten; the rest only when the plans changed since the last export (or
    a file is missing): a re-run that ingests nothing costs nothing here.
    """
    with folder_lock(out), store.snapshot() as db:
        write_errors(store.rows(FAILURES_SQL), out / ERRORS)
        state = "{}:{}".format(*db.execute(STATE_SQL).fetchone())
        state_file = out / STATE
        fresh = state_file.is_file() and state_file.read_text(encoding="utf-8") == state
        if fresh and all((out / n).is_file() for n in (JSONL, XLSX, CSV)):
            return
        with atomic_path(out / XLSX) as tmp:
            child = _Workbook.start(store.path, tmp)
            write_jsonl(out, store.rows(PLAN_JSON_SQL), out / JSONL)
            if child is None:
                write_tables(store.rows(TASK_TABLE_SQL), store.rows(TARGET_TABLE_SQL), tmp, out / CSV, xlsx_is_temp=True)
            else:
                write_tables(store.rows(TASK_TABLE_SQL), (), None, out / CSV)
                if child.result() != state:  # another batch committed between the two snapshots, or the child failed
                    tmp.unlink(missing_ok=True)
                    write_tables(store.rows(TASK_TABLE_SQL), store.rows(TARGET_TABLE_SQL), tmp, None, xlsx_is_temp=True)
        write_atomic(state_file, state)


class _Workbook:
    """A forked process writing the workbook to ``tmp`` from its own snapshot; ``result`` is that snapshot's state."""

    def __init__(self, proc: Any, conn: Connection) -> None:
        self.proc, self.conn = proc, conn

    @classmethod
    def start(cls, db: Path, tmp: Path) -> _Workbook | None:
        # fork only with no other thread (one holding a lock would leave it held in the child for ever)
        if sys.platform != "linux" or threading.active_count() > 1:
            return None
        ctx = mp.get_context("fork")
        conn, child_end = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_write_workbook, args=(child_end, str(db), str(tmp)), name="planparse-workbook", daemon=True)
        try:
            proc.start()
        except OSError:  # no memory or processes to spare: write it here
            conn.close()
            return None
        finally:
            child_end.close()
        return cls(proc, conn)

    def result(self) -> str | None:
        """The state the child wrote the workbook from, or None (it failed, died or hung: it is stopped)."""
        state = None
        with suppress(EOFError, OSError):
            if self.conn.poll(CHILD_WAIT_S):
                state = self.conn.recv()
        self.conn.close()
        self.proc.join(0 if state is None else 5)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()
        return state


def _write_workbook(conn: Connection, db: str, tmp: str) -> None:
    """In the child: its own connection (an SQLite connection must not cross a fork), one snapshot.
    Ctrl-C is the parent's to handle (it stops the batch); the child would only print a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    state = None
    try:
        with closing(sqlite3.connect(db, timeout=BUSY_TIMEOUT_S, isolation_level=None)) as reader:
            reader.execute("BEGIN")
            state = "{}:{}".format(*reader.execute(STATE_SQL).fetchone())
            write_tables(reader.execute(TASK_TABLE_SQL), reader.execute(TARGET_TABLE_SQL), Path(tmp), None, xlsx_is_temp=True)
            reader.execute("COMMIT")
    except Exception:  # whatever went wrong, the parent writes the workbook itself
        state = None
    conn.send(state)
    conn.close()
