"""TXT decoding and format sniffing on real files written to tmp_path from a sample plan.

Every encoding a published plan comes in (UTF-8 with and without BOM, GB18030, UTF-16 with BOM,
CRLF line ends) must give the same Plan as the UTF-8 original; what differs is Source.encoding
and the sha256 of the bytes. Format is decided from the bytes, never from the file name.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import random
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLES

import planparse
from planparse import InputError, Plan
from planparse.loaders import sniff_format

SAMPLE = SAMPLES / "003_e7c703fe6ca54374.txt"


@pytest.fixture(scope="module")
def original() -> Plan:
    return planparse.parse(SAMPLE)


def _shape(plan: Plan) -> tuple[str, str, str]:
    return (
        plan.text,
        "".join(s.model_dump_json() for s in plan.sections),
        "".join(t.model_dump_json() for t in plan.tasks),
    )


ENCODINGS: list[tuple[str, bytes, str]] = [
    ("utf-8-bom", codecs.BOM_UTF8 + SAMPLE.read_text(encoding="utf-8").encode("utf-8"), "utf-8-sig"),
    ("gb18030", SAMPLE.read_text(encoding="utf-8").encode("gb18030"), "gb18030"),
    ("utf-16-le-bom", SAMPLE.read_text(encoding="utf-8").encode("utf-16"), "utf-16"),
    ("utf-16-be-bom", codecs.BOM_UTF16_BE + SAMPLE.read_text(encoding="utf-8").encode("utf-16-be"), "utf-16"),
    ("crlf", SAMPLE.read_text(encoding="utf-8").replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"), "utf-8"),
    ("gb18030-crlf", SAMPLE.read_text(encoding="utf-8").replace("\n", "\r\n").encode("gb18030"), "gb18030"),
]


def test_sample_is_plain_utf8(original: Plan) -> None:
    assert original.source.encoding == "utf-8"
    assert original.source.format == "txt"
    assert original.source.sha256 == hashlib.sha256(SAMPLE.read_bytes()).hexdigest()
    assert original.tasks, "the sample must have tasks for the comparisons to mean anything"


@pytest.mark.parametrize(("data", "encoding"), [e[1:] for e in ENCODINGS], ids=[e[0] for e in ENCODINGS])
def test_encodings_give_the_same_plan(tmp_path: Path, original: Plan, data: bytes, encoding: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    plan = planparse.parse(path)
    assert plan.source.encoding == encoding
    assert plan.source.sha256 == hashlib.sha256(data).hexdigest()
    assert plan.source.path == str(path)
    assert _shape(plan) == _shape(original)


def test_random_bytes_fail_to_decode(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(random.Random(0).randbytes(4096))
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert info.value.code == "decode-failed"
    assert str(path) in str(info.value)


def test_control_characters_are_not_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(bytes(range(1, 32)) * 50 + "一、总体要求".encode())
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert info.value.code == "decode-failed"


@pytest.mark.parametrize("content", [b"", b"   \r\n\t\n"], ids=["zero-bytes", "whitespace"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert info.value.code == "empty"
    assert info.value.path == str(path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.txt"
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert info.value.code == "not-found"
    assert str(info.value) == f"{path}: no such file [not-found]"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        planparse.parse(tmp_path)
    assert info.value.code == "not-a-file"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, body in members.items():
            zf.writestr(name, body)
    return buf.getvalue()


SNIFF: list[tuple[str, bytes, str]] = [
    ("pdf-magic", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "pdf"),
    ("pdf-after-junk", b"\n\n  %PDF-1.4\n", "pdf"),
    ("zip-with-word", _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}), "docx"),
    ("zip-plain", _zip({"data.csv": b"a,b\n"}), "zip"),
    ("ole-doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "doc"),
    ("html", b"<!DOCTYPE html><html><body>x</body></html>", "html"),
    ("chinese-text", "一、总体要求\n（一）加强领导".encode(), "txt"),
    ("gb18030-text", "一、总体要求".encode("gb18030"), "txt"),
]


@pytest.mark.parametrize(("data", "fmt"), [s[1:] for s in SNIFF], ids=[s[0] for s in SNIFF])
def test_sniff_format_by_content(data: bytes, fmt: str) -> None:
    assert sniff_format(data) == fmt


def test_html_named_txt_is_read_as_html(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes("<html><body><p>一、总体要求</p><p>（一）加强领导</p></body></html>".encode())
    plan = planparse.parse(path)
    assert plan.source.format == "html"
    assert [s.title for s in plan.iter_sections()] == ["总体要求", "加强领导"]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"%PDF-1.4\nnot really a pdf\n", "corrupt"),
        (_zip({"word/other.xml": b"<x/>"}), "corrupt"),
        (_zip({"data.csv": b"a,b\n"}), "unsupported-format"),
        # a broken legacy .doc: LibreOffice cannot convert it, or is absent and the error says how to convert
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "corrupt" if shutil.which("soffice") else "unsupported-format"),
    ],
    ids=["fake-pdf", "zip-without-document", "zip", "legacy-doc"],
)
def test_txt_name_does_not_decide_the_loader(tmp_path: Path, data: bytes, code: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert info.value.code == code


def test_docx_named_txt_is_read_as_docx(tmp_path: Path, original: Plan) -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = tmp_path / "plan.txt"
    document.save(str(path))
    plan = planparse.parse(path)
    assert plan.source.format == "docx"
    assert plan.source.encoding is None
    assert [t.title for t in plan.tasks] == [t.title for t in original.tasks]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, original: Plan, codec: str) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode(codec))
    plan = planparse.parse(path)
    assert plan.source.encoding == "utf-16"
    assert _shape(plan) == _shape(original)


def test_running_lines_are_dropped_but_not_field_lines_that_end_pages() -> None:
    """A header and a footer repeat at every page's edge and nowhere else; a task's field line that
    happens to end several pages also ends paragraphs mid-page, so it stays."""
    from planparse.loaders.pdf import strip_running

    def page(n: int, body: list[str]) -> list[str]:
        return ["达州市人民政府办公室", *body, f"— {n} —"]

    works = ["推进能源结构调整", "推进产业结构升级", "推进交通运输转型", "推进城乡建设降碳"]
    pages = [
        page(n, [f"{w}。", "责任单位：市发展改革委", "完成时限：2022 年 2 月底前", f"{w}工作专班。", "责任单位：市经济和信息化局", f"完成时限：2022 年 {n + 3} 月底前"])
        for n, w in enumerate(works, 1)
    ]
    kept = strip_running(pages)
    assert [lines[0] for lines in kept] == [f"{w}。" for w in works]
    assert [lines[-1] for lines in kept] == [f"完成时限：2022 年 {n + 3} 月底前" for n in range(1, 5)]


def test_table_rows_are_never_running_lines() -> None:
    """The rest of a row that every page break cuts (``\t\t\t府\t底前``) opens every page, as a running
    header would; it is a table row, which the page join reads (the header above it still goes)."""
    from planparse.loaders.pdf import strip_running

    for rest in ("\t\t续优化\t府\t底前", "\t联网平台\t\t\t"):  # (the second, stripped of its tabs, is 联网平台 alone)
        pages = [["某某市人民政府办公室", *([] if n == 1 else [rest]), f"{n}\t推进第{n}项\t市生态环境局\t区县人民政\t2025年", f"— {n} —"] for n in range(1, 5)]
        kept = strip_running(pages)
        assert [lines[0] for lines in kept] == ["1\t推进第1项\t市生态环境局\t区县人民政\t2025年", *([rest] * 3)]


@pytest.mark.parametrize(
    ("lines", "full", "cell"),
    [
        ("市生态环境局\n市应急局\n市市场监管局", [True, False, True], "市生态环境局、市应急局、市市场监管局"),  # names as wide as the column
        ("区市政公用服\n务中心", [True, False], "区市政公用服务中心"),  # a name the column wraps
        ("中共某某市委\n宣传部", [True, False], "中共某某市委宣传部"),
        ("区工信局（高\n耗能项目）\n区发展改革局", [True, False, True], "区工信局（高耗能项目）、区发展改革局"),
        ("市水利局\n市林业局", [False, False], "市水利局、市林业局"),
        ("2024年12月\n底前", [True, False], "2024年12月底前"),
        # no geometry: a line's length against the column's widest line, the last line's, not the item's so far
        ("区工信局（高\n耗能项目）\n区发展改革局", None, "区工信局（高耗能项目）、区发展改革局"),
        ("市公安局（牵\n头）\n市交通运输局", None, "市公安局（牵头）、市交通运输局"),
    ],
)
def test_pdf_cell_lines_that_reach_the_edge(lines: str, full: list[bool] | None, cell: str) -> None:
    """A ruled cell's line that reaches the column's edge wraps on, unless it ends a unit's name and
    the next item is one; a line that stops short ends an item."""
    from planparse.loaders.pdf_tables import grid_rows

    flags = None if full is None else [[None, full]]
    assert grid_rows([["1", lines]], flags)[0].line == f"1\t{cell}"


def test_pdf_cell_lines_a_typesetter_ended_early_wrap() -> None:
    """A narrow cell's line ends short where a quote may not end a line or a mark may not start one
    (建设政务服 / 务“一网通 / 办”平台): those lines wrap on; a short line before a plain one is an item."""
    from planparse.loaders.pdf_tables import grid_rows

    grid: list[list[str | None]] = [["序号", "具体措施", "牵头单位"], ["1", "建设政务服\n务“一网通\n办”平台", "市政务服务局"], ["2", "培育专精特\n新“小巨人”企\n业", "市科技局\n市工信局"]]
    assert [r.line for r in grid_rows(grid)][1:] == ["1\t建设政务服务“一网通办”平台\t市政务服务局", "2\t培育专精特新“小巨人”企业\t市科技局、市工信局"]


@pytest.mark.parametrize(
    ("paragraphs", "cell"),
    [
        (["市住房城乡建设委", "各区住房城乡建设部门"], "市住房城乡建设委、各区住房城乡建设部门"),  # a unit a paragraph
        (["市财政局\n市税务局"], "市财政局、市税务局"),  # a unit a soft line break
        (["完成时限：", "2022年底"], "完成时限：2022年底"),  # a label and its value
        (["加强组织领导。", "各地要建立健全工作机制，明确责任分工，确保各项任务落到实处。"], "加强组织领导。各地要建立健全工作机制，明确责任分工，确保各项任务落到实处。"),
        (["", "  市生态环境局  ", ""], "市生态环境局"),
        (["市住房和城乡建设\u2060\n委员会"], "市住房和城乡建设委员会"),  # a soft break (w:br) wraps a name
        (["2023年\n12月底前"], "2023年12月底前"),  # a date is never a list
        (["全面消\n除"], "全面消除"),  # one character alone is a word a narrow column cut, never an item
        (["时\n间（年）"], "时间（年）"),
        (["市委\n团委"], "市委、团委"),  # two characters may be a unit
        (["各镇（街道）", "区级相关部门"], "各镇（街道）、区级相关部门"),  # a name with its scope in brackets
        (["区工信局", "（高耗能项目）"], "区工信局（高耗能项目）"),  # a scope on a line of its own
        (["津宁高速—", "西外环高速"], "津宁高速—西外环高速"),  # the two ends of a range
        # soft breaks (w:br, marked) between two units' names: a unit a line
        (["市工信局\u2060\n市科技局\u2060\n市生态环境局"], "市工信局、市科技局、市生态环境局"),
        (["区生态环境分局\u2060\n区统计局（数据）"], "区生态环境分局、区统计局（数据）"),
        (["市公安局（牵头）\u2060\n市交通运输局"], "市公安局（牵头）、市交通运输局"),
        (["各县（市、区）人民政府\u2060\n市财政局"], "各县（市、区）人民政府、市财政局"),
        (["市住房和城乡建设\u2060\n委员会\u2060\n市财政局"], "市住房和城乡建设委员会、市财政局"),  # the name before, whole
        (["市发改委、市财政局\u2060\n市住建局、市城管局"], "市发改委、市财政局、市住建局、市城管局"),  # lines listing with 、
        (["各县（市、区）人民政府、市财\u2060\n政局"], "各县（市、区）人民政府、市财政局"),
        # …and a soft break that wraps a name or a sentence
        (["中共某某市委\u2060\n宣传部"], "中共某某市委宣传部"),
        (["某某县人民政府\u2060\n办公室"], "某某县人民政府办公室"),
        (["市发展和改革委\u2060\n员会"], "市发展和改革委员会"),
        (["加强与市公安局\u2060\n市交通运输局的协作"], "加强与市公安局市交通运输局的协作"),
        (["2024年12\u2060\n月底前"], "2024年12月底前"),
    ],
)
def test_cell_paragraphs_are_one_cell(paragraphs: list[str], cell: str) -> None:
    from planparse.loaders.base import cell_text

    assert cell_text(paragraphs) == cell


def test_html_task_table_with_merged_cells(tmp_path: Path) -> None:
    """A cell merged down (rowspan) stands under each row it spans; a blank cell beside filled ones
    stays blank; a cell's paragraphs are its units; a target the row repeats from its section is one."""
    page = """<html><head><meta charset="utf-8"></head><body><div class="content">
<p>一、重点任务</p>
<p>（一）推进燃煤锅炉整治。全面淘汰燃煤锅炉，完成120台燃煤锅炉改造。</p><p>（二）加强扬尘管控。落实扬尘治理措施。</p><p>（三）推进柴油货车治理。淘汰老旧柴油货车。</p>
<table><tr><th>序号</th><th>工作任务</th><th>牵头单位</th><th>配合单位</th><th>完成时限</th></tr>
<tr><td>1</td><td>推进燃煤锅炉整治（完成120台燃煤锅炉改造）</td><td rowspan="2">市生态环境局</td><td><p>市发展改革委</p><p>市市场监管局</p></td><td rowspan="2">2025年底前</td></tr>
<tr><td>2</td><td>加强扬尘管控</td><td>市住房城乡建设局</td></tr>
<tr><td>3</td><td>推进柴油货车治理</td><td>市公安局</td><td></td><td>2024年6月底前</td></tr>
</table></div></body></html>"""
    path = tmp_path / "plan.html"
    path.write_text(page, encoding="utf-8")
    plan = planparse.parse(path)
    rows = [([u.name for u in t.lead_units], [u.name for u in t.cooperating_units], t.deadline.date if t.deadline else None) for t in plan.tasks]
    assert [(g.indicator, g.value) for g in plan.targets] == [("燃煤锅炉", 120)]  # the row's echo of its section is no second target
    assert rows == [
        (["市生态环境局"], ["市发展改革委", "市市场监管局"], "2025-12-31"),
        (["市生态环境局"], ["市住房城乡建设局"], "2025-12-31"),
        (["市公安局"], [], "2024-06-30"),
    ]


def test_docx_blank_table_cell_stays_blank(tmp_path: Path) -> None:
    """Word marks a merged cell (vMerge), and the loader repeats it; so a blank lead or deadline cell
    beside a filled cooperating one is blank, not the row above's (a PDF cannot tell: there it is)."""
    import docx

    document = docx.Document()
    for line in ("一、重点任务", "（一）加快专项债券发行使用。2022年8月底前完成全部新增专项债券发行。", "（二）加强组织领导。建立工作专班。"):
        document.add_paragraph(line)
    table = document.add_table(rows=3, cols=4)
    for r, cells in enumerate((["工作任务", "牵头单位", "配合单位", "完成时限"], ["加快专项债券发行使用", "市财政局", "市发展改革委", "2022年8月底前"], ["加强组织领导", "", "市政府办公室", ""])):
        for c, value in enumerate(cells):
            table.cell(r, c).text = value
    path = tmp_path / "plan.docx"
    document.save(str(path))
    tasks = planparse.parse(path).tasks
    assert [([u.name for u in t.lead_units], t.deadline.date if t.deadline else None) for t in tasks] == [(["市财政局"], "2022-08-31"), ([], None)]
    assert [(m.kind, m.date) for m in tasks[0].milestones] == [("by", "2022-08-31")]  # from the section the row names


def test_docx_line_breaks_inside_a_paragraph(tmp_path: Path) -> None:
    """Text pasted from a PDF into Word keeps a line break (w:br) at each line's end: the paragraph
    goes on across one mid-sentence, and a break before a field label or after a 。 still splits."""
    import docx

    document = docx.Document()
    document.add_paragraph("一、重点任务")
    paragraph = document.add_paragraph()
    for i, piece in enumerate(["1.推动“鹿城之窗”自助终端向企业、社区、园区等重", "点区域延伸。到2025年，全市新增5G基站1000座，各级大厅综合一窗受理率达", "到90%以上。", "牵头单位：市审批服务局"]):
        run = paragraph.add_run(piece)
        if i < 3:
            run.add_break()
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    body = document.add_paragraph("各有关单位要认真抓好落实，确保各项措施落地见效，按时报送工作进展情况。")
    body.paragraph_format.first_line_indent = Pt(32)
    signature = document.add_paragraph("某某市人民政府办公室")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    path = tmp_path / "plan.docx"
    document.save(str(path))
    plan = planparse.parse(path)
    assert plan.text.endswith("按时报送工作进展情况。\n某某市人民政府办公室")  # a right-aligned paragraph starts its own
    assert "1.推动“鹿城之窗”自助终端向企业、社区、园区等重点区域延伸。到2025年，全市新增5G基站1000座，各级大厅综合一窗受理率达到90%以上。\n牵头单位：市审批服务局" in plan.text
    assert [s.title for s in plan.iter_sections()][-1] == "推动“鹿城之窗”自助终端向企业、社区、园区等重点区域延伸"
    assert [(g.indicator, g.value, g.year) for g in plan.targets] == [("5G基站", 1000, 2025), ("各级大厅综合一窗受理率", 90, 2025)]
    assert [u.name for u in plan.tasks[0].lead_units] == ["市审批服务局"]


def test_html_short_row_under_a_cell_merged_down(tmp_path: Path) -> None:
    """A row with fewer cells than the table still lies under a cell merged down from above; the
    row after it does not get that cell."""
    page = """<html><head><meta charset="utf-8"></head><body><table>
<tr><th>序号</th><th>工作任务</th><th>牵头单位</th><th>完成时限</th></tr>
<tr><td>1</td><td>任务甲</td><td>市发改委</td><td rowspan="2">2023年底</td></tr>
<tr><td>2</td><td>任务乙</td></tr>
<tr><td>3</td><td>任务丙</td><td>市财政局</td><td>2024年底</td></tr>
</table></body></html>"""
    path = tmp_path / "t.html"
    path.write_text(page, encoding="utf-8")
    rows = [line.split("\t") for line in planparse.parse(path).text.split("\n") if "\t" in line]
    assert rows[2:] == [["2", "任务乙", "", "2023年底"], ["3", "任务丙", "市财政局", "2024年底"]]


def test_table_row_target_echo_is_one_target() -> None:
    """A row that repeats its section's target is no second one; a row's own target with the same
    number stays."""
    text = "一、主要目标\n到2025年，新建公共充电桩100个。\n二、任务分工\n序号\t任务\t牵头单位\t完成时限\n1\t新建公共充电桩100个\t市发改委\t2025年底\n2\t改造老旧小区100个\t市住建局\t2025年底"
    assert [(g.indicator, g.value) for g in planparse.parse_text(text).targets] == [("公共充电桩", 100), ("老旧小区", 100)]


def _table_page(rows: list[list[str | None]], before: tuple[str, ...] = (), edges: tuple[int, ...] = (72, 110, 300, 400, 523)):  # type: ignore[no-untyped-def]
    """A page as the PDF loader reads a ruled table from pdfplumber's grid (None: a covered cell): its
    lines, its rows, its column lines."""
    from planparse.loaders.pdf_tables import TablePage, grid_rows

    drawn = grid_rows(rows)
    return TablePage([*before, *(r.line for r in drawn)], drawn, drawn[-1], edges, edges)


HEAD: list[str | None] = ["序号", "工作任务", "牵头单位", "责任单位"]


@pytest.mark.parametrize(
    ("first", "second", "last", "next_page"),
    [
        # a row cut in two: each cell's parts are one cell again (a part that reaches the width wraps on)
        (
            [HEAD, ["10", "大力实施协", "区生态环境", "七办一镇"]],
            [["", "同控制", "分局", ""], ["11", "开展治理", "区农牧局", "攸攸板镇"]],
            "10\t大力实施协同控制\t区生态环境分局\t七办一镇",
            ["11\t开展治理\t区农牧局\t攸攸板镇"],
        ),
        # a merged cell that goes on past the break: the rows it covers there take its text
        (
            [HEAD, ["9", "推进改造", "区住建局", "七办一镇"], ["10", "协同控制", "区生态环境局", None]],
            [["11", "开展治理", "区生态环境局", ""], ["12", "强化管控", "区市场监管局", None], ["13", "提高标准", "区城管局", "攸攸板镇"]],
            "10\t协同控制\t区生态环境局\t七办一镇",
            ["11\t开展治理\t区生态环境局\t七办一镇", "12\t强化管控\t区市场监管局\t七办一镇", "13\t提高标准\t区城管局\t攸攸板镇"],
        ),
        # a row that numbers itself under a category merged down from the page before is a row of its own
        (
            [["环境治理", "4", "劣Ⅴ类水体比例", "0"]],
            [["", "5", "黑臭水体比例", "全面消除"]],
            "环境治理\t4\t劣Ⅴ类水体比例\t0",
            ["\t5\t黑臭水体比例\t全面消除"],
        ),
        # a blank cell with nothing covered under it is blank
        (
            [HEAD, ["1", "加快发行", "市财政局", "市商务局"]],
            [["2", "加强领导", "", "市政府办公室"], ["3", "强化宣传", "市委宣传部", ""]],
            "1\t加快发行\t市财政局\t市商务局",
            ["2\t加强领导\t\t市政府办公室", "3\t强化宣传\t市委宣传部\t"],
        ),
        # a category merged down the first column covers the cut row's first cell: the rest opens the
        # next page under empty cells up to the row's number, and the category goes on past the break
        (
            [["类别", "序号", "工作任务", "牵头单位"], ["水污染防治", "8", "推进第8项重点工作持续优化", "区生态环境局"], [None, "9", "推进第9项重点工作持", "区生态环境"]],
            [["", "", "续优化", "局"], [None, "10", "开展治理", "区农牧局"]],
            "水污染防治\t9\t推进第9项重点工作持续优化\t区生态环境局",
            ["水污染防治\t10\t开展治理\t区农牧局"],
        ),
        # Word repeats the header row on the next page: the cut row is the one under it
        (
            [HEAD, ["1", "加快专项债券发", "市财政局", "市商务局、"]],
            [HEAD, ["", "行使用", "", "市住建局"], ["2", "加强领导", "市政府办公室", ""]],
            "1\t加快专项债券发行使用\t市财政局\t市商务局、市住建局",
            ["序号\t工作任务\t牵头单位\t责任单位", "2\t加强领导\t市政府办公室\t"],
        ),
    ],
)
def test_pdf_table_across_a_page_break(first: list[list[str | None]], second: list[list[str | None]], last: str, next_page: list[str]) -> None:
    from planparse.loaders.pdf_tables import join_pages

    tables = [_table_page(first, ("附件",)), _table_page(second)]
    pages = [list(t.lines) for t in tables]
    join_pages(pages, tables)  # type: ignore[arg-type]
    assert (pages[0][-1], pages[1]) == (last, next_page)


def test_pdf_tables_across_page_breaks_stay_apart() -> None:
    """Another table (its columns elsewhere) opening the next page is not the rest of a row; a category row
    merged across the table is never covered by a cell above it; a merged cell going on over three pages
    reaches the third; a header of two rows repeated is looked past."""
    from planparse.loaders.pdf_tables import join_pages

    first: list[list[str | None]] = [HEAD, ["9", "推进改造", "区住建局", "七办一镇"]]
    other = [_table_page(first, ("附件",)), _table_page([["", "2020年", "2025年", "属性"]], edges=(72, 200, 330, 523))]
    pages = [list(t.lines) for t in other]
    join_pages(pages, other)  # type: ignore[arg-type]
    assert pages == [["附件", *(t.line for t in other[0].top)], ["\t2020年\t2025年\t属性"]]

    category = [_table_page([HEAD, ["9", "推进改造", "区住建局", "七办一镇"], ["10", "协同控制", "区生态环境局", None]]),
                _table_page([["11", "开展治理", "区生态环境局", ""], ["三、土壤污染防治", None, None, None], ["12", "管控", "区农牧局", "攸攸板镇"]])]
    pages = [list(t.lines) for t in category]
    join_pages(pages, category)  # type: ignore[arg-type]
    assert pages[1] == ["11\t开展治理\t区生态环境局\t", "三、土壤污染防治\t\t\t", "12\t管控\t区农牧局\t攸攸板镇"]

    three = [_table_page([HEAD, ["1", "推进改造", "区住建局", "各区县人民政府"]]),
             _table_page([["2", "协同控制", "区生态环境局", ""], ["3", "开展治理", "区农牧局", None]]),
             _table_page([["4", "强化管控", "区市场监管局", ""], ["5", "提高标准", "区城管局", None]])]
    pages = [list(t.lines) for t in three]
    join_pages(pages, three)  # type: ignore[arg-type]
    assert [x.rsplit("\t", 1)[1] for p in pages[1:] for x in p] == ["各区县人民政府"] * 4

    two_rows: list[list[str | None]] = [["序号", "工作任务", "责任单位", None], ["", "", "牵头单位", "配合单位"]]
    repeat = [_table_page([*two_rows, ["1", "加快专项债券发", "市财政局", "市商务局、"]]), _table_page([*two_rows, ["", "行使用", "", "市住建局"]])]
    pages = [list(t.lines) for t in repeat]
    join_pages(pages, repeat)  # type: ignore[arg-type]
    assert pages[0][-1] == "1\t加快专项债券发行使用\t市财政局\t市商务局、市住建局"
    assert pages[1] == [t.line for t in repeat[1].top[:2]]


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _docx_with(tmp_path: Path, paragraphs: list[str], numbering: tuple[str, ...] | list[str] = (), styles: tuple[str, ...] | list[str] = ()) -> Path:
    """A .docx whose body holds the given raw w:p/w:tbl XML, with numbering definitions and styles added."""
    import docx
    from docx.oxml import parse_xml

    document = docx.Document()
    body = document.element.body
    for xml in paragraphs:
        body[-1].addprevious(parse_xml(xml.replace(">", f" {_W_NS}>", 1)))
    if numbering:
        part = document.part.numbering_part.element
        for child in list(part):
            part.remove(child)
        for xml in numbering:
            part.append(parse_xml(xml.replace(">", f" {_W_NS}>", 1)))
    for xml in styles:
        document.styles.element.append(parse_xml(xml.replace(">", f" {_W_NS}>", 1)))
    path = tmp_path / "plan.docx"
    document.save(str(path))
    return path


def _p(text: str, ppr: str = "") -> str:
    return f'<w:p><w:pPr>{ppr}</w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'


def _lvl(ilvl: int, fmt: str, text: str) -> str:
    return f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/></w:lvl>'


def test_docx_numbering_styles_lists_and_formats(tmp_path: Path) -> None:
    """A heading style based on a numbered one takes its list (naming only its level); two lists on one
    abstract definition go on counting, one that overrides its start begins again; Chinese formats past 九."""
    numbering = [
        f'<w:abstractNum w:abstractNumId="0">{_lvl(0, "chineseCounting", "%1、")}{_lvl(1, "chineseCounting", "（%2）")}</w:abstractNum>',
        f'<w:abstractNum w:abstractNumId="1">{_lvl(0, "ideographDigital", "%1、")}{_lvl(1, "ideographParenthesized", "%2")}</w:abstractNum>',
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>',
        '<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>',
        '<w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/></w:lvlOverride></w:num>',
        '<w:num w:numId="4"><w:abstractNumId w:val="1"/></w:num>',
    ]
    styles = [
        '<w:style w:type="paragraph" w:styleId="H1"><w:name w:val="H1"/><w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>',
        '<w:style w:type="paragraph" w:styleId="H2"><w:name w:val="H2"/><w:basedOn w:val="H1"/><w:pPr><w:numPr><w:ilvl w:val="1"/></w:numPr></w:pPr></w:style>',
    ]

    def num(n: int, lvl: int) -> str:
        return f'<w:numPr><w:ilvl w:val="{lvl}"/><w:numId w:val="{n}"/></w:numPr>'

    paragraphs = [_p("总体要求", '<w:pStyle w:val="H1"/>'), _p("指导思想", '<w:pStyle w:val="H2"/>'), _p("基本原则", '<w:pStyle w:val="H2"/>')]
    paragraphs += [_p("重点任务", num(2, 0)), _p("附则", num(3, 0))]
    paragraphs += [_p(f"第{i}项", num(4, 0)) for i in range(1, 11)] + [_p("细则", num(4, 1))]
    lines = planparse.parse(_docx_with(tmp_path, paragraphs, numbering, styles)).text.split("\n")
    assert lines[:5] == ["一、总体要求", "（一）指导思想", "（二）基本原则", "二、重点任务", "一、附则"]
    assert lines[5:] == [f"{'一二三四五六七八九'[i - 1] if i < 10 else '一〇'}、第{i}项" for i in range(1, 11)] + ["㈠细则"]


def test_docx_numbering_level_restart(tmp_path: Path) -> None:
    """w:lvlRestart says after which level a list level starts again: 1. 2. 3. numbered on through the
    （一） （二） under one 一、 (restart after level 1 only), and never again (0), as Word draws them."""

    def lvl(ilvl: int, fmt: str, text: str, restart: int | None) -> str:
        extra = "" if restart is None else f'<w:lvlRestart w:val="{restart}"/>'
        return f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>{extra}<w:lvlText w:val="{text}"/></w:lvl>'

    def num(n: int, level: int) -> str:
        return f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{n}"/></w:numPr>'

    levels = [lvl(0, "chineseCounting", "%1、", None), lvl(1, "chineseCounting", "（%2）", None)]
    numbering = [
        f'<w:abstractNum w:abstractNumId="0">{"".join(levels)}{lvl(2, "decimal", "%3.", 1)}</w:abstractNum>',
        f'<w:abstractNum w:abstractNumId="1">{"".join(levels)}{lvl(2, "decimal", "%3.", 0)}</w:abstractNum>',
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>',
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>',
    ]
    lines = []
    for n in (1, 2):
        paragraphs = [_p("重点任务", num(n, 0)), _p("甲", num(n, 1)), _p("任务", num(n, 2)), _p("任务", num(n, 2))]
        paragraphs += [_p("乙", num(n, 1)), _p("任务", num(n, 2)), _p("保障措施", num(n, 0)), _p("任务", num(n, 2))]
        lines.append(planparse.parse(_docx_with(tmp_path, paragraphs, numbering)).text.split("\n"))
    assert lines[0] == ["一、重点任务", "（一）甲", "1.任务", "2.任务", "（二）乙", "3.任务", "二、保障措施", "1.任务"]
    assert lines[1] == ["一、重点任务", "（一）甲", "1.任务", "2.任务", "（二）乙", "3.任务", "二、保障措施", "4.任务"]


_BOX = (
    '<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="wps">'
    '<w:drawing><w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>'
    "<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框内容</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>"
    "</mc:AlternateContent></w:r>"
)


def test_docx_runs_as_the_reader_sees_them(tmp_path: Path) -> None:
    """A non-breaking hyphen is a hyphen, a symbol its character, a hidden run nothing; a text box
    (a drawing with its VML fallback) is read once, as a paragraph of its own, in a cell too."""

    def run(inner: str, rpr: str = "") -> str:
        return f"<w:r>{rpr}{inner}</w:r>"

    first = "<w:p>" + "".join(
        [
            run("<w:t>（一）实施2023</w:t>"), run("<w:noBreakHyphen/>"), run("<w:t>2025年行动</w:t>"),
            run('<w:sym w:font="宋体" w:char="2014"/>'), run("<w:t>内部说明</w:t>", "<w:rPr><w:vanish/></w:rPr>"),
            run("<w:t>新建基站100座。</w:t>"), _BOX,
        ]
    ) + "</w:p>"
    cell = f"<w:tc><w:p><w:r><w:t>实施行动</w:t></w:r>{_BOX}</w:p></w:tc>"
    table = f"<w:tbl><w:tr><w:tc>{_p('工作任务')}</w:tc><w:tc>{_p('牵头单位')}</w:tc></w:tr><w:tr>{cell}<w:tc>{_p('市工信局')}</w:tc></w:tr></w:tbl>"
    text = planparse.parse(_docx_with(tmp_path, [_p("一、重点任务"), first, table])).text
    assert text.split("\n") == ["一、重点任务", "（一）实施2023-2025年行动—新建基站100座。", "文本框内容", "工作任务\t牵头单位", "实施行动、文本框内容\t市工信局"]


def test_docx_table_rows_in_controls_and_frame_tables(tmp_path: Path) -> None:
    """A row inside a content control is a row, a row deleted with changes tracked is none, a row
    that starts a grid column in (gridBefore) keeps its cells under their headers; a table of one
    cell a row is a frame around text, read paragraph by paragraph (a 1×1 table holding the plan)."""

    def row(*cells: str, trpr: str = "") -> str:
        return f"<w:tr>{trpr}" + "".join(f"<w:tc>{_p(c)}</w:tc>" for c in cells) + "</w:tr>"

    table = "<w:tbl>" + "".join(
        [
            row("序号", "工作任务", "牵头单位"), row("1", "加快项目建设", "市发改委"),
            f"<w:sdt><w:sdtContent>{row('2', '优化营商环境', '市商务局')}</w:sdtContent></w:sdt>",
            row("3", "删去的任务", "市财政局", trpr='<w:trPr><w:del w:id="1" w:author="a"/></w:trPr>'),
            row("强化要素保障", "市自然资源局", trpr='<w:trPr><w:gridBefore w:val="1"/></w:trPr>'),
        ]
    ) + "</w:tbl>"
    body = ["一、重点任务", "（一）加快项目建设。到2025年，全市新建5G基站1000座。", "牵头单位：市通信管理局"]
    frame = "<w:tbl><w:tr><w:tc>" + "".join(_p(x) for x in body) + "</w:tc></w:tr></w:tbl>"
    plan = planparse.parse(_docx_with(tmp_path, [frame, table]))
    assert plan.text.split("\n") == [*body, "序号\t工作任务\t牵头单位", "1\t加快项目建设\t市发改委", "2\t优化营商环境\t市商务局", "\t强化要素保障\t市自然资源局"]
    assert [(g.indicator, g.value) for g in plan.targets] == [("5G基站", 1000)]


def test_docx_paragraph_deleted_whole_takes_no_number(tmp_path: Path) -> None:
    """An item deleted with changes tracked (its text and its paragraph mark) leaves no bare （二）
    behind, and the items after it are numbered as Word shows them once the change is accepted."""
    numbering = [f'<w:abstractNum w:abstractNumId="0">{_lvl(0, "chineseCounting", "（%1）")}</w:abstractNum>', '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>']
    num = '<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>'
    deleted = f'<w:p><w:pPr>{num}<w:rPr><w:del w:id="2" w:author="a"/></w:rPr></w:pPr><w:del w:id="1" w:author="a"><w:r><w:delText>删去的任务。</w:delText></w:r></w:del></w:p>'
    paragraphs = [_p("一、重点任务"), _p("加快项目建设。", num), deleted, _p("优化营商环境。", num)]
    plan = planparse.parse(_docx_with(tmp_path, paragraphs, numbering))
    assert [s.title for s in plan.iter_sections()] == ["重点任务", "加快项目建设", "优化营商环境"]
    assert "（二）优化营商环境。" in plan.text


class _FakeTextPage:
    """Character boxes of lines set on a page: (left edge, text) a line, a Chinese character 16 pt
    wide (or the size given), a digit or Latin letter half that, lines 28 pt apart (or at the heights given): what
    _indented_lines and page_edges read from PDFium."""

    def __init__(self, lines: list[tuple[float, str]], heights: list[float] | None = None, sizes: list[float] | None = None) -> None:
        self.text = "\r\n".join(t for _, t in lines)
        self.boxes: list[tuple[float, float, float, float]] = []
        for n, (left, line) in enumerate(lines):
            x, bottom = left, 800.0 - 28 * n if heights is None else heights[n]
            size = 16.0 if sizes is None else sizes[n]
            for ch in line + ("\r\n" if n < len(lines) - 1 else ""):
                w = size / 2 if ch.isascii() else size
                self.boxes.append((x, bottom, x + w, bottom + size))
                x += w if ch not in "\r\n" else 0

    def count_chars(self) -> int:
        return len(self.text)

    def get_charbox(self, i: int) -> tuple[float, float, float, float]:
        return self.boxes[i]


def test_pdf_line_short_of_the_margin_by_a_number_set_whole_wraps() -> None:
    """A number is never broken: one that does not fit at a line's end goes whole to the next line,
    leaving the line short of the margin (…投资规模超过 / 2000亿元): that line wraps all the same. A
    paragraph's last line that stops well short, before a line opening with a year, ends its paragraph."""
    from planparse.loaders.base import MARGIN_MARK
    from planparse.loaders.pdf import _indented_lines

    full, short = "文" * 28, "文" * 26  # 90 + 28 × 16 = 538: the right margin
    lines = [(122.0, "文" * 26), (90.0, full), (90.0, short[:-2] + "超过"), (90.0, "2000亿元，" + "文" * 20), (90.0, full), (90.0, "文" * 10 + "。"), (90.0, "2023年起" + "文" * 20), (90.0, "文" * 6 + "。")]
    page = _FakeTextPage(lines)
    out = _indented_lines(page.text, page)
    ends = [x.endswith(MARGIN_MARK) for x in out]
    assert ends == [True, True, True, False, True, False, False, False]


def test_two_page_pdf_running_lines_by_where_they_are_printed() -> None:
    """Two pages cannot vote on what repeats: a header over both, in the top margin (apart from the
    body by more than a line's pitch, at the same height) and a footer under both go; a body line that
    happens to open both pages, in the body's own pitch, stays, as does a header printed on one page."""
    from planparse.loaders.pdf_running import page_edges, strip_running

    def page(top: str | None, body: list[str], foot: str) -> tuple[list[str], object]:
        rows = ([(90.0, top)] if top else []) + [(90.0, x) for x in body] + [(250.0, foot)]
        heights = ([790.0] if top else []) + [720.0 - 28 * n for n in range(len(body))] + [60.0]
        fake = _FakeTextPage(rows, heights)
        return [x for _, x in rows], page_edges(fake.text, fake)

    one = page("某某县人民政府办公室", ["1.推进老旧小区改造。", "牵头单位：县住建局", "2.开展人居环境整治。"], "— 1 —")
    two = page("某某县人民政府办公室", ["牵头单位：县农业农村局", "3.加强组织领导。"], "— 2 —")
    kept = strip_running([one[0], two[0]], [one[1], two[1]])  # type: ignore[list-item]
    assert kept == [["1.推进老旧小区改造。", "牵头单位：县住建局", "2.开展人居环境整治。"], ["牵头单位：县农业农村局", "3.加强组织领导。"]]

    same = ["牵头单位：县住建局", "完成时限：2023年底前", "3.加强组织领导。"]
    a, b = page(None, same, "— 1 —"), page(None, same, "— 2 —")
    assert strip_running([a[0], b[0]], [a[1], b[1]])[0][:1] == ["牵头单位：县住建局"]  # type: ignore[list-item]
    c = page("某某县人民政府办公室", same, "— 1 —")
    assert strip_running([c[0], b[0]], [c[1], b[1]])[0][:1] == ["某某县人民政府办公室"]  # type: ignore[list-item]


def test_pdf_title_in_large_type_wrapped_short_of_the_margin() -> None:
    """A title in large type (22 pt over a 16 pt body) that wraps stops short of the margin by up to
    one of its own glyphs: it runs on into its next line, in the same type. The masthead over it, in
    larger type, and a title line over the body's type do not."""
    from planparse.loaders.base import MARGIN_MARK
    from planparse.loaders.pdf import _indented_lines

    lines = [(148.0, "某某县人民政府办公室文件"), (100.0, "某某县全力推进“数字政府”建设三年行动"), (248.0, "计划"), (100.0, "某某县城乡环境综合整治工作方案实施细则")]
    sizes = [30.0, 22.0, 22.0, 22.0]
    body = [(122.0, "文" * 26)] + [(90.0, "文" * 28)] * 6 + [(90.0, "文" * 5 + "。")]
    page = _FakeTextPage(lines + body, sizes=sizes + [16.0] * len(body))
    out = _indented_lines(page.text, page)
    assert [x.endswith(MARGIN_MARK) for x in out[:4]] == [False, True, False, False]


@pytest.mark.parametrize(
    ("line", "spaced"),
    [
        ("品 牌", True),  # a title's last line set on a grid in large type
        ("实 施 意 见", True),
        ("文 件", True),  # a masthead's 文件 on a line of its own
        ("一、 总体要求", False),  # a gap after a marker only
        ("中共某某市委 某某市人民政府", False),  # two issuers apart
        ("附件 1", False),
    ],
)
def test_pdf_short_line_spaced_between_every_character(line: str, spaced: bool) -> None:
    """A line with a space between every two characters is letter-spaced however short (the layout's
    spaces PDFium generates there are closed up); a line with a gap or two between words is not."""
    from planparse.loaders.pdf import _letter_spaced

    assert bool(_letter_spaced(line)) is spaced


def test_running_header_taken_once_from_a_page_edge() -> None:
    """A page prints its header once: the line under it with the same text (a sign-off, the first
    line of a masthead under the office's running header) is the body's and stays."""
    from planparse.loaders.pdf_running import strip_running

    office = "某某市人民政府办公室"
    pages = [[office, "某某市人民政府办公室", "文件", "一、总体要求", "— 1 —"], *[[office, f"（{n}）推进第{n}项工作。", f"— {n} —"] for n in "二三四"]]
    kept = strip_running(pages)
    assert kept[0][:2] == ["某某市人民政府办公室", "文件"]
    assert [lines[0] for lines in kept[1:]] == [f"（{n}）推进第{n}项工作。" for n in "二三四"]
