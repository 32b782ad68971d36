"""Which section a task table's rows stand in (tables.py ``_within``), what they take from it, and
the milestones of a deadline cell or field that lists dated steps.

A 任务分工表 written in the body under its heading (三、重点任务分工, then the table) is that
section's: its rows take the heading's path when no cell names a section of their own. A table
after the body (an 附件 line, or the sign-off date, before it) is no part of the last section,
though segmenting lets that section run on to the end of the text. The section a table stands in
gives its rows no milestones: its own dated sentences are about the whole table. The fragments are
written for these tests, after the layouts of county and city plans; no plan text is copied.
"""

from __future__ import annotations

import pytest

import planparse

TABLE = "序号\t重点任务\t责任单位\t完成时限\n1\t开展排污口整治\t县生态环境局\t2025年6月底前\n2\t开展河道清理\t县水利局\t2024年底前\n"

CASES = [
    # (label, text, expected path of every row)
    ("in-body-under-a-chapter", "一、总体要求\n到2025年，完成整治。\n二、重点任务分工\n" + TABLE + "三、保障措施\n（一）加强领导。\n", ["二、"]),
    ("in-body-under-a-sub-heading", "一、重点任务\n（一）水污染治理\n" + TABLE + "（二）大气污染治理\n加强扬尘管控。\n", ["一、", "（一）"]),
    ("last-section-runs-on-over-its-table", "一、总体要求\n到2025年，完成整治。\n二、任务分工\n" + TABLE, ["二、"]),
    # 附件 alone on its line labels an attachment, a section of its own (segment._annex): its rows stand under it
    ("after-an-attachment-line", "一、总体要求\n到2025年，完成整治。\n二、保障措施\n加强领导。\n附件\n重点任务分工表\n" + TABLE, ["附件"]),
    ("after-a-numbered-attachment", "一、总体要求\n到2025年，完成整治。\n二、保障措施\n加强领导。\n附件1：重点任务分工表\n" + TABLE, []),
    ("after-the-sign-off", "一、总体要求\n到2025年，完成整治。\n二、保障措施\n加强领导。\n某县人民政府\n2024年3月1日\n重点任务分工表\n" + TABLE, []),
    ("before-any-heading", "重点任务分工表\n" + TABLE + "一、保障措施\n加强领导。\n", []),
    ("after-a-lead-in-and-a-caption", "一、总体要求\n到2025年，完成整治。\n二、重点任务分工\n为确保各项任务落实，现将任务分工如下：\n表1  重点任务分工表\n" + TABLE, ["二、"]),
    # the table of the whole plan after the text of the last item: no part of the item
    ("after-the-last-item-s-text", "一、重点任务\n（一）加强监管\n开展执法检查。\n（二）加强宣传\n开展宣传活动。\n" + TABLE, []),
    ("after-a-run-in-item", "一、重点任务\n（一）加强监管。开展执法检查。\n（二）加强宣传。开展宣传活动，各项分工见下表。\n" + TABLE, []),
]


@pytest.mark.parametrize(("text", "path"), [pytest.param(t, p, id=label) for label, t, p in CASES])
def test_rows_take_the_section_they_stand_in(text: str, path: list[str]) -> None:
    rows = [t for t in planparse.parse_text(text).tasks if t.title in ("开展排污口整治", "开展河道清理")]
    assert len(rows) == 2
    assert [t.path for t in rows] == [path, path]


def test_a_cell_naming_a_section_outranks_the_one_the_table_stands_in() -> None:
    text = "一、重点任务\n（一）实施排污口整治\n加强监管。\n（二）实施河道清理\n加强巡查。\n二、任务分工\n序号\t重点任务\t责任单位\n1\t实施排污口整治\t县生态环境局\n2\t其他工作\t县水利局\n"
    rows = [t for t in planparse.parse_text(text).tasks if t.responsible_units and t.responsible_units[0].name in ("县生态环境局", "县水利局")]
    assert [t.path for t in rows] == [["一、", "（一）"], ["二、"]]


def test_the_section_a_table_stands_in_gives_its_rows_no_milestones() -> None:
    text = "一、重点任务分工\n2024年6月底前各单位报送进展的任务如下：\n" + TABLE + "二、保障措施\n加强领导。\n"
    rows = [t for t in planparse.parse_text(text).tasks if t.title in ("开展排污口整治", "开展河道清理")]
    assert [t.milestones for t in rows] == [[], []]
    assert [t.deadline.date for t in rows if t.deadline] == ["2025-06-30", "2024-12-31"]


STEPS = "①2024年6月底前完成摸底调查；②2024年12月底前完成整治；③2025年6月底前完成验收"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("一、重点任务分工\n序号\t重点任务\t责任单位\t进度安排\n1\t开展排污口整治\t县生态环境局\t" + STEPS + "\n", id="table-cell"),
        pytest.param("一、重点任务\n（一）开展排污口整治\n责任单位：县生态环境局\n完成时限：" + STEPS + "\n", id="body-field"),
    ],
)
def test_dated_steps_of_a_deadline_are_milestones(text: str) -> None:
    """A 进度安排 that lists dated steps: due at the last, each step a milestone."""
    task = planparse.parse_text(text).tasks[0]
    assert task.deadline is not None and task.deadline.date == "2025-06-30"
    assert [m.date for m in task.milestones] == ["2024-06-30", "2024-12-31", "2025-06-30"]


@pytest.mark.parametrize(
    "cell",
    [pytest.param("2024年底前", id="one-date"), pytest.param("2024年底前，长期坚持", id="a-date-then-ongoing")],
)
def test_a_deadline_of_one_date_gives_no_milestones(cell: str) -> None:
    task = planparse.parse_text("一、重点任务分工\n序号\t重点任务\t责任单位\t进度安排\n1\t开展河道清理\t县水利局\t" + cell + "\n").tasks[0]
    assert task.deadline is not None and task.deadline.date == "2024-12-31"
    assert task.milestones == []


# A 分工表 in the 附件 whose task cells quote the body rather than a heading: the run-in title of a
# paragraph (推进老旧小区改造。实施…) or one whole sentence of it. The row stands in the section of the
# quoted passage when the body holds it once; a cell that only starts a sentence, or a passage two
# sections share, links nothing: the row stays in the attachment it stands in (附件).
BODY = (
    "一、重点任务\n（一）城市更新\n推进老旧小区改造。实施排水管网改造，2025年底前完成。\n"
    "加强物业管理。推动专业化物业服务覆盖老旧小区。\n（二）乡村建设\n改善农村人居环境。开展村庄清洁行动，2024年6月底前完成。"
    "统筹推进农村生活污水和垃圾治理。\n加强物业管理。推行村级物业服务试点。\n二、保障措施\n加强组织领导。\n附件\n重点任务分工表\n序号\t重点任务\t牵头单位\n"
)


@pytest.mark.parametrize(
    ("cell", "path"),
    [
        pytest.param("推进老旧小区改造", ["一、", "（一）"], id="a-run-in-title"),
        pytest.param("改善农村人居环境", ["一、", "（二）"], id="a-run-in-title-of-the-next-section"),
        pytest.param("统筹推进农村生活污水和垃圾治理", ["一、", "（二）"], id="a-whole-sentence"),
        pytest.param("（一）城市更新", ["一、", "（一）"], id="the-heading-with-its-marker"),
        pytest.param("加强物业管理", ["附件"], id="a-title-two-sections-share"),
        pytest.param("实施排水管网改造", ["附件"], id="a-sentence-s-first-clause-only"),
        pytest.param("老旧小区改造", ["附件"], id="part-of-a-title"),
    ],
)
def test_a_row_quoting_the_body_stands_in_the_quoted_section(cell: str, path: list[str]) -> None:
    (row,) = [t for t in planparse.parse_text(BODY + f"1\t{cell}\t县住建局\n").tasks if t.title == cell]
    assert row.path == path


def test_a_long_opening_of_a_sentence_is_that_sentence() -> None:
    """A cell cut short (a table's cell holds the sentence's first words) still quotes it word for word."""
    cell = "统筹推进农村生活污水和垃圾治理，建立长效运行维护机制并纳入考核"
    text = BODY.replace("统筹推进农村生活污水和垃圾治理。", cell + "，确保设施正常运行。") + f"1\t{cell[:26]}\t县住建局\n"
    (row,) = [t for t in planparse.parse_text(text).tasks if t.title == cell[:26]]
    assert row.path == ["一、", "（二）"]


def test_the_quoted_section_s_dates_are_not_the_row_s() -> None:
    """The quoted section holds other tasks: its dated text (2025年底前完成) is no milestone of this row."""
    (row,) = [t for t in planparse.parse_text(BODY + "1\t推进老旧小区改造\t县住建局\n").tasks if t.title == "推进老旧小区改造"]
    assert row.path == ["一、", "（一）"] and row.milestones == []
