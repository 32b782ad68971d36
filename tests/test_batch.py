"""``planparse batch`` / ``planparse.batch.ingest`` on real files: a folder of sample plans (TXT, and a DOCX
made from a sample) plus broken files, through every output, re-runs, a kill -9 and resume, two
batches at once, hung and crashing workers, and a real Dask LocalCluster.

Where the inputs come from: ``samples/*.txt`` (see samples/README.md), copied, renamed, and given a
distinct last line where two copies must differ; the broken files are made here (empty, a truncated
PDF, random bytes named .pdf, a .docx that is not a zip, undecodable text, a symlink loop).
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SAMPLE_PATHS
from typer.testing import CliRunner

import planparse
from planparse import Plan
from planparse.batch import ingest, walk
from planparse.cli import app

CLI = Path(sys.executable).parent / "planparse"
TABLES = ("plans", "sections", "tasks", "task_units", "milestones", "targets", "warnings")
BAD = {  # file → (stage, code or None when any code will do)
    "empty.txt": ("input", "empty"),
    "truncated.pdf": ("input", None),
    "random bytes.pdf": ("input", None),
    "not-a-zip.docx": ("input", None),
    "undecodable.txt": ("input", "decode-failed"),
    "sub/loop": ("walk", "symlink-loop"),
}
GOOD = [
    "000_58eff289fd67a2be.txt",
    "001_3588264997f5548d.txt",
    "002_f9cc23a53aad9a5a.txt",
    "a/方案.txt",
    "b/方案.txt",
    "县 级/回民区 方案 (终稿).txt",
    "sub/plan.docx",
]


def sample_text(i: int) -> str:
    return SAMPLE_PATHS[i].read_text(encoding="utf-8")


def make_docx(text: str, dest: Path) -> None:
    import docx

    doc = docx.Document()
    for line in text.splitlines():
        doc.add_paragraph(line)
    doc.save(str(dest))


def build_corpus(root: Path) -> Path:
    """The folder of the issue: samples, duplicates by name, a spaced Chinese name, a DOCX, bad files, non-plans."""
    root.mkdir(parents=True)
    for i in range(3):
        (root / SAMPLE_PATHS[i].name).write_bytes(SAMPLE_PATHS[i].read_bytes())
    for sub, i in (("a", 3), ("b", 4)):  # same name, two folders, different plans
        (root / sub).mkdir()
        (root / sub / "方案.txt").write_text(sample_text(i), encoding="utf-8")
    (root / "县 级").mkdir()
    (root / "县 级" / "回民区 方案 (终稿).txt").write_text(sample_text(0) + "\n（终稿）\n", encoding="utf-8")
    (root / "sub").mkdir()
    make_docx(sample_text(1), root / "sub" / "plan.docx")
    (root / "sub" / "loop").symlink_to("..")
    (root / "empty.txt").write_bytes(b"")
    (root / "truncated.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pa")
    (root / "random bytes.pdf").write_bytes(random.Random(7).randbytes(5000))
    (root / "not-a-zip.docx").write_bytes(bytes(range(32)) * 64)
    (root / "undecodable.txt").write_bytes(random.Random(1).randbytes(3000))
    (root / "README.md").write_text("# not a plan\n", encoding="utf-8")
    (root / "table.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    (root / ".hidden.txt").write_text("一、隐藏\n", encoding="utf-8")
    (root / "~$plan.docx").write_bytes(b"\x00lock")
    return root


def many_plans(root: Path, n: int) -> Path:
    """``n`` distinct plans: the samples in turn, each with its own last line (so its own sha256)."""
    root.mkdir(parents=True)
    texts = [sample_text(i) for i in range(len(SAMPLE_PATHS))]
    for i in range(n):
        (root / f"{i:03d}.txt").write_text(texts[i % len(texts)] + f"\n（编号 {i}）\n", encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("batch") / "in")


@pytest.fixture(scope="module")
def first_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """One CLI run over the corpus, shared by the output checks below (they only read)."""
    out = tmp_path_factory.mktemp("batch") / "out"
    result = CliRunner().invoke(app, ["batch", str(corpus), "-o", str(out), "--workers", "2"])
    return out, result


def db_rows(out: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(out / "planparse.db") as con:
        return con.execute(sql).fetchall()


def dump(out: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The database's content, with plan ids replaced by sha256 and timestamps left out, rows sorted."""
    con = sqlite3.connect(out / "planparse.db")
    sha = dict(con.execute("SELECT id, sha256 FROM plans"))
    cols = [r[1] for r in con.execute("PRAGMA table_xinfo(plans)") if r[1] not in ("id", "ingested_at")]
    res = {"plans": sorted(con.execute(f"SELECT {', '.join(cols)} FROM plans"), key=repr)}
    for table in TABLES[1:]:
        res[table] = sorted(((sha[r[0]], *r[1:]) for r in con.execute(f"SELECT * FROM {table}")), key=repr)
    res["failures"] = sorted(con.execute("SELECT file, stage, code FROM failures"))
    con.close()
    return res


def test_first_run_exit_code_and_summary(first_run: tuple[Path, Any]) -> None:
    out, result = first_run
    assert result.exit_code == 1, result.output
    lines = result.stdout.strip().splitlines()
    assert "7 ingested" in lines[0] and f"{len(BAD)} failed" in lines[0], lines[0]
    assert [ln.split(":")[0] for ln in lines[-3:]] == ["database", "Excel table", "error report"]
    assert lines[-3].endswith(str(out / "planparse.db")) and str(out / "errors.jsonl") in lines[-1]
    assert "failed: empty.txt" in result.stderr  # log lines when stderr is not a terminal


def test_plans_land_in_every_output(first_run: tuple[Path, Any], corpus: Path) -> None:
    out, _ = first_run
    expected = {f: planparse.parse(corpus / f) for f in GOOD}
    assert sorted(f for (f,) in db_rows(out, "SELECT file FROM plans")) == sorted(GOOD)
    files = sorted((out / "plans").glob("*.json"))
    assert len(files) == len(GOOD)
    by_sha = {p.source.sha256: p for p in (Plan.model_validate_json(f.read_text(encoding="utf-8")) for f in files)}
    assert set(by_sha) == {p.source.sha256 for p in expected.values()}
    assert len({f.name for f in files if f.name.startswith("方案")}) == 2  # two 方案.txt, two files
    lines = (out / "plans.jsonl").read_text(encoding="utf-8").splitlines()
    assert sorted(Plan.model_validate_json(ln).source.sha256 for ln in lines) == sorted(by_sha)
    for f, plan in expected.items():  # the same plan as parse() gives, in the JSON and in the database
        stored = by_sha[plan.source.sha256]
        assert stored.tasks == plan.tasks and stored.targets == plan.targets and stored.source.path == str(corpus / f)
        n_tasks, n_targets = db_rows(out, f"SELECT n_tasks, n_targets FROM plans WHERE file = '{f}'")[0]
        assert (n_tasks, n_targets) == (len(plan.tasks), len(plan.targets))
    n_tasks = sum(len(p.tasks) for p in expected.values())
    assert db_rows(out, "SELECT count(*) FROM task_table") == [(n_tasks,)]
    assert db_rows(out, "PRAGMA foreign_key_check") == [] and db_rows(out, "PRAGMA integrity_check") == [("ok",)]


def test_task_tables(first_run: tuple[Path, Any]) -> None:
    from openpyxl import load_workbook

    out, _ = first_run
    n_tasks = db_rows(out, "SELECT count(*) FROM tasks")[0][0]
    raw = (out / "tasks.csv").read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = raw.decode("utf-8-sig").splitlines()
    assert rows[0].split(",")[:6] == ["方案", "地区", "文件", "编号", "任务", "牵头单位"] and len(rows) == n_tasks + 1
    wb = load_workbook(out / "tasks.xlsx", read_only=False)
    tasks, targets = wb.worksheets
    assert (tasks.title, tasks.freeze_panes, tasks.max_row) == ("任务分工表", "A2", n_tasks + 1)
    assert tasks.auto_filter.ref == f"A1:K{n_tasks + 1}" and tasks.column_dimensions["E"].width > 20
    assert [c.value for c in tasks[1]][5:8] == ["牵头单位", "责任单位", "配合单位"]
    assert targets.title == "目标指标" and targets.max_row == db_rows(out, "SELECT count(*) FROM targets")[0][0] + 1
    assert all(c.data_type != "f" for row in targets.iter_rows() for c in row)  # "=" comparators stay text


def test_every_bad_file_is_reported(first_run: tuple[Path, Any]) -> None:
    out, _ = first_run
    report = [json.loads(ln) for ln in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(r["file"] for r in report) == sorted(BAD)
    for r in report:
        stage, code = BAD[r["file"]]
        assert r["stage"] == stage and r["reason"] and (code is None or r["code"] == code), r
    assert sorted(db_rows(out, "SELECT file, stage FROM failures")) == sorted((f, s) for f, (s, _) in BAD.items())


def test_nothing_written_outside_out(tmp_path: Path) -> None:
    src = build_corpus(tmp_path / "in")
    before = sorted(p for p in tmp_path.rglob("*") if "loop" not in p.parts)
    summary = ingest([src], tmp_path / "out", workers=1)
    after = sorted(p for p in tmp_path.rglob("*") if "loop" not in p.parts)
    out = tmp_path / "out"
    assert [p for p in after if p not in before and p != out and out not in p.parents] == []
    assert summary.ingested == len(GOOD)


def test_second_run_ingests_nothing_new_and_force_does(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = ingest([corpus], out, workers=2)
    before, jsonl_mtime = dump(out), (out / "plans.jsonl").stat().st_mtime_ns
    second = ingest([corpus], out, workers=2)
    assert (second.ingested, second.known, second.failed, second.ok) == (0, len(GOOD), len(BAD), False)
    assert dump(out) == before and (out / "plans.jsonl").stat().st_mtime_ns == jsonl_mtime
    forced = ingest([corpus], out, workers=2, force=True)
    assert forced.ingested == first.ingested == len(GOOD) and dump(out) == before
    assert_no_orphans(out)


def assert_no_orphans(out: Path) -> None:
    """Every child row belongs to a plan, and every foreign key holds."""
    from planparse.rows import COLUMNS

    for table in COLUMNS:
        assert db_rows(out, f"SELECT count(*) FROM {table} WHERE plan_id NOT IN (SELECT id FROM plans)") == [(0,)], table
    assert db_rows(out, "PRAGMA foreign_key_check") == []


def test_changed_fixed_and_removed_files(tmp_path: Path) -> None:
    src = many_plans(tmp_path / "in", 3)
    (src / "bad.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert ingest([src], out, workers=1).failed == 1
    (src / "bad.txt").write_text(sample_text(2), encoding="utf-8")  # fixed: ingests, leaves the report
    (src / "000.txt").write_text(sample_text(4), encoding="utf-8")  # new content at the same path replaces its plan
    summary = ingest([src], out, workers=1)
    assert (summary.ingested, summary.failed) == (2, 0)
    assert db_rows(out, "SELECT count(*) FROM plans") == [(4,)] and len(list((out / "plans").glob("*.json"))) == 4
    assert db_rows(out, "SELECT region FROM plans WHERE file = '000.txt'") == [("回民区",)]
    assert_no_orphans(out)  # the replaced plan's rows went with it (the writer deletes them itself)
    assert db_rows(out, "SELECT count(*) FROM failures") == [(0,)] and (out / "errors.jsonl").read_text() == ""
    (src / "001.txt").unlink()
    (src / "gone.txt").write_bytes(b"")
    ingest([src], out, workers=1)
    (src / "gone.txt").unlink()
    assert ingest([src], out, workers=1).ok and (out / "errors.jsonl").read_text() == ""


def test_kill_9_then_resume_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    src = many_plans(tmp_path / "in", 80)
    whole, killed = tmp_path / "whole", tmp_path / "killed"
    subprocess.run([str(CLI), "batch", str(src), "-o", str(whole), "--quiet"], check=True, capture_output=True)
    proc = subprocess.Popen([str(CLI), "batch", str(src), "-o", str(killed), "--workers", "1"], stderr=subprocess.DEVNULL, start_new_session=True)
    t0, count = time.monotonic(), 0
    while count < 10 and time.monotonic() - t0 < 60:
        time.sleep(0.02)
        count = _count_plans(killed)
    children = _descendants(proc.pid)
    os.killpg(proc.pid, signal.SIGKILL)  # the batch and its forkserver; the workers have their own groups
    proc.wait()
    assert 10 <= count < 80, count
    t0 = time.monotonic()
    while any(Path(f"/proc/{pid}").exists() for pid in children) and time.monotonic() - t0 < 10:
        time.sleep(0.05)
    assert children and not any(Path(f"/proc/{pid}").exists() for pid in children), "workers must not outlive a killed batch"
    assert db_rows(killed, "PRAGMA integrity_check") == [("ok",)] and db_rows(killed, "PRAGMA foreign_key_check") == []
    resumed = subprocess.run([str(CLI), "batch", str(src), "-o", str(killed), "--quiet"], capture_output=True, text=True)
    assert resumed.returncode == 0, resumed.stderr
    assert dump(killed) == dump(whole)
    assert len((killed / "plans.jsonl").read_text(encoding="utf-8").splitlines()) == 80
    assert sorted(p.name for p in killed.rglob(".planparse-*.tmp")) == []  # what the kill left was cleaned up


def _descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (Linux /proc), found before it is killed."""
    if not Path("/proc/self/task").is_dir():
        pytest.skip("needs Linux /proc to find the batch's worker processes")
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            kids = (task / "children").read_text().split() if (task / "children").exists() else []
            found.extend(map(int, kids))
            todo.extend(map(int, kids))
    return found


def _count_plans(out: Path) -> int:
    """Plans committed so far by a batch that is still running (0 while its database is being created)."""
    if not (out / "planparse.db").exists():
        return 0
    try:
        with sqlite3.connect(out / "planparse.db", timeout=5) as con:
            return int(con.execute("SELECT count(*) FROM plans").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def test_two_batches_into_one_folder_at_once(tmp_path: Path) -> None:
    src = many_plans(tmp_path / "in", 40)
    alone, shared = tmp_path / "alone", tmp_path / "shared"
    ingest([src], alone, workers=1)
    cmd = [str(CLI), "batch", str(src), "-o", str(shared), "--workers", "1", "--quiet"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert dump(shared) == dump(alone)
    assert db_rows(shared, "PRAGMA integrity_check") == [("ok",)]
    assert len((shared / "plans.jsonl").read_text(encoding="utf-8").splitlines()) == 40


def flaky_parse(data: bytes, name: str) -> Plan:
    """A parse_fn for the isolation test: hangs on hang*, kills its own process on crash*, raises on bug*."""
    stem = Path(name).name
    if stem.startswith("hang"):
        time.sleep(600)
    if stem.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    if stem.startswith("bug"):
        raise ZeroDivisionError("a bug in the parser")
    return planparse.parse(data)


@pytest.fixture(params=["workers", "batch"])
def filer(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Who files the plans of a 1-worker batch: the worker (as on a machine whose every core runs a
    worker) or the batch process (a core to spare). The choice follows the machine's cores: fix them."""
    monkeypatch.setattr("planparse.batch.default_workers", lambda: 1 if request.param == "workers" else 4)
    if request.param == "workers":
        monkeypatch.setattr("planparse.batch.PARENT_KEEPS_UP", 0)
    return str(request.param)


def test_hang_crash_and_bug_are_isolated(tmp_path: Path, filer: str) -> None:
    src = many_plans(tmp_path / "in", 4)
    for name in ("crash.txt", "hang.txt", "bug.txt"):
        (src / name).write_text(sample_text(0) + name, encoding="utf-8")
    t0 = time.monotonic()
    summary = ingest([src], tmp_path / "out", workers=1, timeout=6, parse_fn=flaky_parse)
    assert time.monotonic() - t0 < 30
    stages = {f.file: (f.stage, f.code) for f in summary.failures}
    assert stages == {"crash.txt": ("worker", "worker-died"), "hang.txt": ("timeout", "timeout"), "bug.txt": ("parse", "internal-error")}
    assert summary.ingested == 4  # the replaced worker went on with the rest
    assert "ZeroDivisionError" in next(f.reason for f in summary.failures if f.file == "bug.txt")


def big_then_stuck_parse(data: bytes, name: str) -> Plan:
    """A parse_fn whose first plan is larger than a pipe holds and whose second never returns while
    holding Python's lock (a regular expression that backtracks for ever) or kills its process."""
    stem = Path(name).name
    if stem.startswith("stuck"):
        re.match(r"(a+)+$", "a" * 40 + "b")
    if stem.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    plan = planparse.parse(data)
    return plan.model_copy(update={"text": plan.text * 200}) if stem.startswith("big") else plan


@pytest.mark.parametrize("bad", ["stuck.txt", "crash.txt"])
def test_a_stuck_or_dead_worker_blames_its_own_file_after_a_large_plan(tmp_path: Path, filer: str, bad: str) -> None:
    """The plan before the bad file parsed: it is filed, and the bad file alone fails, whoever files."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "big.txt").write_text(sample_text(0), encoding="utf-8")
    (src / bad).write_text(sample_text(1) + bad, encoding="utf-8")
    summary = ingest([src], tmp_path / "out", workers=1, timeout=3, parse_fn=big_then_stuck_parse)
    assert summary.ingested == 1
    assert [(f.file, f.code) for f in summary.failures] == [(bad, "timeout" if bad == "stuck.txt" else "worker-died")]


def test_walk_reports_unreadable_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = many_plans(tmp_path / "in", 2)
    (src / "locked").mkdir()
    (src / "locked" / "x.txt").write_text(sample_text(0), encoding="utf-8")
    real_scandir: Callable[..., Any] = os.scandir

    def scandir(path: Any) -> Any:  # chmod 000 does not stop root, so the refusal is simulated
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    found = walk([src])
    assert [c.file for c in found.candidates] == ["000.txt", "001.txt"]
    assert [(p.file, p.stage, p.code, p.reason) for p in found.problems] == [("locked", "walk", "unreadable-folder", "Permission denied")]


def test_quiet_and_usage_errors(tmp_path: Path) -> None:
    src = many_plans(tmp_path / "in", 2)
    result = CliRunner().invoke(app, ["batch", str(src), "-o", str(tmp_path / "out"), "--quiet"])
    assert result.exit_code == 0 and result.stderr == "" and "2 ingested" in result.stdout
    assert CliRunner().invoke(app, ["batch", str(tmp_path / "missing"), "-o", str(tmp_path / "o2")]).exit_code == 2
    assert CliRunner().invoke(app, ["batch", str(src)]).exit_code == 2  # -o is required


@pytest.fixture(scope="module")
def dask_scheduler() -> Iterator[str]:
    """A real Dask cluster on this machine: a scheduler and two worker processes under nannies."""
    pytest.importorskip("distributed", reason="the dask extra is not installed: pip install 'planparse[dask]'")
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def test_dask_local_cluster_gives_the_same_outputs(corpus: Path, tmp_path: Path, dask_scheduler: str) -> None:
    local = ingest([corpus], tmp_path / "local", workers=2)
    remote = ingest([corpus], tmp_path / "dask", scheduler=dask_scheduler)
    assert (remote.ingested, remote.failed) == (local.ingested, local.failed) == (len(GOOD), len(BAD))
    assert dump(tmp_path / "dask") == dump(tmp_path / "local")
    for name in ("plans.jsonl", "tasks.csv"):
        assert (tmp_path / "dask" / name).read_bytes() == (tmp_path / "local" / name).read_bytes()


def test_dask_hung_task_is_reported_and_the_rest_goes_on(tmp_path: Path, dask_scheduler: str) -> None:
    src = many_plans(tmp_path / "in", 4)
    (src / "hang.txt").write_text(sample_text(0) + "hang", encoding="utf-8")
    summary = ingest([src], tmp_path / "out", scheduler=dask_scheduler, timeout=6, parse_fn=flaky_parse)
    assert [(f.file, f.stage) for f in summary.failures] == [("hang.txt", "timeout")]
    assert summary.ingested == 4


def test_large_files_do_not_deadlock_the_worker_pipe(tmp_path: Path) -> None:
    """Files and results far larger than a pipe buffer, several per worker: the batch finishes.

    (A second file's bytes sent to a busy worker could fill the pipe both ways and hang both
    processes; the job guard below turns such a hang into a failure instead of a stuck CI.)
    """
    src = tmp_path / "big"
    src.mkdir()
    text = (Path(__file__).parents[1] / "samples" / "004_438900912e87cf9d.txt").read_text(encoding="utf-8")
    for i in range(4):
        (src / f"plan{i}.txt").write_text(text * 8 + f"\n{i}\n", encoding="utf-8")  # ~260 KB each
    done = subprocess.run(
        [str(Path(sys.executable).parent / "planparse"), "batch", str(src), "-o", str(tmp_path / "out"), "--workers", "1", "--quiet"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    with sqlite3.connect(tmp_path / "out" / "planparse.db") as db:
        assert db.execute("select count(*) from plans").fetchone()[0] == 4


def test_a_plan_whose_rows_break_the_schema_fails_alone(tmp_path: Path) -> None:
    """Plans are committed several per transaction; one plan's bad rows must not take the others with it."""
    from dataclasses import replace

    from planparse.rows import NewPlan, plan_rows
    from planparse.store import Store

    plans = [planparse.parse(p) for p in SAMPLE_PATHS[:3]]
    rows = [plan_rows(p) for p in plans]
    broken = replace(rows[1], sections=rows[1].sections + rows[1].sections[:1])  # a section id twice
    new = [NewPlan(p.source.sha256, f"/in/{i}.txt", f"{i}.txt", f"plans/{i}.json", r) for i, (p, r) in enumerate(zip(plans, [rows[0], broken, rows[2]], strict=True))]
    store = Store(tmp_path / "planparse.db")
    outcomes = store.add(new, ("test", "now"), False)
    assert outcomes[0] == [] and outcomes[2] == [] and isinstance(outcomes[1], sqlite3.IntegrityError)
    assert store.add(new[:1], ("test", "now"), False) == [None]  # already in
    store.close()
    assert sorted(f for (f,) in db_rows(tmp_path, "SELECT file FROM plans")) == ["0.txt", "2.txt"]
    assert db_rows(tmp_path, "SELECT count(*) FROM tasks") == [(len(plans[0].tasks) + len(plans[2].tasks),)]


def test_a_version_1_database_gains_value_max_and_takes_new_plans(tmp_path: Path) -> None:
    """A database written before targets had value_max (schema version 1) is extended when a batch
    opens it: its plans stay, new ones go in with their ranges."""
    from planparse.store import SCHEMA, Store

    db = tmp_path / "planparse.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(SCHEMA.replace("  value_max REAL,", "").replace("value_max", "value") + "PRAGMA user_version=1;")
        conn.execute("INSERT INTO plans (id, sha256, path, file, json, format, draft, n_sections, n_tasks, n_targets, n_warnings, planparse_version, ingested_at) VALUES (1, 'x', '/old.txt', 'old.txt', 'plans/old.json', 'txt', 0, 0, 0, 0, 0, '0', 'then')")
    assert "value_max" not in [c for _, c, *_ in sqlite3.connect(db).execute("PRAGMA table_info(targets)")]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "plan.txt").write_text("一、主要目标\n到2025年，单位地区生产总值能耗下降14%—15%。", encoding="utf-8")
    summary = ingest([tmp_path / "in"], tmp_path, workers=1)
    assert summary.ok and summary.ingested == 1
    Store(db).close()  # opening it again changes nothing
    assert db_rows(tmp_path, "SELECT value, value_max FROM targets") == [(14.0, 15.0)]
    assert db_rows(tmp_path, "SELECT count(*) FROM plans") == [(2,)]
    assert db_rows(tmp_path, "PRAGMA user_version") == [(2,)]


def test_a_file_changed_after_it_was_hashed_is_not_filed_under_the_old_hash(tmp_path: Path) -> None:
    """The batch hashes a file to skip what is in; its worker reads it again, and refuses other content."""
    from planparse.jobs import Job, Parser, Problem
    from planparse.sink import Sink
    from planparse.workers import work

    path = tmp_path / "plan.txt"
    path.write_text(sample_text(0), encoding="utf-8")
    job = Job(str(path), "plan.txt", "0" * 64, b"", "plan.json")
    result = Sink(tmp_path).write_json(job, work(Parser(), job))
    assert isinstance(result, Problem) and (result.stage, result.code) == ("read", "changed")
    assert not (tmp_path / "plan.json").exists()


def odd_parse(data: bytes, name: str) -> Plan:
    """A parse_fn for the filing tests: on locker* another program locks the database for 10 s; huge*
    gets a period no SQLite integer holds; slow* takes 30 s (its start is marked beside the file)."""
    stem = Path(name).name
    if stem.startswith("locker") and not Path(name).with_suffix(".locked").exists():
        Path(name).with_suffix(".locked").write_text("x")
        out = Path(name).parent.parent / "out" / "planparse.db"
        hold = "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(10); c.execute('ROLLBACK')"
        locker = subprocess.Popen([sys.executable, "-c", hold, str(out)], stdout=subprocess.PIPE, text=True, start_new_session=True)
        assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
    if stem.startswith("slow"):
        Path(name).with_suffix(".started").write_text("x")
        time.sleep(30)
    plan = planparse.parse(data)
    if stem.startswith("huge"):
        plan = plan.model_copy(update={"metadata": plan.metadata.model_copy(update={"period": (10**20, 10**20)})})
    if stem.startswith("dangling"):  # a task naming a section the plan lacks
        plan = plan.model_copy(update={"tasks": [plan.tasks[0].model_copy(update={"section_id": "s9.9"}), *plan.tasks[1:]]})
    return plan


def test_a_locked_database_is_waited_for_and_no_file_is_blamed(tmp_path: Path, filer: str) -> None:
    """A database another program locks for longer than a file's timeout holds the filing up (the
    worker's or the batch's), and the files that parsed are neither timed out nor lost."""
    src = many_plans(tmp_path / "in", 4)
    (src / "locker.txt").write_text(sample_text(1) + "locker", encoding="utf-8")
    summary = ingest([src], tmp_path / "out", workers=1, timeout=6, parse_fn=odd_parse)
    assert summary.ok and summary.ingested == 5, summary.describe()
    assert db_rows(tmp_path / "out", "SELECT count(*) FROM plans") == [(5,)]


def test_rows_the_database_cannot_take_fail_their_file_alone(tmp_path: Path, filer: str) -> None:
    src = many_plans(tmp_path / "in", 4)
    (src / "huge.txt").write_text(sample_text(2) + "huge", encoding="utf-8")
    (src / "dangling.txt").write_text(sample_text(2) + "dangling", encoding="utf-8")
    summary = ingest([src], tmp_path / "out", workers=1, timeout=30, parse_fn=odd_parse)
    failed = sorted((f.file, f.stage, f.code) for f in summary.failures)
    assert failed == [("dangling.txt", "parse", "internal-error"), ("huge.txt", "write", "internal-error")]
    assert "s9.9" in next(f.reason for f in summary.failures if f.file == "dangling.txt")  # the writer checks no foreign keys
    assert summary.ingested == 4 and db_rows(tmp_path / "out", "SELECT count(*) FROM plans") == [(4,)]


CTRL_C = """
import sys
sys.path.insert(0, sys.argv[3])
from test_batch import odd_parse
import planparse.batch
planparse.batch.default_workers = lambda: int(sys.argv[4])  # 1: the worker files its plans; 4: the batch does
planparse.batch.PARENT_KEEPS_UP = 0
planparse.batch.ingest([sys.argv[1]], sys.argv[2], workers=1, timeout=120, parse_fn=odd_parse)
"""


@pytest.mark.parametrize("cores", [1, 4])
def test_plans_done_before_ctrl_c_are_filed(tmp_path: Path, cores: int) -> None:
    """Ctrl-C while the worker is on a slow file: the plans it finished before are in the database."""
    src = many_plans(tmp_path / "in", 3)
    (src / "slow.txt").write_text(sample_text(0) + "slow", encoding="utf-8")
    batch = subprocess.Popen([sys.executable, "-c", CTRL_C, str(src), str(tmp_path / "out"), str(Path(__file__).parent), str(cores)], stderr=subprocess.PIPE, text=True)
    give_up = time.monotonic() + 60
    while not (src / "slow.started").exists() and time.monotonic() < give_up:
        time.sleep(0.05)
    # the finished plans' results reach the batch process before the slow file starts, but a loaded
    # machine may not have it read them yet: a result still in the pipe at Ctrl-C is not filed (noted)
    time.sleep(1.5)
    batch.send_signal(signal.SIGINT)
    batch.communicate(timeout=60)
    assert sorted(f for (f,) in db_rows(tmp_path / "out", "SELECT file FROM plans")) == ["000.txt", "001.txt", "002.txt"]
