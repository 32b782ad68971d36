"""The years a deadline spans: rows of tests/cases/deadlines.toml that give ``start_year`` or ``end_year``.

test_cases.py checks a row's kind, date and raw; a period's or a recurrence's years (2024年全年 → 2024–2024,
2024年起每年 → from 2024) are checked here, on the same rows (a key left out is not checked).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

import planparse
from planparse.extract.deadlines import parse_field
from planparse.grammar import load_grammars

KEYS = ("start_year", "end_year")
TABLE = tomllib.loads((Path(__file__).parent / "cases" / "deadlines.toml").read_text(encoding="utf-8"))["case"]
ROWS = [pytest.param(r, id=r["label"]) for r in TABLE if any(k in r for k in KEYS)]


@pytest.mark.parametrize("row", ROWS)
def test_deadline_years(row: dict[str, Any]) -> None:
    text = row["input"]
    if row.get("via", "field") == "field":
        found, _ = parse_field(text, 0, len(text), load_grammars(), row.get("ref_year"))
    else:
        plan = planparse.parse_text(text)
        found = plan.tasks[0].deadline if plan.tasks else None
    assert found is not None
    assert {k: getattr(found, k) for k in KEYS if k in row} == {k: row[k] for k in KEYS if k in row}
