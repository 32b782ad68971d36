"""Task tables flattened one cell per line (extract/flat_tables.py): a web page's 任务分工表 copied as
text, or with its tags stripped, gives the header's cells each on a line, then each row's. The
fragments are written for these tests after the layouts seen on county and city web pages (a
bureau's annual task list with 责任领导 and 责任股室 columns, a development zone's list of key work,
a 整改 list); no page text is copied. Each case says what a row must give, and the guards say what
must never be read as such a table.
"""

from __future__ import annotations

import pytest

import planparse
from planparse.extract.flat_tables import piped_cells
from planparse.models import Task


def _rows(text: str) -> list[Task]:
    plan = planparse.parse_text(text)
    for task in plan.tasks:  # every record points into the text
        assert plan.text[task.span.start : task.span.end].strip()
    return [t for t in plan.tasks if t.id and t.title]


def _names(units: list) -> list[str]:
    return [u.name for u in units]


def _read(rows: list[Task]) -> tuple[list[str], list[list[str]], list[str | None]]:
    """Each row's title, responsible units and deadline, as a supervisor's table lists them."""
    return [t.title for t in rows], [_names(t.responsible_units) for t in rows], [t.deadline.raw if t.deadline else None for t in rows]


NUMBERED = "序号\n重点任务\n牵头单位\n配合单位\n完成时限\n1\n推进城区老旧小区改造提升\n县住建局\n县财政局、县城管局\n2024年底前\n2\n开展农村人居环境整治。\n县农业农村局\n各乡镇人民政府\n持续推进\n"


def test_numbered_rows_give_tasks() -> None:
    rows = _rows(NUMBERED)
    assert [t.title for t in rows] == ["推进城区老旧小区改造提升", "开展农村人居环境整治。"]
    assert [_names(t.lead_units) for t in rows] == [["县住建局"], ["县农业农村局"]]
    assert [_names(t.cooperating_units) for t in rows] == [["县财政局", "县城管局"], ["各乡镇人民政府"]]
    assert [t.deadline.kind if t.deadline else None for t in rows] == ["by", "ongoing"]


# a bureau's list: a category column, a header cell wrapped over two lines, a column of people, units
# one per line, and merged cells that give a line only in their first row
BUREAU = (
    "序号\n类别\n工作任务\n完成时限\n责任领导\n责任股室\n（单位）\n备注\n"
    "1\n公共服务\n全年送戏下乡演出不少于50场。\n11月底前\n王小明\n文化股\n文化馆\n图书馆\n"
    "2\n推进乡镇综合文化站提档升级。\n文化股\n"
    "3\n开展全民阅读活动。\n"
    "4\n广电\n完成应急广播终端维护。\n9月底前\n李 强\n广电股\n"
)


def test_lines_go_to_columns_by_what_they_hold() -> None:
    rows = _rows(BUREAU)
    assert [t.title for t in rows] == ["全年送戏下乡演出不少于50场。", "推进乡镇综合文化站提档升级。", "开展全民阅读活动。", "完成应急广播终端维护。"]
    # units one per line stay apart; a person's name is no unit; a short category (广电) is no name
    assert _names(rows[0].responsible_units) == ["文化股", "文化馆", "图书馆"]
    assert _names(rows[3].responsible_units) == ["广电股"]
    # a merged cell's lines hold for the rows under it: the time for row 2, time and units for row 3
    assert rows[1].deadline is not None and rows[1].deadline.raw == "11月底前"
    assert _names(rows[2].responsible_units) == ["文化股"]
    assert rows[3].deadline is not None and rows[3].deadline.raw == "9月底前"


def test_rows_without_a_number_column_when_every_row_is_complete() -> None:
    text = "整改问题\n整改措施\n责任单位\n整改时限\n台账不规范\n完善台账管理制度。\n县应急管理局\n2024年6月底前\n巡查频次不足\n建立每周巡查机制。\n县交通运输局\n立行立改\n"
    rows = _rows(text)
    assert [t.title for t in rows] == ["台账不规范：完善台账管理制度。", "巡查频次不足：建立每周巡查机制。"]
    assert [_names(t.responsible_units) for t in rows] == [["县应急管理局"], ["县交通运输局"]]


IN_BODY = NUMBERED.replace("改造提升\n", "改造提升。\n")


def test_the_table_takes_the_section_it_stands_in_and_ends_at_the_next_heading() -> None:
    text = "一、总体要求\n到2025年，完成整治。\n二、任务分工\n" + IN_BODY + "三、保障措施\n（一）加强组织领导。各乡镇要落实责任。\n"
    rows = _rows(text)
    assert [t.path for t in rows] == [["二、"], ["二、"]]
    assert not any("保障" in t.title or "组织领导" in t.title for t in rows)


def test_prose_after_the_last_row_is_not_swallowed() -> None:
    text = NUMBERED + "各单位要高度重视，按时完成各项任务，确保取得实效，于每季度末报送进展情况。\n"
    rows = _rows(text)
    assert len(rows) == 2
    last = rows[-1]
    assert "报送" not in planparse.parse_text(text).text[last.span.start : last.span.end]


GUARDS = [
    # labelled values on their own lines: an assignment block, not a header
    ("labelled-lines", "一、重点任务\n（一）推进改造。\n牵头单位：县住建局\n配合单位：县财政局\n完成时限：2024年底前\n"),
    # column words with no numbered rows after them
    ("header-words-alone", "序号\n重点任务\n责任单位\n完成时限\n各单位要按时报送材料。\n"),
    # an indicator table (no unit or time column) stays a target table's business
    ("indicator-table", "序号\n指标名称\n单位\n2025年目标\n1\n森林覆盖率\n%\n45\n"),
]


@pytest.mark.parametrize("text", [pytest.param(t, id=label) for label, t in GUARDS])
def test_no_flat_table_is_read_in(text: str) -> None:
    assert not [t for t in planparse.parse_text(text).tasks if t.id.startswith("table") or t.span.start == 0]


def test_units_one_per_line_under_two_unit_columns_go_first_to_the_lead() -> None:
    # three unit lines under 牵头单位 | 配合单位: the lead takes the first, the cooperating column the rest
    # (a lead is one office far more often than its helpers are); the row was dropped, then lost its third
    text = "序号\n重点任务\n牵头单位\n配合单位\n完成时限\n1\n推进河道整治。\n县水利局\n县财政局\n县自然资源局\n2024年底前\n2\n开展护林巡查。\n县林业局\n各乡镇人民政府\n持续推进\n"
    rows = _rows(text)
    assert [t.title for t in rows] == ["推进河道整治。", "开展护林巡查。"]
    assert [(_names(t.lead_units), _names(t.cooperating_units)) for t in rows] == [
        (["县水利局"], ["县财政局", "县自然资源局"]),
        (["县林业局"], ["各乡镇人民政府"]),
    ]


# rows whose 序号 is missing: a number left out (1, 2, 4) or dropped with its cell, and one number cell
# merged over a 重点任务's several 具体措施 rows. Each went unread, and the table ended there.
ROWS_UNNUMBERED = [
    (
        "number-left-out",
        "序号\n重点任务\n牵头单位\n完成时限\n1\n整治河道。\n县水利局\n2024年底前\n2\n开展林区巡查。\n县林业局\n持续推进\n4\n治理污水。\n县住建局\n2025年底前\n",
        ["整治河道。", "开展林区巡查。", "治理污水。"],
    ),
    (
        "number-dropped",
        "序号\n重点任务\n牵头单位\n完成时限\n1\n整治河道。\n县水利局\n2024年底前\n2\n开展林区巡查。\n县林业局\n持续推进\n"
        "禁烧秸秆。\n县农业农村局\n10月底前\n4\n治理污水。\n县住建局\n2025年底前\n",
        ["整治河道。", "开展林区巡查。", "禁烧秸秆。", "治理污水。"],
    ),
    (
        "number-merged-over-measures",
        "序号\n重点任务\n具体措施\n责任单位\n完成时限\n1\n整治河道\n清理垃圾。\n县水利局\n2024年底前\n修复护坡。\n县自然资源局\n2025年底前\n"
        "2\n开展林区巡查\n加强巡查。\n县林业局\n持续推进\n",
        ["整治河道：清理垃圾。", "整治河道：修复护坡。", "开展林区巡查：加强巡查。"],
    ),
]


@pytest.mark.parametrize(("text", "titles"), [pytest.param(t, w, id=label) for label, t, w in ROWS_UNNUMBERED])
def test_rows_without_their_own_number_are_rows(text: str, titles: list[str]) -> None:
    rows = _rows(text)
    assert [t.title for t in rows] == titles
    assert all(t.deadline is not None for t in rows) and all(t.lead_units or t.responsible_units for t in rows)


def test_the_sign_off_under_the_last_row_is_no_row() -> None:
    # the last row's block runs to the text's end: the closing sentence, the issuer and the date alone on
    # its line read like a row without a number (a task, a unit, a time) and must not become one
    text = NUMBERED + "各单位要高度重视，抓好落实。\n县人民政府办公室\n2024年3月1日\n"
    assert [t.title for t in _rows(text)] == ["推进城区老旧小区改造提升", "开展农村人居环境整治。"]


def test_a_task_cell_without_a_full_stop_under_a_heading() -> None:
    # normalize.py leaves a flattened table's lines apart: the task cell with no 。 is not joined to
    # the unit cell under it as a wrapped line's rest (it was: the row was lost)
    text = "一、总体要求\n到2025年，完成整治。\n二、任务分工\n" + NUMBERED
    assert [_names(t.lead_units) for t in _rows(text)] == [["县住建局"], ["县农业农村局"]]


def test_a_joined_unit_line_where_the_task_should_be_gives_no_row() -> None:
    # a task and its unit on one line (推进…提升县住建局, as a copy may give it) is no task of the table:
    # the row is skipped
    text = "一、总体要求\n到2025年，完成整治。\n二、任务分工\n" + NUMBERED.replace("改造提升\n县住建局", "改造提升县住建局")
    assert [t.title for t in _rows(text)] == ["开展农村人居环境整治。"]


def test_cells_marked_with_bars_and_a_whole_year_time() -> None:
    # a page whose cells each end in " |", the task cells wrapped with no 。 at the line's end, and 全年
    # as the time: each row a task, its time the plan's year as a period (a time to run through, no day due)
    text = (
        "2025年开发区重点工作及责任清单\n序号 |\n重点工作 |\n责任领导 |\n责任单位 |\n完成时限 |\n"
        "1 |\n优化项目服务机制，全力服务重大项目落地 |\n王小明 |\n招商工作部、安商工作部 |\n全年 |\n"
        "2 |\n推动工业用地腾笼换鸟，盘活存量土地 |\n李 强 |\n改革办 |\n全年推进 |\n"
    )
    rows = _rows(text)
    assert [_names(t.responsible_units) for t in rows] == [["招商工作部", "安商工作部"], ["改革办"]]
    assert [(d.kind, d.raw, d.start_year, d.end_year) for d in (t.deadline for t in rows) if d] == [
        ("period", "全年", 2025, 2025),
        ("period", "全年推进", 2025, 2025),
    ]


def test_a_task_that_ends_as_a_name_does_is_no_unit() -> None:
    # 开展农村人居环境整治，建设美丽乡村 ends in 乡村, as a village's name does: a clause of it that names
    # no unit makes it the task, not a unit line (the row had no task and was skipped)
    text = NUMBERED.replace("开展农村人居环境整治。", "开展农村人居环境整治，建设美丽乡村")
    rows = _rows(text)
    assert [t.title for t in rows] == ["推进城区老旧小区改造提升", "开展农村人居环境整治，建设美丽乡村"]
    assert [_names(t.lead_units) for t in rows] == [["县住建局"], ["县农业农村局"]]


def test_a_task_cell_wrapped_after_a_comma_keeps_its_row() -> None:
    # the task cell wraps after a comma and its last line is short: the line goes on the task, and the
    # row is read (before: the short line took no column and the whole row was lost without a word)
    text = (
        "序号\n重点任务\n牵头单位\n完成时限\n"
        "1\n推进老旧小区改造，提升居住品质，完善配套设施建设，\n加快推进城市更新\n县住建局\n2024年底前\n"
        "2\n开展农村人居环境整治\n县农业农村局\n2025年6月底前\n"
    )
    rows = _rows(text)
    assert [t.title.replace("\n", "") for t in rows] == ["推进老旧小区改造，提升居住品质，完善配套设施建设，加快推进城市更新", "开展农村人居环境整治"]
    assert [_names(t.lead_units) for t in rows] == [["县住建局"], ["县农业农村局"]]


def test_a_markdown_table_gives_tasks_and_its_rows_stay_apart() -> None:
    # a converter's Markdown rows: normalize joined them into one line (no 。 at their ends), no task came out
    text = (
        "一、重点任务分工\n| 序号 | 重点任务 | 牵头单位 | 完成时限 |\n| --- | --- | :---: | --- |\n"
        "| 1 | 推进老旧小区改造 | 县住建局 | 2024年底前 |\n| 2 | 完善养老服务设施 | 县民政局、县卫健局 | 持续推进 |\n各单位要抓好落实。"
    )
    plan = planparse.parse_text(text)
    assert [(t.title, [u.name for u in t.lead_units], t.deadline and t.deadline.kind) for t in plan.tasks] == [
        ("推进老旧小区改造", ["县住建局"], "by"),
        ("完善养老服务设施", ["县民政局", "县卫健局"], "ongoing"),
    ]
    assert all(plan.text[u.span.start : u.span.end] == u.name for t in plan.tasks for u in t.lead_units)


def test_lines_with_bars_that_are_no_markdown_row_are_no_table() -> None:
    for line, cells in (("| 一行 |", None), ("A|B|C", None), ("|---|:-:|", []), ("| a | b |", [(2, 3), (6, 7)])):
        assert piped_cells(line, 0, len(line)) == cells, line  # one cell; not opened and closed by bars; a rule line


# header cells of narrow columns wrapped over two lines (责任 / 领导, 责任 / 科室, 完成 / 时限), as a web
# copy of a county's annual task list gives them: the table was not read at all
WRAPPED_HEADER = (
    "序号\n重点工作\n责任\n领导\n责任\n科室\n完成\n时限\n"
    "1\n推进城区供水管网改造。\n张小明\n县水务局\n2024年底前\n"
    "2\n开展农村道路日常养护。\n李 强\n县交通运输局\n持续推进\n"
)


def test_header_cells_wrapped_over_two_lines_are_one_column_word() -> None:
    assert _read(_rows(WRAPPED_HEADER)) == (
        ["推进城区供水管网改造。", "开展农村道路日常养护。"],
        [["县水务局"], ["县交通运输局"]],  # the leader is no unit
        ["2024年底前", "持续推进"],
    )


def test_cells_marked_with_bars_at_both_ends_and_columns_no_rule_reads() -> None:
    # a converter that writes one cell a line, each closed by " |" and a row's number as "| 1 |", under a
    # header that names no task column (考核指标 holds the work) and columns of steps and ways to check
    # that hold sentences: 0 rows (the number line was no number, and a sentence had no column to go to)
    text = (
        "| 2025年度县民政局重点工作任务分解 |\n| 序号 |\n责任单位 |\n考核指标 |\n分月进度 |\n监督方式 |\n实施部门 |\n完成时限 |\n"
        "| 1 |\n县民政局 |\n按月完成救助审核确认，及时发放救助金。 |\n①1-6月份，完成审核确认；②7-12月份，完成发放。 |\n局办公室电话 |\n救助中心 |\n2025年12月底 |\n"
        "| 2 |\n县民政局 |\n指导乡镇完成低保对象动态调整。 |\n①每月调整一次。 |\n局办公室电话 |\n低保中心 |\n2025年12月底 |\n"
    )
    assert _read(_rows(text)) == (
        ["按月完成救助审核确认，及时发放救助金。", "指导乡镇完成低保对象动态调整。"],
        [["县民政局", "救助中心"], ["县民政局", "低保中心"]],
        ["2025年12月底", "2025年12月底"],
    )


def test_cells_between_lines_of_bars_with_a_heading_in_a_cell() -> None:
    # a converter writing each cell, then a line holding | alone: the 重点任务 cell of a row holds a heading of
    # the report it quotes (一、…), which ended the table at its first row; a 工作内容 column beside 重点任务
    # is its finer task (the two ran together); two names and two phone numbers in a row's cells lost the row
    text = (
        "某市农业农村局2024年重点工作任务分解表\n序号\n|\n重点任务\n|\n工作内容\n|\n责任科室\n|\n责任人\n|\n完成时限\n|\n联系电话\n|\n"
        "1\n|\n一、稳定粮食生产\n|\n粮食产量稳定在50亿斤以上。\n|\n种植业科\n|\n王小明\n|\n2024年底前\n|\n5550001\n|\n"
        "2\n|\n二、发展乡村产业\n|\n培育农产品加工企业5家。\n|\n产业科\n市农技中心\n|\n李 强\n张小红\n|\n2024年底前\n|\n5550002\n5550003\n|\n"
    )
    assert _read(_rows(text)) == (
        ["一、稳定粮食生产：粮食产量稳定在50亿斤以上。", "二、发展乡村产业：培育农产品加工企业5家。"],
        [["种植业科"], ["产业科", "市农技中心"]],
        ["2024年底前", "2024年底前"],
    )
