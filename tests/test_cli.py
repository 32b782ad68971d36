"""The ``planparse`` command through typer's CliRunner on real sample files: output and exit codes.

Exit codes (OUTPUT_CONTRACT.md): 0 ok, 1 the input failed, 2 usage. A failing input is one line
on stderr naming the file, never a traceback.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from conftest import SAMPLE_PATHS, SAMPLES
from typer.testing import CliRunner, Result

from planparse import Plan
from planparse.cli import app

SAMPLE = SAMPLES / "003_e7c703fe6ca54374.txt"


def run(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


def assert_one_line_failure(result: Result, path: Path) -> None:
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, SystemExit)


def test_convert_prints_plan_json() -> None:
    result = run("convert", str(SAMPLE))
    assert result.exit_code == 0, result.stderr
    plan = Plan.model_validate_json(result.stdout)
    assert plan.source.path == str(SAMPLE)
    assert plan.tasks and plan.metadata.region == "城中区"


def test_convert_output_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    result = run("convert", str(SAMPLE), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    plan = Plan.model_validate_json(out.read_text(encoding="utf-8"))
    assert plan.text and plan.sections


def test_convert_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = run("convert", str(missing))
    assert_one_line_failure(result, missing)
    assert "not-found" in result.stderr


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", random.Random(1).randbytes(3000), "decode-failed"),
        ("fake.pdf", b"%PDF-1.4\nbroken", "corrupt"),
    ],
    ids=["empty", "binary", "broken-pdf"],
)
def test_convert_bad_input(tmp_path: Path, name: str, data: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    out = tmp_path / "out.json"
    result = run("convert", str(path), "-o", str(out))
    assert_one_line_failure(result, path)
    assert f"[{code}]" in result.stderr
    assert not out.exists(), "a failed convert must not leave an output file"


def test_convert_directory(tmp_path: Path) -> None:
    assert_one_line_failure(run("convert", str(tmp_path)), tmp_path)


def test_schema() -> None:
    result = run("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert {"schema_version", "source", "metadata", "text", "sections", "tasks", "targets", "warnings"} <= set(schema["properties"])
    assert "Task" in schema["$defs"] and "Span" in schema["$defs"]


@pytest.mark.parametrize(
    "args",
    [[], ["convert"], ["convert", str(SAMPLE), "--bogus"], ["no-such-command"]],
    ids=["no-args", "no-file", "bad-option", "bad-command"],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Usage" in result.output


def test_summary_writes_one_json_per_sample(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("summary", str(SAMPLES), "-o", str(out))
    assert result.exit_code == 0, result.stderr
    written = sorted(p.name for p in out.glob("*.json"))
    assert written == sorted(p.stem + ".json" for p in SAMPLE_PATHS)
    for p in SAMPLE_PATHS:
        assert p.name in result.stdout
        plan = Plan.model_validate_json((out / (p.stem + ".json")).read_text(encoding="utf-8"))
        assert plan.source.path == str(p)


def test_summary_keeps_going_after_a_bad_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    out = tmp_path / "out"
    result = run("summary", str(missing), str(SAMPLE), "-o", str(out))
    assert result.exit_code == 1
    assert str(missing) in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in out.glob("*.json")] == [SAMPLE.stem + ".json"]


def test_batch_command_from_the_contract(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("batch", str(SAMPLES), "-o", str(out), "--workers", "2", "--quiet")
    assert result.exit_code == 0, result.output
    plans = sorted(p.name for p in (out / "plans").glob("*.json"))
    for p in SAMPLE_PATHS:  # one JSON per plan, named after its file (plus a hash that keeps names unique)
        assert any(name.startswith(p.stem) for name in plans), p.name
    for name in ("plans.jsonl", "planparse.db", "tasks.xlsx", "tasks.csv"):
        assert (out / name).is_file(), name
