"""Header words of task tables added with the reader of flattened tables (grammars/tables.toml): a county
bureau's 责任股室 column names the offices responsible, and a rectification list's 整改问题 column is the
problem each measure answers. Tab-separated rows, written for these tests; no plan text is copied.
"""

from __future__ import annotations

import pytest

import planparse
from planparse.extract.table_header import header_roles
from planparse.grammar import load_grammars


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


# Header words of real task tables, project lists and reform lists that the table reader did not know:
# (header word, the role its column takes). Each was read as no column, so the row lost its deadline,
# its title, or (a name column) took the task's place.
WORDS = [
    ("建设起止年限", "deadline"),
    ("起止年限", "deadline"),
    ("建设起止时间", "deadline"),
    ("实施期限", "deadline"),
    ("建设任务", "task"),
    ("重点项目", "task"),
    ("建设项目", "task"),
    ("重点事项", "task"),
    ("改革事项", "task"),
    ("工作举措", "measure"),
    ("具体举措", "measure"),
    ("举措", "measure"),
]


@pytest.mark.parametrize(("word", "role"), WORDS, ids=[w for w, _ in WORDS])
def test_a_header_word_names_its_column(word: str, role: str) -> None:
    # a task or measure word: a column of a word no column uses before it (所属区域) took the task's place;
    # a time word: the column was no deadline column
    first = "重点任务" if role == "deadline" else "所属区域"
    roles = header_roles(["序号", first, word, "责任单位", *([] if role == "deadline" else ["完成时限"])], load_grammars())
    assert roles is not None and roles[2] == role and (role == "deadline" or roles[1] is None)


@pytest.mark.parametrize("word", ["进展情况", "完成情况"])
def test_a_progress_column_is_never_the_task(word: str) -> None:
    # without a task column the first word no column uses is the task: the progress report was the title
    (task,) = planparse.parse_text(f"{word}\t专项整治行业\t时间安排\t责任单位\n已完成摸排\t燃气行业\t2024年底前\t县住建局\n").tasks
    assert task.title == "燃气行业"


def test_a_year_without_its_character_in_a_years_column_is_a_deadline() -> None:
    text = "序号\t项目名称\t建设规模及内容\t建设起止年限\t责任单位\n1\t医疗急救能力提升工程\t设立急救点，采购救护车\t2022\t县卫健局\n"
    (task,) = planparse.parse_text(text).tasks
    assert task.deadline is not None and (task.deadline.kind, task.deadline.date, task.deadline.raw) == ("by", "2022-12-31", "2022")
    assert text[task.deadline.span.start : task.deadline.span.end] == "2022"


def test_an_indicator_column_is_the_work_where_no_column_names_a_task() -> None:
    # 考核指标 says what each row must reach, as 目标任务 does: the first word no column uses (分月进度, the
    # month-by-month steps) was the task
    text = "| 序号 | 责任单位 | 考核指标 | 分月进度 | 实施部门 | 完成时限 |\n|---|---|---|---|---|---|\n| 1 | 县民政局 | 按月完成救助审核，及时发放救助金。 | 每季度核查一次。 | 救助中心 | 2024年12月底 |\n"
    (task,) = planparse.parse_text(text).tasks
    assert task.title == "按月完成救助审核，及时发放救助金。"
    assert [u.name for u in task.responsible_units] == ["县民政局", "救助中心"]
    roles = header_roles(["序号", "工作任务", "承办部门", "完成时限"], load_grammars())
    assert roles == ["number", "task", "responsible_units", "deadline"]
    # beside a task column it is no title
    text = text.replace("分月进度", "工作内容")
    (task,) = planparse.parse_text(text).tasks
    assert task.title == "每季度核查一次。"


def test_the_later_of_two_task_columns_is_the_finer_one() -> None:
    # 重点任务 | 工作任务: the row was the two cells run together; it reads 重点任务：工作任务, as a measure does
    text = "序号\t重点任务\t工作任务\t责任单位\t完成时限\n1\t稳定粮食生产\t建设高标准农田2万亩。\t县农业农村局\t2024年底前\n"
    (task,) = planparse.parse_text(text).tasks
    assert task.title == "稳定粮食生产：建设高标准农田2万亩。"
