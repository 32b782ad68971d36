"""Example tables: tests/cases/{headings,units,deadlines,targets,metadata}.toml, one test per row.

Each row is a phrase or a short plan fragment with the record a careful reader expects
(tests/cases/README.md gives the row format). Rows marked ``expect = "fail"`` are known
failures, run as ``xfail(strict=True)``: when the code is fixed the row must be flipped to
``pass``. Nothing is skipped. Test ids are the rows' labels.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

import planparse
from planparse.extract.deadlines import parse_field
from planparse.grammar import load_grammars

CASES = Path(__file__).parent / "cases"
TABLES = ("headings", "units", "deadlines", "targets", "metadata")
ROLES = {"lead": "lead_units", "responsible": "responsible_units", "cooperating": "cooperating_units"}
Row = dict[str, Any]
Record = dict[str, Any]


def load_table(table: str) -> list[Row]:
    return tomllib.loads((CASES / f"{table}.toml").read_text(encoding="utf-8"))["case"]


def params(table: str) -> list[Any]:
    out = []
    for row in load_table(table):
        fail = row.get("expect", "pass") == "fail"
        marks = [pytest.mark.xfail(strict=True, reason=row.get("note", ""))] if fail else []
        out.append(pytest.param(row, id=row["label"], marks=marks))
    return out


def pick(record: Record, expected: Record, defaults: Record) -> Record:
    """The actual record cut down to the keys the row checks (given keys plus keys with a default)."""
    return {k: record.get(k) for k in {**defaults, **expected}}


def with_defaults(expected: Record, defaults: Record) -> Record:
    return {**defaults, **expected}


def check_warnings(codes: set[str], row: Row) -> None:
    missing = set(row.get("warnings", [])) - codes
    unwanted = set(row.get("not_warnings", [])) & codes
    assert not missing, f"warnings missing: {sorted(missing)}; got {sorted(codes)}"
    assert not unwanted, f"unwanted warnings: {sorted(unwanted)}"


def codes_of(plan: planparse.Plan) -> set[str]:
    return {w.code for w in plan.warnings}


@pytest.mark.parametrize("table", TABLES)
def test_table_is_well_formed(table: str) -> None:
    rows = load_table(table)
    labels = [r["label"] for r in rows]
    assert len(rows) >= (15 if table == "metadata" else 35)  # a metadata row checks a whole plan head
    assert len(labels) == len(set(labels)), "labels must be unique"
    for row in rows:
        assert row.get("expect", "pass") in ("pass", "fail"), row["label"]
        assert row.get("expect") != "fail" or row.get("note"), f"{row['label']}: a failing row needs a note"


# -- headings --------------------------------------------------------------------------

HEADING_DEFAULTS: Record = {}


def flat_sections(plan: planparse.Plan) -> list[Record]:
    out: list[Record] = []

    def walk(sections: list[planparse.Section], depth: int) -> None:
        for s in sections:
            out.append({"level": s.level, "marker": s.marker, "number": s.number, "title": s.title, "depth": depth})
            walk(s.children, depth + 1)

    walk(plan.sections, 0)
    return out


@pytest.mark.parametrize("row", params("headings"))
def test_headings(row: Row) -> None:
    plan = planparse.parse_text(row["input"])
    expected = row["headings"]
    actual = flat_sections(plan)
    assert [pick(a, e, HEADING_DEFAULTS) for a, e in zip(actual, expected, strict=False)] == expected
    assert len(actual) == len(expected), f"headings found: {actual}"
    check_warnings(codes_of(plan), row)


# -- units -----------------------------------------------------------------------------

UNIT_DEFAULTS: Record = {"scope": None, "placeholder": False}


def as_unit(u: str | Record) -> Record:
    """A name alone, or a table; ``canonical = ""`` stands for null (TOML has no null)."""
    unit = {"name": u} if isinstance(u, str) else {k: (None if k == "canonical" and v == "" else v) for k, v in u.items()}
    return with_defaults(unit, UNIT_DEFAULTS)


@pytest.mark.parametrize("row", params("units"))
def test_units(row: Row) -> None:
    plan = planparse.parse_text(row["input"])
    i = row.get("task", 0)
    task = plan.tasks[i] if i < len(plan.tasks) else None
    for key, role in ROLES.items():
        if key in row.get("ignore", []):
            continue
        expected = [as_unit(u) for u in row.get(key, [])]
        units = [u.model_dump() for u in getattr(task, role)] if task else []
        actual = [pick(u, e, UNIT_DEFAULTS) for u, e in zip(units, expected, strict=False)]
        assert actual == expected, f"{key}: got {[u['name'] for u in units]}"
        assert len(units) == len(expected), f"{key}: got {[(u['name'], u['scope']) for u in units]}"
    if "title" in row:
        assert task is not None and task.title == row["title"]
    if "tasks" in row:
        assert len(plan.tasks) == row["tasks"], f"tasks: got {[t.title for t in plan.tasks]}"
    check_warnings(codes_of(plan), row)


# -- deadlines -------------------------------------------------------------------------

DEADLINE_DEFAULTS: Record = {"date": None}


def deadline_record(d: planparse.Deadline | None, expected: Record) -> Record | None:
    return None if d is None else pick(d.model_dump(), expected, DEADLINE_DEFAULTS)


@pytest.mark.parametrize("row", params("deadlines"))
def test_deadlines(row: Row) -> None:
    text = row["input"]
    expected = None if row["kind"] == "none" else with_defaults({k: row[k] for k in ("kind", "date", "raw") if k in row}, DEADLINE_DEFAULTS)
    if row.get("via", "field") == "field":
        found, issues = parse_field(text, 0, len(text), load_grammars(), row.get("ref_year"))
        codes = {w.code for w in issues}
    else:
        plan = planparse.parse_text(text)
        task = plan.tasks[0] if plan.tasks else None
        found, codes = (task.deadline if task else None), codes_of(plan)
        if "milestones" in row:
            milestones = [m.model_dump() for m in task.milestones] if task else []
            wanted = [with_defaults(m, DEADLINE_DEFAULTS) for m in row["milestones"]]
            assert [pick(m, e, DEADLINE_DEFAULTS) for m, e in zip(milestones, wanted, strict=False)] == wanted
            assert len(milestones) == len(wanted), f"milestones: {[m['raw'] for m in milestones]}"
    assert deadline_record(found, expected or {}) == expected
    check_warnings(codes, row)


# -- targets ---------------------------------------------------------------------------

TARGET_DEFAULTS: Record = {"comparator": None, "value": None, "value_max": None, "unit": None, "year": None, "placeholder": False}


@pytest.mark.parametrize("row", params("targets"))
def test_targets(row: Row) -> None:
    plan = planparse.parse_text(row["input"])
    expected = [with_defaults(t, TARGET_DEFAULTS) for t in row["targets"]]
    targets = [t.model_dump() for t in plan.targets]
    assert [pick(t, e, TARGET_DEFAULTS) for t, e in zip(targets, expected, strict=False)] == expected
    assert len(targets) == len(expected), f"targets found: {[t['raw'] for t in targets]}"
    check_warnings(codes_of(plan), row)


# -- metadata --------------------------------------------------------------------------

META_FIELDS = ("title", "doc_number", "issuer", "date", "region", "admin_level", "period", "draft")


@pytest.mark.parametrize("row", params("metadata"))
def test_metadata(row: Row) -> None:
    meta = planparse.parse_text(row["input"]).metadata.model_dump()
    for key in META_FIELDS:
        if key in row:
            expected = None if row[key] == "" else row[key]
            actual = list(meta[key]) if key == "period" and meta[key] is not None else meta[key]
            assert actual == expected, f"{key}: got {meta[key]!r}"
