"""The end of a batch (``planparse.export``): the workbook written by a forked process beside the CSV and
JSONL written here, and every way that can go wrong falling back to writing it here, with the same files.

Inputs: copies of the samples (``test_batch.many_plans``), ingested once per test into a fresh folder.
Each export under test runs in a fresh process (``SCENARIO``): this one may have threads left by other
tests (Dask's), and with another thread running the export never forks.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from test_batch import many_plans

import planparse.export as export_module
from planparse.batch import ingest
from planparse.outputs import CSV, DB, STATE, XLSX
from planparse.store import Store

SCENARIO = """
import os, sys
from pathlib import Path
import planparse.export as E
from test_export import re_export
out, scenario = Path(sys.argv[1]), sys.argv[2]
start, started = E._Workbook.start, []
E._Workbook.start = staticmethod(lambda db, tmp: started.append(start(db, tmp)) or started[-1])
if scenario == "other-state":  # another batch committed between this process's snapshot and the child's
    real = E._write_workbook
    def other_state(conn, db, tmp):  # runs in the child: its snapshot holds other plans, its workbook other rows
        E.STATE_SQL, E.TASK_TABLE_SQL = "SELECT 0, 0", E.TASK_TABLE_SQL + " LIMIT 1"
        real(conn, db, tmp)
    E._write_workbook = other_state
if scenario == "child-fails":  # the child starts the file, then fails
    parent, write = os.getpid(), E.write_tables
    def broken_in_child(*args, **kwargs):
        if os.getpid() != parent:
            Path(args[2]).write_bytes(b"half a workbook")
            raise OSError("disk full")
        return write(*args, **kwargs)
    E.write_tables = broken_in_child
re_export(out)
print(started[0] is not None)
"""


def parts(xlsx: Path) -> dict[str, bytes]:
    """The workbook's parts but its properties (openpyxl stamps them with the time each process built it)."""
    with zipfile.ZipFile(xlsx) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def re_export(out: Path) -> tuple[dict[str, bytes], bytes]:
    """Export again (the state file removed, so it is not skipped); the workbook's parts and the CSV."""
    (out / STATE).unlink()
    store = Store(out / DB)
    try:
        export_module.export(out, store)
    finally:
        store.close()
    return parts(out / XLSX), (out / CSV).read_bytes()


@pytest.fixture
def batch_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    assert ingest([many_plans(tmp_path / "in", 4)], out, workers=1).ok
    return out


@pytest.mark.parametrize("scenario", ["forked", "other-state", "child-fails"])
def test_the_workbook_is_the_same_whoever_writes_it(batch_out: Path, scenario: str, monkeypatch: pytest.MonkeyPatch) -> None:
    run = subprocess.run([sys.executable, "-c", SCENARIO, str(batch_out), scenario], capture_output=True, text=True, cwd=Path(__file__).parent)
    assert run.returncode == 0 and run.stdout.split() == ["True"], run.stderr  # Linux, no other thread: a child was started
    written = parts(batch_out / XLSX), (batch_out / CSV).read_bytes()
    assert not [p for p in batch_out.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setattr(export_module._Workbook, "start", staticmethod(lambda db, tmp: None))  # all written here
    assert re_export(batch_out) == written
