"""Header words of task tables added with the reader of flattened tables (grammars/tables.toml): a county
bureau's 责任股室 column names the offices responsible, and a rectification list's 整改问题 column is the
problem each measure answers. Tab-separated rows, written for these tests; no plan text is copied.
"""

from __future__ import annotations

import planparse


def test_an_office_column_is_a_responsible_unit_column() -> None:
    text = "序号\t工作任务\t责任股室\t完成时限\n1\t开展文化下乡演出。\t文化股\t11月底前\n"
    (task,) = planparse.parse_text(text).tasks
    assert [u.name for u in task.responsible_units] == ["文化股"]


def test_a_rectification_problem_column_prefixes_its_measure() -> None:
    text = "序号\t整改问题\t整改措施\t责任单位\t整改时限\n1\t台账不规范\t完善台账管理制度。\t县应急管理局\t2024年6月底前\n"
    (task,) = planparse.parse_text(text).tasks
    assert task.title == "台账不规范：完善台账管理制度。"


def test_a_planned_completion_column_is_the_deadline_column() -> None:
    # 计划完成时间 (a progress list's header) gave no deadline: only 完成时间 opening the cell was read
    for header in ("计划完成时间", "预计完成时限", "要求完成时间"):
        text = f"序号\t工作任务\t牵头责任单位\t{header}\n1\t建成高标准农田8万亩。\t县农业农村局\t2023年底\n"
        (task,) = planparse.parse_text(text).tasks
        assert task.deadline is not None and task.deadline.date == "2023-12-31", header
