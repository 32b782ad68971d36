"""The embedded database of a batch: one SQLite file, whole plans per transaction.

Why SQLite: no server to run, one file to hand over, readable from any language and from Excel's
ODBC, and safe for a process killed at any moment (a transaction is there whole or not at all).
WAL mode and a busy timeout let several writers use the file at once (a batch's workers, each
filing its own plans, and other batches): one waits for another's (short) transaction instead of
failing.

Rows are built by ``rows.plan_rows`` beside the parse (``jobs.Parser``). Child tables key on ``(plan_id, <the contract's own id>)``, so a
task's units, a section's parent and a target's section are plain foreign keys, deleting a plan
cascades (on a connection with foreign keys on; the writer deletes a replaced plan's rows itself), and (WITHOUT ROWID) each row is stored once, in its key's order.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from planparse.rows import COLUMNS, PLAN_COLUMNS, FailureRow, NewPlan, Row

SCHEMA_VERSION = 2  # 2: targets.value_max (added to a version 1 file when opened)
BUSY_TIMEOUT_S = 120.0

# The schema, as documented in README.md ("Batch"). Spans are [span_start, span_end) offsets
# into the plan's text, which is in the plan's JSON file (plans.json names it).
SCHEMA = """
CREATE TABLE IF NOT EXISTS plans (
  id INTEGER PRIMARY KEY,
  sha256 TEXT NOT NULL UNIQUE,            -- of the input bytes: a file already ingested is skipped
  path TEXT NOT NULL,                     -- absolute path when ingested; new content there replaces the plan
  file TEXT NOT NULL,                     -- path relative to the batch folder, as shown in the tables
  json TEXT NOT NULL,                     -- plans/<name>.json, relative to the output folder
  format TEXT NOT NULL, pages INTEGER, encoding TEXT,
  title TEXT, doc_number TEXT, issuer TEXT, date TEXT, region TEXT, admin_level TEXT,
  period_start INTEGER, period_end INTEGER, draft INTEGER NOT NULL,
  n_sections INTEGER NOT NULL, n_tasks INTEGER NOT NULL, n_targets INTEGER NOT NULL, n_warnings INTEGER NOT NULL,
  planparse_version TEXT NOT NULL, ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS plans_path ON plans(path);
CREATE INDEX IF NOT EXISTS plans_file ON plans(file);
CREATE INDEX IF NOT EXISTS plans_region ON plans(region);
CREATE TABLE IF NOT EXISTS sections (
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  id TEXT NOT NULL, parent_id TEXT, position INTEGER NOT NULL, level INTEGER NOT NULL,
  family TEXT NOT NULL, marker TEXT NOT NULL, number INTEGER NOT NULL, title TEXT NOT NULL,
  span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, page INTEGER,
  PRIMARY KEY (plan_id, id),
  FOREIGN KEY (plan_id, parent_id) REFERENCES sections(plan_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tasks (
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  id TEXT NOT NULL, position INTEGER NOT NULL, section_id TEXT,
  path TEXT NOT NULL,                     -- the markers from the root, joined: 二、（一）1.
  title TEXT NOT NULL,
  deadline_raw TEXT, deadline_kind TEXT, deadline_date TEXT, deadline_start_year INTEGER, deadline_end_year INTEGER,
  span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, page INTEGER,
  topics TEXT NOT NULL,                   -- comma-separated domain tags
  PRIMARY KEY (plan_id, id),
  FOREIGN KEY (plan_id, section_id) REFERENCES sections(plan_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tasks_order ON tasks(plan_id, position);  -- the task table's order, without a sort
CREATE INDEX IF NOT EXISTS tasks_deadline ON tasks(deadline_date);
CREATE TABLE IF NOT EXISTS task_units (
  plan_id INTEGER NOT NULL, task_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role = 'lead' OR role = 'responsible' OR role = 'cooperating'),  -- not IN (…), whose list SQLite builds anew for every row
  position INTEGER NOT NULL, name TEXT NOT NULL, canonical TEXT, scope TEXT,
  unit TEXT GENERATED ALWAYS AS (coalesce(canonical, name)) VIRTUAL,   -- the name to group by
  placeholder INTEGER NOT NULL, collective INTEGER NOT NULL, span_start INTEGER NOT NULL, span_end INTEGER NOT NULL,
  PRIMARY KEY (plan_id, task_id, role, position),
  FOREIGN KEY (plan_id, task_id) REFERENCES tasks(plan_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS task_units_unit ON task_units(unit, role);
CREATE TABLE IF NOT EXISTS milestones (
  plan_id INTEGER NOT NULL, task_id TEXT NOT NULL, position INTEGER NOT NULL,
  raw TEXT NOT NULL, kind TEXT NOT NULL, date TEXT, commitment TEXT, span_start INTEGER NOT NULL, span_end INTEGER NOT NULL,
  PRIMARY KEY (plan_id, task_id, position),
  FOREIGN KEY (plan_id, task_id) REFERENCES tasks(plan_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS targets (
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, indicator TEXT NOT NULL, comparator TEXT NOT NULL, value REAL, unit TEXT, year INTEGER,
  raw TEXT NOT NULL, section_id TEXT, placeholder INTEGER NOT NULL,
  span_start INTEGER NOT NULL, span_end INTEGER NOT NULL, page INTEGER, rule TEXT NOT NULL,
  value_max REAL,                         -- the upper end of a range (14%—15%: value 14, value_max 15)
  PRIMARY KEY (plan_id, position),
  FOREIGN KEY (plan_id, section_id) REFERENCES sections(plan_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS targets_indicator ON targets(indicator, year);
CREATE TABLE IF NOT EXISTS warnings (
  plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
  position INTEGER NOT NULL, code TEXT NOT NULL, message TEXT NOT NULL, span_start INTEGER, span_end INTEGER,
  PRIMARY KEY (plan_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS warnings_code ON warnings(code);
CREATE TABLE IF NOT EXISTS failures (     -- files (and folders) that currently fail; cleared when they ingest
  path TEXT PRIMARY KEY, file TEXT NOT NULL, sha256 TEXT,
  stage TEXT NOT NULL,                    -- walk / read / input / parse / timeout / worker / write
  code TEXT NOT NULL, reason TEXT NOT NULL, failed_at TEXT NOT NULL
);
-- The flat 任务分工表: one row per task. Units in order of mention, joined with 、, scope in （）.
CREATE VIEW IF NOT EXISTS task_table AS
SELECT p.id AS plan_id, p.title AS plan, p.doc_number, p.region, p.file, t.id AS task_id, t.position,
       t.path, t.title AS task,
       (SELECT group_concat(label, '、') FROM (SELECT u.name || coalesce('（' || u.scope || '）', '') AS label FROM task_units u
         WHERE u.plan_id = t.plan_id AND u.task_id = t.id AND u.role = 'lead' ORDER BY u.position)) AS lead,
       (SELECT group_concat(label, '、') FROM (SELECT u.name || coalesce('（' || u.scope || '）', '') AS label FROM task_units u
         WHERE u.plan_id = t.plan_id AND u.task_id = t.id AND u.role = 'responsible' ORDER BY u.position)) AS responsible,
       (SELECT group_concat(label, '、') FROM (SELECT u.name || coalesce('（' || u.scope || '）', '') AS label FROM task_units u
         WHERE u.plan_id = t.plan_id AND u.task_id = t.id AND u.role = 'cooperating' ORDER BY u.position)) AS cooperating,
       t.deadline_raw, t.deadline_kind, t.deadline_date
FROM tasks t JOIN plans p ON p.id = t.plan_id;
"""

def _statements(script: str) -> Iterator[str]:
    """One statement at a time (executescript would commit the open transaction first)."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            yield buf
            buf = ""


def _delete_plans(db: sqlite3.Connection, ids: list[int]) -> None:
    """Delete plans with their rows in every child table: what ON DELETE CASCADE does where foreign keys are on."""
    keys = [(i,) for i in ids]
    for table in reversed(COLUMNS):  # children before the tables they refer to; sections last of them
        db.executemany(f"DELETE FROM {table} WHERE plan_id = ?", keys)
    db.executemany("DELETE FROM plans WHERE id = ?", keys)


def _insert_sql(table: str, columns: tuple[str, ...]) -> str:
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"


# sqlite3 looks for an adapter for every None it binds, and its search raises and clears two
# AttributeErrors each time (5 % of the batch process's instructions per plan, by callgrind). An
# adapter found at once ends it: ``{}.get`` (a C call) maps None to None, bound as NULL as before.
sqlite3.register_adapter(type(None), {}.get)

_BAD_VALUES = (OverflowError, ValueError, TypeError)  # what sqlite3 raises for values it cannot bind
_PLAN_INSERT = _insert_sql("plans", ("sha256", "path", "file", "json", *PLAN_COLUMNS, "planparse_version", "ingested_at"))
_CHILD_INSERTS = {t: _insert_sql(t, ("plan_id", *cols)) for t, cols in COLUMNS.items()}


class Store:
    """The database of one output folder, as one connection: the batch's workers write (each its own
    connection), the batch process reads, records failures and writes what Dask parsed; readers may come and go."""

    def __init__(self, path: Path, shared: bool = False) -> None:
        """``shared``: used from more than one thread (the caller makes sure one at a time)."""
        self.path = Path(path)
        self.conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=not shared)
        self._wal()
        self.conn.execute("PRAGMA synchronous=NORMAL")  # safe against a killed process; an OS crash may lose the last commits
        self.conn.execute("PRAGMA cache_size=-16384")  # 16 MB, and checkpoints (with their fsync) every 16 MB of WAL:
        self.conn.execute("PRAGMA wal_autocheckpoint=4000")  # both measured to cut the writer's time per plan
        # Foreign keys are declared (a reader's tools see them; a connection that turns them on gets the
        # cascades) but not checked on this writer: plan_rows builds parents before children, a test
        # runs foreign_key_check on every batch, and the check cost 18% of the insert (0.14 ms a plan).
        # So a replaced plan's rows are deleted here, child tables first (_delete_plans).
        self.conn.execute("PRAGMA foreign_keys=OFF")
        with self.write():
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, 1, SCHEMA_VERSION):
                raise sqlite3.DatabaseError(f"{self.path}: schema version {version}, this planparse writes {SCHEMA_VERSION}")
            for statement in _statements(SCHEMA):
                self.conn.execute(statement)
            if version == 1:  # its rows keep a null value_max: they were read before ranges were
                self.conn.execute("ALTER TABLE targets ADD COLUMN value_max REAL")
            self.conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def _wal(self) -> None:
        """WAL: readers never block the writer, a crash leaves committed plans only. Switching a new file to WAL
        takes an exclusive lock that SQLite does not wait for, so two batches creating it at once retry."""
        give_up = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                mode = self.conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
                if mode == "wal":
                    return
                why = f"the journal mode stays {mode}"
            except sqlite3.OperationalError as err:
                if "locked" not in str(err):
                    raise
                why = str(err)
            if time.monotonic() > give_up:
                raise sqlite3.OperationalError(f"cannot switch {self.path} to WAL: {why}")
            time.sleep(0.02)

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (BEGIN IMMEDIATE), so check-then-insert is atomic across processes."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same committed state, whoever writes meanwhile."""
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("COMMIT")

    def known(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM plans WHERE sha256 = ?", (sha256,)).fetchone() is not None

    def add(self, plans: list[NewPlan], meta: tuple[str, str], replace: bool) -> list[list[str] | Exception | None]:
        """Insert whole plans in one transaction; per plan, what happened (same order).

        None: it is already there (another batch won the race); an error: it could not go in; else the
        JSON names of the plans it replaced, for the caller to delete once this has committed. A plan
        ingested earlier from the same ``path`` with other content is replaced (deleted with its rows);
        ``replace`` also re-ingests the same content. ``meta`` is (version, timestamp).

        Each table's rows for all the plans go in with one ``executemany``: this process's time per
        plan is what limits how far a batch scales with workers, and the commit and the per-call
        overhead were most of it. When one plan's rows break a constraint, the plans go in again one
        by one (a savepoint each), so that only that plan fails; so does a plan whose values SQLite
        cannot take (an integer above 2**63 from a custom parser). A database that cannot be written
        (locked, full) fails them all (the error is raised).
        """
        try:
            with self.write() as db:
                return self._add_all(db, plans, meta, replace)
        except sqlite3.OperationalError:
            raise
        except (sqlite3.Error, *_BAD_VALUES) as err:
            if len(plans) == 1:
                return [err]
        outcomes: list[list[str] | Exception | None] = []
        with self.write() as db:
            for p in plans:
                db.execute("SAVEPOINT plan")
                try:
                    outcomes.extend(self._add_all(db, [p], meta, replace))
                except (sqlite3.Error, *_BAD_VALUES) as err:
                    db.execute("ROLLBACK TO plan")
                    outcomes.append(err)
                db.execute("RELEASE plan")
        return outcomes

    @staticmethod
    def _add_all(db: sqlite3.Connection, plans: list[NewPlan], meta: tuple[str, str], replace: bool) -> list[list[str] | Exception | None]:
        outcomes: list[list[str] | Exception | None] = []
        added: list[tuple[int, NewPlan]] = []
        for p in plans:
            old = db.execute("SELECT id, sha256, json FROM plans WHERE sha256 = ? OR path = ?", (p.sha256, p.path)).fetchall()
            if not replace and any(s == p.sha256 for _, s, _ in old):
                outcomes.append(None)
                continue
            if old:
                _delete_plans(db, [i for i, _, _ in old])
            added.append((db.execute(_PLAN_INSERT, (p.sha256, p.path, p.file, p.json, *p.rows.plan, *meta)).lastrowid, p))
            outcomes.append([j for _, _, j in old if j != p.json])
        children = [(plan_id, p.rows.children()) for plan_id, p in added]
        for table, sql in _CHILD_INSERTS.items():
            rows = [(plan_id, *r) for plan_id, c in children for r in c[table]]
            if rows:
                db.executemany(sql, rows)
        db.executemany("DELETE FROM failures WHERE path = ?", [(p.path,) for _, p in added])
        return outcomes

    def fail(self, f: FailureRow, when: str) -> None:
        """Record (or update) the failure of one path."""
        with self.write() as db:
            db.execute(
                "INSERT OR REPLACE INTO failures (path, file, sha256, stage, code, reason, failed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (f.path, f.file, f.sha256, f.stage, f.code, f.reason, when),
            )

    def clear_failure(self, path: str) -> None:
        """A path that is now in the database (or no longer fails) leaves the failure report."""
        if self.conn.execute("SELECT 1 FROM failures WHERE path = ?", (path,)).fetchone():
            with self.write() as db:
                db.execute("DELETE FROM failures WHERE path = ?", (path,))

    def forget_failures(self, root: str, before: str) -> None:
        """Failures under ``root`` not recorded again since ``before`` are resolved: fixed, removed, or readable now."""
        prefix = root.rstrip(os.sep) + os.sep
        with self.write() as db:
            db.execute("DELETE FROM failures WHERE failed_at < ? AND (path = ? OR substr(path, 1, ?) = ?)", (before, root, len(prefix), prefix))

    def rows(self, sql: str, params: tuple[Any, ...] = ()) -> Iterator[Row]:
        """Stream a query's rows: the cursor is iterated, never fetched whole."""
        yield from self.conn.execute(sql, params)

    def close(self) -> None:
        self.conn.close()
