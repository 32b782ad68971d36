"""The end of a batch (``planparse.export``): the workbook written by a forked process beside the CSV and
JSONL written here, and every way that can go wrong falling back to writing it here, with the same files.

Inputs: copies of the samples (``test_batch.many_plans``), ingested once per test into a fresh folder.
Each export under test runs in a fresh process (``SCENARIO``): this one may have threads left by other
tests (Dask's), and with another thread running no workbook process is forked.
"""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from test_batch import many_plans

import planparse.export as export_module
import planparse.tables as tables
from planparse.batch import ingest
from planparse.outputs import CSV, DB, STATE, XLSX
from planparse.store import Store

SCENARIO = """
import os, sys
from pathlib import Path
import planparse.export as E
from test_export import re_export
out, scenario = Path(sys.argv[1]), sys.argv[2]
if scenario == "other-state":  # another batch committed between this process's snapshot and the child's
    real = E._write_workbook
    def other_state(db, tmp):  # runs in the child: its snapshot holds other plans, its workbook other rows
        E.STATE_SQL, E.TASK_TABLE_SQL = "SELECT 0, 0, ''", E.TASK_TABLE_SQL + " LIMIT 1"
        return real(db, tmp)
    E._write_workbook = other_state
if scenario == "child-fails":  # the child starts the file, then fails
    parent, write = os.getpid(), E.write_tables
    def broken_in_child(*args, **kwargs):
        if os.getpid() != parent:
            Path(args[2]).write_bytes(b"half a workbook")
            raise OSError("disk full")
        return write(*args, **kwargs)
    E.write_tables = broken_in_child
workbook = E.Workbook.start(out / "planparse.db")  # forked before the database is opened, as a batch does
re_export(out, workbook)
print(workbook is not None)
"""


def parts(xlsx: Path) -> dict[str, bytes]:
    """The workbook's parts but its properties (openpyxl stamps them with the time each process built it)."""
    with zipfile.ZipFile(xlsx) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def re_export(out: Path, workbook: export_module.Workbook | None = None) -> tuple[dict[str, bytes], bytes]:
    """Export again (the state file removed, so it is not skipped); the workbook's parts and the CSV."""
    (out / STATE).unlink()
    store = Store(out / DB)
    try:
        export_module.export(out, store, workbook)
    finally:
        store.close()
    return parts(out / XLSX), (out / CSV).read_bytes()


@pytest.fixture
def batch_out(tmp_path: Path) -> Path:
    out = tmp_path / "out"
    assert ingest([many_plans(tmp_path / "in", 4)], out, workers=1).ok
    return out


@pytest.mark.parametrize("scenario", ["forked", "other-state", "child-fails"])
def test_the_workbook_is_the_same_whoever_writes_it(batch_out: Path, scenario: str) -> None:
    run = subprocess.run([sys.executable, "-c", SCENARIO, str(batch_out), scenario], capture_output=True, text=True, cwd=Path(__file__).parent)
    assert run.returncode == 0 and run.stdout.split() == ["True"], run.stderr  # Linux, no other thread: a child was started
    written = parts(batch_out / XLSX), (batch_out / CSV).read_bytes()
    assert not [p for p in batch_out.iterdir() if p.name.endswith(".tmp")]
    assert re_export(batch_out) == written  # no workbook process: all written here


def test_a_replaced_plan_with_the_highest_id_is_exported_again(tmp_path: Path) -> None:
    """New content at the last plan's path takes its id again (the plan is deleted, then inserted): the
    outputs must still be rebuilt, not taken for fresh."""
    src = many_plans(tmp_path / "in", 3)  # the last is sample 002, which has tasks
    out = tmp_path / "out"
    assert ingest([src], out, workers=1).ok
    last = sorted(src.iterdir())[-1]
    last.write_text(last.read_text(encoding="utf-8").replace("县", "旗"), encoding="utf-8")
    before = (out / CSV).read_text(encoding="utf-8-sig")
    assert ingest([src], out, workers=1).ingested == 1
    after = (out / CSV).read_text(encoding="utf-8-sig")
    assert "旗" not in before and "旗" in after


def _looks(xlsx: bytes) -> list[tuple[object, ...]]:
    """What a reader sees of an empty workbook: sheets, header cells and their font, widths, frozen pane, filter."""
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(xlsx))
    return [
        (
            ws.title,
            [(c.value, c.font.b) for c in ws[1]],
            {k: d.width for k, d in ws.column_dimensions.items()},
            ws.freeze_panes,
            ws.auto_filter.ref,
            ws.max_row,
        )
        for ws in wb.worksheets
    ]


def test_the_shipped_template_is_what_openpyxl_builds_of_the_columns() -> None:
    """The workbook template ships prebuilt (tables.TEMPLATE); after a change to the columns, `make golden` rebuilds it.
    Compared as openpyxl reads them, so a newer openpyxl writing the same workbook in other bytes still passes."""
    assert tables.TEMPLATE.is_file()
    assert _looks(tables.TEMPLATE.read_bytes()) == _looks(tables.build_template())


def test_the_workbook_is_dated_when_written(batch_out: Path) -> None:
    with zipfile.ZipFile(batch_out / XLSX) as z:
        core = z.read("docProps/core.xml").decode()
    assert core.count(datetime.now(UTC).strftime("%Y-%m-%dT")) == 2, core  # created and modified, not the template's date
