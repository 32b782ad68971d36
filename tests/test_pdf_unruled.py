"""Rows of a PDF task table drawn without rules (loaders/pdf_unruled.py), from its printed lines: the
words of each line already put in the columns they stand under. Written for these tests after the
layouts of 任务分工表 printed from Word with their borders off; no plan text is copied.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import planparse
from planparse.grammar import default_grammar_dir, load_grammars
from planparse.loaders.pdf_unruled import UnruledPage, join_unruled, looks_like_header, table_rows

ROLES = ["number", "task", "lead_units", "cooperating_units", "deadline"]


def test_a_merged_unit_cell_stands_for_the_rows_it_spans() -> None:
    # 牵头单位 and 完成时限 merged down over rows 1-3: their text stands beside row 1 only, and nothing
    # marks the merge; rows 2 and 3 were left without a lead and a time (the ruled reader repeats them)
    printed = [
        ["1", "整治城区河道", "市水利局", "市财政局", "2025年底前"],
        ["2", "修复河岸护坡", "", "市自然资源局", ""],
        ["3", "开展河湖巡查", "", "", ""],
        ["4", "推进污水管网建设", "市住建局", "", "2024年底前"],
    ]
    rows = table_rows(printed, ROLES, 0)
    assert [(r[2], r[3], r[4]) for r in rows] == [
        ("市水利局", "市财政局", "2025年底前"),
        ("市水利局", "市自然资源局", "2025年底前"),
        # a row naming no unit or time at all shares the cooperating units too; one naming its own keeps a blank
        ("市水利局", "市自然资源局", "2025年底前"),
        ("市住建局", "", "2024年底前"),
    ]


def test_a_row_with_someone_in_charge_keeps_its_blank_cells() -> None:
    # a table that gives some rows only 责任单位 and others 牵头 and 配合 (a city's 分工表 rendered with
    # its borders off): a blank lead beside a responsible unit is blank, not merged from the row above.
    # Carried down, 24 of 160 rows of such a table took a lead they do not have
    roles = ["number", "task", "lead_units", "responsible_units", "cooperating_units", "deadline"]
    printed = [
        ["1", "壮大环保产业", "市工信局", "", "市科技局", "2025年底前"],
        ["2", "完善协调机制", "", "各县政府", "", ""],
        ["3", "完善金融体系", "", "", "市财政局", ""],
    ]
    rows = table_rows(printed, roles, 0)
    assert [(r[2], r[3], r[4], r[5]) for r in rows] == [
        ("市工信局", "", "市科技局", "2025年底前"),
        ("", "各县政府", "", ""),
        # no one in charge, only a cooperating unit: the lead and the time were merged down over it
        ("", "各县政府", "市财政局", ""),
    ]


def test_a_cut_row_at_the_top_of_a_page_lends_nothing() -> None:
    # the first printed line has no number: the rest of a row the page break cut (joined to the page
    # before), whose cells are parts, not a merged cell to repeat
    printed = [["", "确保取得实效", "工业和信息化厅", "", ""], ["5", "推进第五项工作", "", "", "持续推进"]]
    rows = table_rows(printed, ROLES, 0)
    assert rows[1][2] == ""


def test_wrapped_lines_join_their_row() -> None:
    printed = [["1", "推进老旧小区改造，", "市住建局", "", "2024年"], ["", "提升居住品质", "", "", "底前"]]
    (row,) = table_rows(printed, ROLES, 0)
    assert row[0] == "1" and row[2] == "市住建局" and row[4].replace("\n", "") == "2024年底前"


def test_a_callers_grammar_names_the_columns(tmp_path: Path) -> None:
    # the reader asked the shipped grammars what a header is, so a column word of the caller's own grammar
    # (a bureau's 承办科室) headed no table; it is now asked of the grammars the parse is given
    shutil.copytree(default_grammar_dir(), tmp_path, dirs_exist_ok=True)
    tables = tmp_path / "tables.toml"
    tables.write_text(tables.read_text(encoding="utf-8").replace('"承办股室"]', '"承办股室", "承办科室"]'), encoding="utf-8")
    line = ["序号 工作任务 承办科室"]
    assert not looks_like_header(line)
    assert looks_like_header(line, load_grammars(tmp_path))


def test_a_unit_name_cut_by_the_page_break_is_one_name() -> None:
    # a narrow 配合单位 column wraps 县农业 / 农村局 and the page ends between the two lines: the row's rest
    # opens the next page. The two parts were read as cells of their own first and then measured by their
    # own lengths, which split the name and glued the next one to it (县农业、农村局县生态环境局)
    row = ["9", "推进河道整治", "县住建局", "县农业", "2024年8月底前"]
    rest = ["", "", "", "农村局\n县生态\n环境局", ""]
    shown = ["", "", "", "农村局县生态环境局", ""]
    prev = UnruledPage(["\t".join(row)], [], ROLES, True, None, 0, [row], [1, 6, 4, 3, 9], row, row)
    this = UnruledPage(["\t".join(shown), "10\t建设湿地\t县林业局\t\t持续推进"], [], ROLES, False, 0, 0, [shown], [2, 6, 4, 3, 4], rest, rest)
    pages = [list(prev.lines), list(this.lines)]
    join_unruled(pages, [prev, this])
    assert pages[0] == ["9\t推进河道整治\t县住建局\t县农业农村局、县生态环境局\t2024年8月底前"]
    assert pages[1] == ["10\t建设湿地\t县林业局\t\t持续推进"]


def test_the_grammars_given_to_parse_reach_the_pdf_reader(tmp_path: Path) -> None:
    # parse(grammars=...) is what names an unruled table's columns in the PDF too: a grammar whose number
    # column is headed 编号 only finds no such table in a PDF whose header says 序号 工作任务 牵头单位
    shutil.copytree(default_grammar_dir(), tmp_path, dirs_exist_ok=True)
    tables = tmp_path / "tables.toml"
    tables.write_text(tables.read_text(encoding="utf-8").replace('headers = ["序号", "编号", "序 号"]', 'headers = ["编号"]', 1), encoding="utf-8")
    pdf = Path(__file__).parent / "fixtures" / "layout-unruled.pdf"
    assert "序号\t工作任务\t牵头单位" in planparse.parse(pdf).text
    assert "序号\t工作任务\t牵头单位" not in planparse.parse(pdf, grammars=load_grammars(tmp_path)).text
