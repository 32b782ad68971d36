"""Task tables whose rows a web copy wrote with runs of spaces in place of tabs (extract/flat_tables.py
spaced_tables): a header line of column words, then a line per row split the same way. Written for these
tests after the layout of a county's task list copied from its web page; no page text is copied.
"""

from __future__ import annotations

import pytest

import planparse
from planparse.models import Task

SPACED = (
    "某县城市管理重点工作任务分工\n"
    "序号  重点任务  牵头单位  配合单位  责任人  完成时限\n"
    "1  推进城区背街小巷整治提升  县城管局  县住建局、县财政局  王小明  2024年10月底前\n"
    "2  开展农贸市场环境综合整治  县市场监管局  各乡镇  李  强  持续推进\n"
    "\n"
    "各单位要按照分工抓好落实，确保各项任务按期完成。\n"
)


def _rows(text: str) -> list[Task]:
    plan = planparse.parse_text(text)
    for task in plan.tasks:  # every record points into the text
        assert plan.text[task.span.start : task.span.end].strip()
    return plan.tasks


def test_rows_written_with_runs_of_spaces_are_rows() -> None:
    rows = _rows(SPACED)
    assert [t.title for t in rows] == ["推进城区背街小巷整治提升", "开展农贸市场环境综合整治"]
    assert [[u.name for u in t.lead_units] for t in rows] == [["县城管局"], ["县市场监管局"]]
    assert [[u.name for u in t.cooperating_units] for t in rows] == [["县住建局", "县财政局"], ["各乡镇"]]
    # a two-character name padded to three characters' width (李  强) is one cell: the row keeps its time
    assert [t.deadline.raw if t.deadline else None for t in rows] == ["2024年10月底前", "持续推进"]


@pytest.mark.parametrize(
    "text",
    [
        # the header alone, rows not split as it is (one space between cells): no column can be told
        "序号  重点任务  牵头单位  完成时限\n1 推进城区背街小巷整治提升 县城管局 2024年底前\n",
        # a sentence of prose with double spaces, no header of column words
        "一、工作任务\n推进城区背街小巷整治提升  县城管局牵头  2024年底前完成。\n开展市场整治  县市场监管局负责  持续推进。\n",
    ],
)
def test_no_spaced_table_without_a_header_split_the_same_way(text: str) -> None:
    assert not [t for t in _rows(text) if t.title == "推进城区背街小巷整治提升"]
