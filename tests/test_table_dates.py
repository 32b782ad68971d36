"""Dates in a task table's deadline cells (extract/tables.py) read as a deadline field's are in the body:
the plan's year for a date without one, and a step in a year before the plan starts is history, no
milestone. Rows written for these tests; no plan text is copied.
"""

from __future__ import annotations

import pytest

import planparse
from planparse.extract.deadlines import DateIndex
from planparse.extract.tables import table_tasks
from planparse.grammar import load_grammars
from planparse.segment import find_headings

HEAD = "某县2024年河道整治工作方案\n一、重点任务\n"
SIGNED = "\n县人民政府办公室\n2024年3月1日\n"
# (deadline cell, its deadline's date, its milestones' dates): steps before 2024 are no milestones
CELLS = [
    ("6月底前", "2024-06-30", []),
    ("①2023年完成摸底排查；②2024年6月底前完成整治", "2024-06-30", []),
    ("2022年启动，2024年底前完成", "2024-12-31", []),
    ("①2024年6月底前完成排查；②2025年底前完成整治", "2025-12-31", ["2024-06-30", "2025-12-31"]),
]


def _table(cell: str) -> str:
    return HEAD + f"序号\t重点任务\t牵头单位\t完成时限\n1\t推进河道整治\t县水利局\t{cell}\n" + SIGNED


@pytest.mark.parametrize(("cell", "due", "steps"), CELLS)
def test_a_cell_reads_as_a_deadline_field_does(cell: str, due: str, steps: list[str]) -> None:
    text, g = _table(cell), load_grammars()
    (task,), _, _ = table_tasks(text, find_headings(text, g), g, 2024, lambda _: None, dates=DateIndex(text, g), min_year=2024)
    assert task.deadline is not None and task.deadline.date == due
    assert [m.date for m in task.milestones] == steps


def test_a_table_row_and_a_body_task_give_the_same_milestones() -> None:
    cell = "2022年启动，2024年底前完成"
    body = HEAD + f"（一）推进河道整治。（牵头单位：县水利局；完成时限：{cell}）" + SIGNED
    (row,) = planparse.parse_text(_table(cell)).tasks
    (task,) = planparse.parse_text(body).tasks
    assert [m.date for m in row.milestones] == [m.date for m in task.milestones] == []
