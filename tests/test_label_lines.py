"""Labels read from lines of their own (extract/label_lines.py) and label words that head a task table's
column. Fragments written for these tests after layouts seen on county and city pages; no page text copied.
"""

from __future__ import annotations

import planparse

# a task list whose unit column is headed 负责部门 (its time column 时间进度), flattened one cell per line
TABLE = "序号\n工作任务\n负责部门\n时间进度\n1\n完善城市管理体制\n市委编办、市城管局\n2024年底前\n2\n推进数字城管平台建设\n市城管局，各县（区）政府\n2025年6月底前\n"

# a form under numbered items: each label on its line, its value on the next
FORM = "一、重点任务\n1.开展林区防火巡查。\n责任单位\n县林草局\n配合单位\n各乡镇\n完成时限\n2024年底前\n2.做好防火宣传。\n牵头单位\n县应急局\n完成时限\n持续推进\n"


def test_fuze_bumen_heads_the_unit_column() -> None:
    tasks = planparse.parse_text(TABLE).tasks
    assert [t.title for t in tasks] == ["完善城市管理体制", "推进数字城管平台建设"]
    assert [[u.name for u in t.responsible_units] for t in tasks] == [["市委编办", "市城管局"], ["市城管局", "各县（区）政府"]]


def test_bare_labels_give_each_item_its_units_and_time() -> None:
    tasks = planparse.parse_text(FORM).tasks
    assert [t.title for t in tasks] == ["开展林区防火巡查", "做好防火宣传"]
    assert [u.name for u in tasks[0].responsible_units] == ["县林草局"]
    assert [u.name for u in tasks[0].cooperating_units] == ["各乡镇"]
    assert [u.name for u in tasks[1].lead_units] == ["县应急局"]
    assert [t.deadline.kind if t.deadline else None for t in tasks] == ["by", "ongoing"]
    for t in tasks:  # the label lines and their values are the task's span
        assert t.span.end > t.span.start
