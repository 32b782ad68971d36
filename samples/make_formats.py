"""Write samples/formats/: the sample plans as DOCX, PDF and HTML, plus PDFs that cannot be read.

    .venv/bin/python samples/make_formats.py          # needs LibreOffice (soffice) on PATH

The outputs are committed, so the tests and CI never need LibreOffice. What is written and why
is in samples/README.md ("Generated renditions"); in short:

- ``<stem>.docx``: the plan as an office writes it in Word: a 公文-style A4 page (仿宋 三号 body
  with a two-character first-line indent, fixed 28 pt line spacing), bold headings, the issuing
  office in the page header, a page-number field in the footer (``— 3 —``, ``第3页 共10页``,
  ``- 3 -``, a bare ``3``: one style per plan). 002 uses Word automatic numbering (its headings
  are written without their markers and carry ``w:numPr``); 003 and 004 move each item's
  assignment lines (责任单位/配合单位/完成时限, 牵头单位/责任单位) out of the body into a
  任务分工表 at the end, with vertically merged cells, a repeated header row (003, landscape) or
  none and category rows spanning the table (004). 001 carries tracked changes (a deletion that
  must disappear, an insertion that must stay) and a comment, added after its PDF was made.
  ``docProps/app.xml`` gets the real page count and every paragraph where a page begins gets a
  ``w:lastRenderedPageBreak`` at the place the PDF's page begins, as Word records it on save.
- ``<stem>.pdf``: that DOCX exported by LibreOffice headless (text layer, embedded font subsets).
- ``<stem>.<quirk>.html``: one saved government web page per quirk: GBK declared by
  ``<meta charset>`` (000), UTF-8 without any declaration (001), a full portal page with
  navigation, scripts, styles and footer around the article (002), the 任务分工表 as a
  ``<table>`` (003), GB2312 declared by ``http-equiv`` with ``<br>``-separated paragraphs (004).
- ``scanned.pdf``: two pages of 000 as images only, no text layer (a scan);
  ``encrypted.pdf``: 000 with an open password; ``restricted.pdf``: 000 with an owner
  (permissions) password only, which opens without one and must read like 000.pdf.

The paragraphs come from planparse's normalised text of each TXT sample, not from its raw lines:
the TXT files are web and PDF exports whose line breaks are partly layout (a paragraph cut in two
by a page of the original), and a Word document holds whole paragraphs.
"""

from __future__ import annotations

import copy
import html
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pypdfium2 as pdfium
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt

import planparse
from planparse import Plan

HERE = Path(__file__).resolve().parent
OUT = HERE / "formats"
# unreadable or odd PDFs are test fixtures, not samples: `make run` reads every file under samples/
FIXTURES = HERE.parent / "tests" / "fixtures"

# fonts an office uses; LibreOffice substitutes what the machine has (Noto CJK) and embeds subsets
BODY_FONT, TITLE_FONT, H1_FONT, H2_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"
LABEL = re.compile(r"^(牵头单位|责任单位|配合单位|完成时限)\s*[:：]\s*(.*)$")


@dataclass(frozen=True)
class Rendition:
    """How one sample plan is written: header office, footer style, numbering, task table, HTML quirk."""

    office: str
    footer: tuple[str, ...]  # text pieces; "PAGE" and "NUMPAGES" become fields
    html: str  # quirk of its web page: gbk-meta, utf8-no-meta, debris, table, gb2312-br
    autonumber: bool = False
    table: tuple[str, ...] = ()  # columns of the 任务分工表; empty: assignments stay in the body
    landscape_table: bool = False
    repeat_header: bool = False
    group_rows: bool = False  # rows naming the （一） category, merged across the whole table
    revisions: bool = False


PLANS: dict[str, Rendition] = {
    "000_58eff289fd67a2be": Rendition("互助土族自治县人民政府办公室", ("— ", "PAGE", " —"), "gbk-meta"),
    "001_3588264997f5548d": Rendition(
        "中共甘肃省委办公厅 甘肃省人民政府办公厅", ("第", "PAGE", "页 共", "NUMPAGES", "页"), "utf8-no-meta", revisions=True
    ),
    "002_f9cc23a53aad9a5a": Rendition("XX县人民政府办公室", ("PAGE",), "debris", autonumber=True),
    "003_e7c703fe6ca54374": Rendition(
        "西宁市城中区人民政府办公室",
        ("- ", "PAGE", " -"),
        "table",
        table=("序号", "重点任务", "责任单位", "配合单位", "完成时限"),
        landscape_table=True,
        repeat_header=True,
    ),
    "004_438900912e87cf9d": Rendition(
        "回民区人民政府",
        ("— ", "PAGE", " —"),
        "gb2312-br",
        table=("序号", "重点任务", "牵头单位", "责任单位"),
        group_rows=True,
    ),
}


# --------------------------------------------------------------------------- the plan as paragraphs


@dataclass
class Para:
    text: str  # as the reader sees it, typed marker included
    kind: str  # title | center | right | heading | body | plain (no indent)
    level: int = 0
    marker: str = ""
    bold: int = 0  # length of the bold head: marker + title (+ its 。)


@dataclass
class Row:
    number: int
    task: str
    cells: dict[str, str] = field(default_factory=dict)  # column → text
    group: str = ""  # the category the row belongs to (marker + title of its （一） section)


def _paragraphs(plan: Plan, drop: set[int]) -> list[Para]:
    heads = {s.span.start: s for s in plan.iter_sections()}
    first = min(heads, default=len(plan.text))
    title = plan.metadata.title_span
    out: list[Para] = []
    pos = 0
    for line in plan.text.split("\n"):
        start = pos
        pos += len(line) + 1
        if not line.strip() or start in drop:
            continue
        sec = heads.get(start)
        if sec is not None:
            end = sec.title_span.end
            bold = end - start + (1 if plan.text[end : end + 1] in ("。", ".") and end < pos - 1 else 0)
            out.append(Para(line, "heading", sec.level, sec.marker, bold))
        elif title is not None and title.start <= start < title.end:
            out.append(Para(line, "title"))
        elif start < first and len(line) <= 60 and not re.search("[。，,；;]", line):
            out.append(Para(line, "plain" if line.endswith(("：", ":")) else "center"))
        elif re.fullmatch(r"[0-9]{4}年[0-9]{1,2}月[0-9]{1,2}日", line):
            out.append(Para(line, "right"))
        elif line.endswith(("：", ":")) and start < first:
            out.append(Para(line, "plain"))
        else:
            out.append(Para(line, "body"))
    return out


def _table_rows(plan: Plan, columns: tuple[str, ...]) -> tuple[list[Row], set[int]]:
    """One row per task from its assignment lines; the offsets of those lines, to leave out of the body."""
    starts: list[int] = []
    pos = 0
    for line in plan.text.split("\n"):
        starts.append(pos)
        pos += len(line) + 1
    sections = {s.id: s for s in plan.iter_sections()}
    rows: list[Row] = []
    drop: set[int] = set()
    for k, task in enumerate(plan.tasks, 1):
        sec = sections[task.section_id or ""]
        group_id = ".".join(sec.id.split(".")[:2])
        group = sections[group_id]
        row = Row(k, task.title, group=group.marker + group.title)
        for start in starts:
            if not task.span.start < start < task.span.end:
                continue
            line = plan.text[start : plan.text.find("\n", start) if "\n" in plan.text[start:] else len(plan.text)]
            m = LABEL.match(line)
            if m:
                assert m.group(1) in columns, (task.title, line)
                row.cells[m.group(1)] = m.group(2).strip()
                drop.add(start)
        assert row.cells, f"task {task.title!r} has no assignment lines to move into the table"
        rows.append(row)
    return rows, drop


# --------------------------------------------------------------------------- DOCX


_HINT = {"east_asia": True}  # build_docx(hint=False): runs without w:hint, as an editor without a Chinese IME writes them


def _fonts(rpr_parent, name: str) -> None:  # type: ignore[no-untyped-def]
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    if _HINT["east_asia"]:
        # what Word writes for text typed with a Chinese input method: ambiguous characters such as
        # “ ” take the East Asian font (without it LibreOffice draws them in a Western font)
        fonts.set(qn("w:hint"), "eastAsia")
        lang = rpr.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:eastAsia"), "zh-CN")


def _run(paragraph, text: str, font: str = BODY_FONT, size: float = 16, bold: bool = False):  # type: ignore[no-untyped-def]
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold or None
    _fonts(run._r, font)
    return run


def _field(paragraph, instr: str, font: str, size: float) -> None:  # type: ignore[no-untyped-def]
    """A complex field as Word writes it: begin, instruction, separate, cached result, end."""
    for kind, text in (("begin", None), ("instr", f" {instr} "), ("separate", None), ("text", "1"), ("end", None)):
        run = _run(paragraph, "", font, size)
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        run._r.append(el)


def _numbering(document) -> str:  # type: ignore[no-untyped-def]
    """A multilevel list 一、 / （一） / 1. (chineseCounting, chineseCounting, decimal); its numId."""
    numbering = document.part.numbering_part.element
    lvls = [
        ("chineseCounting", "%1、", H1_FONT, "nothing"),
        ("chineseCounting", "（%2）", H2_FONT, "nothing"),
        ("decimal", "%3.", BODY_FONT, "nothing"),
    ]
    parts = [f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90"><w:multiLevelType w:val="multilevel"/>']
    for i, (fmt, text, font, suff) in enumerate(lvls):
        parts.append(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:suff w:val="{suff}"/>'
            f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:pPr><w:ind w:left="0" w:firstLine="640"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}" w:eastAsia="{font}"/><w:b/><w:sz w:val="32"/></w:rPr></w:lvl>'
        )
    parts.append("</w:abstractNum>")
    abstract = parse_xml("".join(parts))
    nums = numbering.findall(qn("w:num"))
    if nums:
        nums[0].addprevious(abstract)
    else:
        numbering.append(abstract)
    num = parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    numbering.append(num)
    return "90"


def _num_pr(paragraph, num_id: str, ilvl: int) -> None:  # type: ignore[no-untyped-def]
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'))


def _page_setup(section, landscape: bool = False) -> None:  # type: ignore[no-untyped-def]
    """GB/T 9704 公文 page: A4, 37 mm top, 28 mm left margins."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Cm(29.7), Cm(21.0)) if landscape else (Cm(21.0), Cm(29.7))
    section.top_margin, section.bottom_margin = (Cm(2.8), Cm(2.6)) if landscape else (Cm(3.7), Cm(3.5))
    section.left_margin, section.right_margin = (Cm(3.0), Cm(3.0)) if landscape else (Cm(2.8), Cm(2.6))
    section.header_distance, section.footer_distance = Cm(1.5), Cm(2.0)


def _header_footer(section, r: Rendition) -> None:  # type: ignore[no-untyped-def]
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, r.office, BODY_FONT, 12)
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in r.footer:
        if piece in ("PAGE", "NUMPAGES"):
            _field(p, piece, BODY_FONT, 14)
        else:
            _run(p, piece, BODY_FONT, 14)


def _exact(paragraph, points: float) -> None:  # type: ignore[no-untyped-def]
    pf = paragraph.paragraph_format
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = Pt(points)
    pf.space_before = pf.space_after = Pt(0)


def _write_para(document, para: Para, r: Rendition, num_id: str | None) -> None:  # type: ignore[no-untyped-def]
    p = document.add_paragraph()
    _exact(p, 28)
    if para.kind == "title":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact(p, 36)
        _run(p, para.text, TITLE_FONT, 22)
        return
    if para.kind in ("center", "right", "plain"):
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(para.kind, WD_ALIGN_PARAGRAPH.LEFT)
        _run(p, para.text, H2_FONT if para.text == "征求意见稿" else BODY_FONT)
        return
    p.paragraph_format.first_line_indent = Pt(32)
    if para.kind == "body":
        _run(p, para.text)
        return
    font = {1: H1_FONT, 2: H2_FONT}.get(para.level, BODY_FONT)
    head, rest = para.text[: para.bold], para.text[para.bold :]
    if num_id is not None and para.level <= 3:
        head = head[len(para.marker) :].lstrip()  # Word draws the marker from the numbering definition
        _num_pr(p, num_id, para.level - 1)
    _run(p, head, font, bold=True)
    if rest:
        _run(p, rest)


def _cell(cell, text: str, bold: bool = False, center: bool = False) -> None:  # type: ignore[no-untyped-def]
    p = cell.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
    _exact(p, 20)
    if text:
        _run(p, text, H1_FONT if bold else BODY_FONT, 12)


def _write_table(document, plan: Plan, rows: list[Row], r: Rendition) -> None:  # type: ignore[no-untyped-def]
    if r.landscape_table:
        section = document.add_section(WD_SECTION.NEW_PAGE)
        _page_setup(section, landscape=True)
    else:
        document.add_page_break()
    p = document.add_paragraph()
    _exact(p, 28)
    _run(p, "附件", H1_FONT)
    p = document.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact(p, 36)
    region = plan.metadata.region or ""
    _run(p, f"{region}{'生态环境保护' if r.landscape_table else '深入打好污染防治攻坚战'}重点任务分工表", TITLE_FONT, 18)
    widths = {
        "序号": 1.3,
        "重点任务": 7.0 if r.landscape_table else 5.2,
        "牵头单位": 4.6,
        "责任单位": 6.0 if r.landscape_table else 4.5,
        "配合单位": 7.0,
        "完成时限": 2.4,
    }
    table = document.add_table(rows=1, cols=len(r.table))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, name in enumerate(r.table):
        _cell(table.rows[0].cells[i], name, bold=True, center=True)
    if r.repeat_header:
        trpr = table.rows[0]._tr.get_or_add_trPr()
        trpr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    group = ""
    for row in rows:
        if r.group_rows and row.group != group:
            group = row.group
            cells = table.add_row().cells
            merged = cells[0].merge(cells[-1])
            _cell(merged, group, bold=True)
        cells = table.add_row().cells
        _cell(cells[0], str(row.number), center=True)
        _cell(cells[1], row.task)
        for i, name in enumerate(r.table[2:], 2):
            _cell(cells[i], row.cells.get(name, ""), center=name == "完成时限")
    # an office merges a unit or deadline cell that is the same in consecutive rows of one category
    body = table.rows[1:]

    def category(row) -> bool:  # type: ignore[no-untyped-def]
        return len({c._tc for c in row.cells}) == 1

    for i, name in enumerate(r.table):
        if name not in ("责任单位", "配合单位", "完成时限"):
            continue
        j = 0
        while j < len(body):
            text = body[j].cells[i].text
            k = j + 1
            while text and k < len(body) and not category(body[j]) and not category(body[k]) and body[k].cells[i].text == text:
                k += 1
            if k - j > 1:
                for m in range(j + 1, k):
                    for run in body[m].cells[i].paragraphs[0].runs:
                        run._r.getparent().remove(run._r)
                body[j].cells[i].merge(body[k - 1].cells[i])
            j = k
    table.autofit = False
    for col, name in zip(table.columns, r.table, strict=True):
        col.width = Cm(widths[name])
        for c in col.cells:
            c.width = Cm(widths[name])


def _revisions(document) -> None:  # type: ignore[no-untyped-def]
    """Tracked changes and a comment, as a reviewer leaves them: a deleted phrase, an inserted one."""
    body = document.element.body
    for p in body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if text.startswith("（一）") or text.startswith("(一)"):
            target = p
            break
    else:  # pragma: no cover - 001 has （一） headings
        raise SystemExit("no （一） heading to annotate")
    w = nsdecls("w")
    date = 'w:author="审核人" w:date="2024-05-06T09:00:00Z"'
    # a sentence the reviewer struck out: it must not reach the text
    deleted = parse_xml(
        f'<w:del {w} w:id="901" {date}><w:r><w:rPr><w:sz w:val="32"/></w:rPr><w:delText>（此句删除：示例删除内容，不应出现。）</w:delText></w:r></w:del>'
    )
    target.append(deleted)
    # the last run of the next body paragraph becomes an insertion: it stays in the text
    body_p = target.getnext()
    runs = body_p.findall(qn("w:r"))
    ins = parse_xml(f'<w:ins {w} w:id="902" {date}/>')
    runs[-1].addprevious(ins)
    ins.append(runs[-1])
    # a comment anchored on the heading; the comment's text lives in comments.xml and is not plan text
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    comments = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments {w}><w:comment w:id="0" w:author="审核人" w:date="2024-05-06T09:00:00Z" w:initials="SH">'
        "<w:p><w:r><w:t>请核实牵头单位：省生态环境厅是否需要补充完成时限：2024年底前。</w:t></w:r></w:p></w:comment></w:comments>"
    ).encode()
    part = Part(
        PackURI("/word/comments.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
        comments,
        document.part.package,
    )
    document.part.relate_to(part, RT.COMMENTS)
    first_run = target.find(qn("w:r"))
    first_run.addprevious(parse_xml(f'<w:commentRangeStart {w} w:id="0"/>'))
    target.append(parse_xml(f'<w:commentRangeEnd {w} w:id="0"/>'))
    target.append(parse_xml(f'<w:r {w}><w:commentReference w:id="0"/></w:r>'))


def build_docx(stem: str, plan: Plan, r: Rendition, only: tuple[int, ...] | None = None, hint: bool = True) -> tuple[bytes, list[Row]]:
    """The plan as a Word document, and the rows of its task table.

    ``only`` keeps those paragraphs (by index) only; ``hint=False`` leaves out ``w:hint="eastAsia"``, so
    LibreOffice draws “ ” in a Western font (in a text object of its own in the PDF).
    """
    _HINT["east_asia"] = hint
    rows, drop = _table_rows(plan, r.table) if r.table else ([], set())
    document = docx.Document()
    styles = document.styles
    normal = styles["Normal"]
    normal.font.size = Pt(16)
    _fonts(normal.element, BODY_FONT)
    props = document.core_properties
    props.title = plan.metadata.title or stem
    props.author = r.office
    props.last_modified_by = r.office
    section = document.sections[0]
    _page_setup(section)
    _header_footer(section, r)
    num_id = _numbering(document) if r.autonumber else None
    paras = _paragraphs(plan, drop)
    for para in paras if only is None else [paras[i] for i in only]:
        _write_para(document, para, r, num_id)
    if rows:
        _write_table(document, plan, rows, r)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue(), rows


# --------------------------------------------------------------------------- PDF (LibreOffice)


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise SystemExit("make_formats.py needs LibreOffice: soffice is not on PATH")
    return exe


def to_pdf(docx_bytes: bytes, export: str = "pdf") -> bytes:
    """DOCX → PDF with LibreOffice headless in a private profile; ``export`` may carry filter options."""
    with tempfile.TemporaryDirectory(prefix="make-formats-") as tmp:
        src = Path(tmp) / "plan.docx"
        src.write_bytes(docx_bytes)
        subprocess.run(
            [soffice(), f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to", export, "--outdir", tmp, str(src)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        return (Path(tmp) / "plan.pdf").read_bytes()


def pdf_pages(data: bytes) -> list[str]:
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].get_textpage().get_text_bounded() for i in range(len(pdf))]
    finally:
        pdf.close()


_SQUEEZE = re.compile(r"\s+")


def _squeeze(s: str) -> str:
    return _SQUEEZE.sub("", s)


_MARKER = re.compile(r"^(?:（[一二三四五六七八九十]+）|[一二三四五六七八九十]+、|[0-9]+\.)")
_FOOTER = re.compile(r"^(?:[-—]?[0-9]+[-—]?|第[0-9]+页共[0-9]+页)$")


def page_breaks(docx_bytes: bytes, pages: list[str], r: Rendition) -> bytes:
    """Record where each PDF page begins as ``w:lastRenderedPageBreak`` (what Word writes on save), and the page count.

    The text of each page (without the running header and footer, a repeated table header, and
    for auto-numbered plans the markers Word draws) is looked up in the document's text, spaces
    removed, from where the previous page began; the break goes before that character, splitting
    its run when the page begins inside a paragraph.
    """
    document = docx.Document(io.BytesIO(docx_bytes))
    paras = list(document.element.body.iter(qn("w:p")))
    chars: list[str] = []
    owner: list[tuple[int, int]] = []  # per character of ``doc``: (paragraph, non-space offset in it)
    for i, p in enumerate(paras):
        flat = _squeeze("".join(t.text or "" for t in p.iter(qn("w:t"))))
        chars.extend(flat)
        owner.extend((i, k) for k in range(len(flat)))
    doc = "".join(chars)
    skip = {_squeeze(r.office), *r.table, "".join(r.table)}
    pos = 0
    for page_no, page in enumerate(pages[1:], 2):
        lines = [_squeeze(x) for x in page.replace("\r", "\n").split("\n")]
        lines = [x for x in lines if x and x not in skip and not _FOOTER.match(x)]
        if r.autonumber:
            lines = [_MARKER.sub("", x) for x in lines]
        text = "".join(lines)
        # a table row cut by the page break runs on in other cells: fall back to the first line alone
        for key in (text[:40], text[:20], text[:10], lines[0][:20] if lines else ""):
            where = doc.find(key, pos) if key else -1
            if where >= 0:
                break
        else:
            raise SystemExit(f"page {page_no}: cannot place its text {text[:40]!r} in the document")
        i, k = owner[where]
        _insert_break(paras[i], k)
        pos = where + 1
    buf = io.BytesIO()
    document.save(buf)
    return _set_pages(buf.getvalue(), len(pages))


def _insert_break(p, offset: int) -> None:  # type: ignore[no-untyped-def]
    """Put a lastRenderedPageBreak before non-space character number ``offset`` of paragraph ``p``."""
    seen = 0
    for t in p.iter(qn("w:t")):
        text = t.text or ""
        count = len(_squeeze(text))
        if seen + count > offset or (offset == 0 and count):
            k = 0
            n = 0
            while k < len(text) and (text[k].isspace() or n < offset - seen):
                if not text[k].isspace():
                    n += 1
                k += 1
            run = t.getparent()
            brk = OxmlElement("w:lastRenderedPageBreak")
            if k == 0:
                t.addprevious(brk)
                return
            tail = copy.deepcopy(t)
            t.text, tail.text = text[:k], text[k:]
            t.set(qn("xml:space"), "preserve")
            tail.set(qn("xml:space"), "preserve")
            t.addnext(brk)
            brk.addnext(tail)
            del run  # the break and the tail stay in the same run, as Word writes them
            return
        seen += count


def _set_pages(docx_bytes: bytes, pages: int) -> bytes:
    """docProps/app.xml with the real page count (the python-docx template says 1)."""
    src = zipfile.ZipFile(io.BytesIO(docx_bytes))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/app.xml":
                text = data.decode("utf-8")
                text = re.sub(r"<Pages>\d+</Pages>", f"<Pages>{pages}</Pages>", text)
                text = re.sub(r"<Application>[^<]*</Application>", "<Application>Microsoft Office Word</Application>", text)
                data = text.encode("utf-8")
            if info.filename == "docProps/thumbnail.jpeg":
                continue  # the template's thumbnail shows another document
            out.writestr(info, data)
    data = buf.getvalue()
    # drop the thumbnail's relationship and content-type entries too
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "_rels/.rels":
                body = re.sub(rb"<Relationship [^>]*thumbnail[^>]*/>", b"", body)
            out.writestr(info, body)
    return buf.getvalue()


# --------------------------------------------------------------------------- HTML


def _html_paragraphs(paras: list[Para], rows: list[Row], r: Rendition) -> str:
    out = []
    for para in paras:
        text = html.escape(para.text)
        if para.kind == "title":
            out.append(f'<p style="text-align:center;font-size:22px"><strong>{text}</strong></p>')
        elif para.kind in ("center", "right"):
            out.append(f'<p style="text-align:{"center" if para.kind == "center" else "right"}">{text}</p>')
        elif para.kind == "heading":
            head, rest = html.escape(para.text[: para.bold]), html.escape(para.text[para.bold :])
            out.append(f'<p style="text-indent:2em"><strong>{head}</strong>{rest}</p>')
        else:
            out.append(f'<p style="text-indent:2em">{text}</p>')
    if rows:
        out.append('<p style="text-indent:0"><strong>附件</strong></p>')
        out.append('<p style="text-align:center"><strong>重点任务分工表</strong></p>')
        out.append('<table border="1" cellspacing="0" cellpadding="4" style="border-collapse:collapse;width:100%">')
        out.append("<tbody><tr>" + "".join(f"<th>{c}</th>" for c in r.table) + "</tr>")
        for row in rows:
            cells = [str(row.number), row.task] + [row.cells.get(c, "") for c in r.table[2:]]
            out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        out.append("</tbody></table>")
    return "\n".join(out)


def _page(title: str, head_meta: str, article: str, debris: bool) -> str:
    if not debris:
        return (
            f"<!DOCTYPE html>\n<html>\n<head>\n{head_meta}<title>{html.escape(title)}</title>\n</head>\n<body>\n"
            f'<div class="TRS_Editor">\n{article}\n</div>\n</body>\n</html>\n'
        )
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
{head_meta}<meta name="ArticleTitle" content="{html.escape(title)}">
<meta name="PubDate" content="2019-03-12 10:21">
<meta name="ContentSource" content="XX县人民政府办公室">
<title>{html.escape(title)}_XX县人民政府</title>
<link rel="stylesheet" href="/images/common.css">
<style type="text/css">
body {{ margin: 0; font-family: "Microsoft YaHei", "微软雅黑"; color: #333; }}
.nav li {{ float: left; width: 12.5%; }} .article-content p {{ line-height: 2em; text-indent: 2em; }}
</style>
<script type="text/javascript">
var _hmt = _hmt || []; (function() {{ var hm = document.createElement("script"); hm.src = "https://hm.baidu.com/hm.js?0123456789abcdef"; var s = document.getElementsByTagName("script")[0]; s.parentNode.insertBefore(hm, s); }})();
</script>
</head>
<body>
<div class="top-bar"><div class="w1200"><span>欢迎访问XX县人民政府门户网站</span><a href="/wza">无障碍浏览</a><a href="/zzb">长者模式</a><a href="/en">English</a></div></div>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="XX县人民政府">XX县人民政府</div>
<form class="search" action="/search"><input type="text" name="q" placeholder="请输入关键字"><button type="submit">搜索</button></form></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk">政务公开</a></li><li><a href="/zwfw">政务服务</a></li><li><a href="/hdjl">互动交流</a></li><li><a href="/zjxx">走进XX</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk">政务公开</a> &gt; <a href="/zwgk/zcwj">政策文件</a></div>
<div class="container">
<div class="left-menu"><h3>政策文件</h3><ul><li><a href="#">县政府文件</a></li><li><a href="#">县政府办文件</a></li><li><a href="#">部门文件</a></li><li><a href="#">政策解读</a></li></ul></div>
<div class="article">
<table class="xxgk-table"><tr><td>索引号：</td><td>XX-0001/2019-00123</td><td>发布机构：</td><td>XX县人民政府办公室</td></tr>
<tr><td>发文日期：</td><td>2019-03-12</td><td>主题分类：</td><td>环境监测、保护与治理</td></tr></table>
<div class="article-info">发布时间：2019-03-12 10:21　来源：XX县人民政府办公室　浏览次数：<span id="hits">1024</span>　字号：[<a href="#">大</a>][<a href="#">中</a>][<a href="#">小</a>]</div>
<div class="article-content" id="zoom">
{article}
</div>
<div class="article-tools"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭窗口】</a></div>
<div class="share">分享到：<a>微信</a><a>微博</a><a>QQ空间</a></div>
<div class="related"><h3>相关链接</h3><ul><li><a href="#">XX县召开生态环境保护委员会全体会议</a></li><li><a href="#">XX县开展春季植树造林活动</a></li></ul></div>
</div>
</div>
<div class="footer"><p>主办：XX县人民政府办公室　承办：XX县大数据服务中心</p><p>版权所有：XX县人民政府　网站标识码：0000000001　X ICP备00000000号-1</p><p>地址：XX县XX路1号　联系电话：0000-0000000</p></div>
<script src="/js/jquery.min.js"></script>
<script>$(function(){{ $("#hits").load("/hits?id=123"); }});</script>
</body>
</html>
"""


def build_html(plan: Plan, paras: list[Para], rows: list[Row], r: Rendition) -> tuple[str, bytes]:
    """(file suffix, bytes) of the plan's web page with its quirk."""
    title = plan.metadata.title or ""
    if r.html == "gb2312-br":
        # an old CMS: one block, paragraphs separated by <br>, indented with full-width spaces
        lines = [("&#12288;&#12288;" if p.kind in ("body", "heading") else "") + html.escape(p.text) for p in paras]
        article = '<div class="Custom_UnionStyle">\n' + "<br>\n".join(lines) + "\n</div>"
        meta = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">\n'
        page = _page(title, meta, article, debris=False)
        return "gb2312-br.html", page.encode("gbk", errors="xmlcharrefreplace")
    article = _html_paragraphs(paras, rows, r)
    if r.html == "gbk-meta":
        page = _page(title, '<meta charset="gbk">\n', article, debris=False)
        return "gbk-meta.html", page.encode("gbk", errors="xmlcharrefreplace")
    if r.html == "utf8-no-meta":
        return "utf8-no-meta.html", _page(title, "", article, debris=False).encode("utf-8")
    if r.html == "debris":
        return "debris.html", _page(title, '<meta charset="utf-8">\n', article, debris=True).encode("utf-8")
    if r.html == "table":
        return "table.html", _page(title, '<meta charset="utf-8">\n', article, debris=False).encode("utf-8")
    raise ValueError(r.html)


# --------------------------------------------------------------------------- unreadable PDFs


def scanned(pdf_bytes: bytes, pages: int = 2) -> bytes:
    """The first pages rendered to grey images and saved as an image-only PDF: a scan without OCR."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        images = [pdf[i].render(scale=60 / 72, grayscale=True).to_pil().convert("L") for i in range(pages)]
    finally:
        pdf.close()
    buf = io.BytesIO()
    images[0].save(buf, "PDF", resolution=60.0, save_all=True, append_images=images[1:], quality=35)
    return buf.getvalue()


def _filter(options: dict[str, object]) -> str:
    typed = {
        k: {
            "type": "boolean" if isinstance(v, bool) else "long" if isinstance(v, int) else "string",
            "value": str(v).lower() if isinstance(v, bool) else str(v),
        }
        for k, v in options.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(typed, ensure_ascii=False)


# --------------------------------------------------------------------------- main


EXCERPT = (0, 1, 2, 3, 4)  # paragraphs of 000 in encrypted.pdf and restricted.pdf: title to 二、整改措施
QUOTES = (0, 2, 4, 8)  # paragraphs of 000 in quotes-western-font.pdf: title, 一、, 二、 and （四）深化“三水”系统保护治理


def main() -> int:
    OUT.mkdir(exist_ok=True)
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.is_file() and old.suffix in (".docx", ".pdf", ".html"):
            old.unlink()
    for stem, r in PLANS.items():
        plan = planparse.parse(HERE / f"{stem}.txt")
        raw, rows = build_docx(stem, plan, r)
        pdf = to_pdf(raw)
        pages = pdf_pages(pdf)
        final = page_breaks(raw, pages, r)
        if r.revisions:
            document = docx.Document(io.BytesIO(final))
            _revisions(document)
            buf = io.BytesIO()
            document.save(buf)
            final = _set_pages(buf.getvalue(), len(pages))
        (OUT / f"{stem}.docx").write_bytes(final)
        (OUT / f"{stem}.pdf").write_bytes(pdf)
        # only the "table" page moves the assignments into a table; the other pages keep them in the text
        drop = _table_rows(plan, r.table)[1] if r.html == "table" else set()
        suffix, page = build_html(plan, _paragraphs(plan, drop), rows if r.html == "table" else [], r)
        (OUT / f"{stem}.{suffix}").write_bytes(page)
        if stem.startswith("000_"):
            (FIXTURES / "scanned.pdf").write_bytes(scanned(pdf))
            excerpt = build_docx(stem, plan, r, only=EXCERPT)[0]
            (FIXTURES / "quotes-western-font.pdf").write_bytes(to_pdf(build_docx(stem, plan, r, only=QUOTES, hint=False)[0]))
        print(f"{stem}: {len(pages)} pages, {len(rows)} table rows", file=sys.stderr)
    (FIXTURES / "encrypted.pdf").write_bytes(to_pdf(excerpt, _filter({"EncryptFile": True, "DocumentOpenPassword": "planparse"})))
    (FIXTURES / "restricted.pdf").write_bytes(
        to_pdf(
            excerpt,
            _filter(
                {
                    "RestrictPermissions": True,
                    "PermissionPassword": "planparse",
                    "Printing": 0,
                    "Changes": 0,
                    "EnableCopyingOfContent": False,
                }
            ),
        )
    )
    for f in sorted(OUT.iterdir()):
        print(f"{f.stat().st_size:>9}  {f.name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
