"""The sample plans as DOCX, PDF and HTML must give what their TXT gives.

The renditions in samples/formats/ are written by samples/make_formats.py (see samples/README.md,
"Generated renditions"): each plan as a Word document the way an office writes one, the PDF
LibreOffice made from it, and one saved web page per HTML quirk; plus a scan without a text layer,
an encrypted PDF, a PDF with an owner password only, and a PDF whose “ ” are drawn in a Western
font. They are committed, so these tests need neither LibreOffice nor the network.

Each rendition is compared with its TXT by field, not by span: section level, marker and title;
task path, title, unit names per role and deadline kind and date; target indicator, comparator,
value and unit. Titles and names are compared with white space removed: PDF text extraction puts a
space where the font changes between CJK and Latin letters or digits ("PM2.5" → " PM2.5 ", "2020年"
→ "2020 年"), and the TXT samples carry such spaces from their own PDF origin (003: "到 2026 年").

Plans 003 and 004 carry their assignments as a 任务分工表 in the DOCX and PDF (and 003 in its
HTML page): the generator moved each item's 责任单位/配合单位/完成时限 (003) or 牵头单位/责任单位
(004) lines out of the body into one table row per task, with the item's title in 重点任务. Those
tasks are compared with the TXT's tasks on the same fields; what cannot be equal by construction
is not compared: spans, ``milestones`` (a table row has no prose, the TXT task's milestones come
from its body text) and task ids.

Known failures are marked ``xfail(strict=True)`` with the input, what happens and what should.
"""

from __future__ import annotations

import itertools
import re
import shutil
import zipfile
from functools import cache
from pathlib import Path

import pytest
from conftest import SAMPLES

import planparse
from planparse import InputError, Plan

pdfium = pytest.importorskip("pypdfium2")

FORMATS = SAMPLES / "formats"
FIXTURES = Path(__file__).parent / "fixtures"  # the scanned, encrypted and odd-font PDFs
P000, P001, P002, P003, P004 = (
    "000_58eff289fd67a2be",
    "001_3588264997f5548d",
    "002_f9cc23a53aad9a5a",
    "003_e7c703fe6ca54374",
    "004_438900912e87cf9d",
)
RENDITIONS = [
    f"{P000}.docx", f"{P000}.pdf", f"{P000}.gbk-meta.html",
    f"{P001}.docx", f"{P001}.pdf", f"{P001}.utf8-no-meta.html",
    f"{P002}.docx", f"{P002}.pdf", f"{P002}.debris.html",
    f"{P003}.docx", f"{P003}.pdf", f"{P003}.table.html",
    f"{P004}.docx", f"{P004}.pdf", f"{P004}.gb2312-br.html",
]  # fmt: skip
EXTRAS = ["scanned.pdf", "encrypted.pdf", "restricted.pdf", "quotes-western-font.pdf"]
TABLE_RENDITIONS = {f"{P003}.docx", f"{P003}.pdf", f"{P003}.table.html", f"{P004}.docx", f"{P004}.pdf"}
DOCX = [n for n in RENDITIONS if n.endswith(".docx")]
PDF = [n for n in RENDITIONS if n.endswith(".pdf")]
HTML = [n for n in RENDITIONS if n.endswith(".html")]
# what make_formats.py writes into each page header (the issuing office)
OFFICE = {
    P000: "互助土族自治县人民政府办公室",
    P001: "中共甘肃省委办公厅 甘肃省人民政府办公厅",
    P002: "XX县人民政府办公室",
    P003: "西宁市城中区人民政府办公室",
    P004: "回民区人民政府",
}

# ----------------------------------------------------------------------------- known failures


KNOWN: dict[tuple[str, str], str] = {
}


def _params(names: list[str], aspect: str) -> list[object]:
    out: list[object] = []
    for name in names:
        reason = KNOWN.get((name, aspect))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(name, id=name, marks=marks))
    return out


# ----------------------------------------------------------------------------- helpers

_WS = re.compile(r"\s+")
_ROLES = ("lead_units", "responsible_units", "cooperating_units")


def _sq(s: str | None) -> str:
    return _WS.sub("", s or "")


def _stem(name: str) -> str:
    return name.split(".")[0]


@cache
def _plan(name: str) -> Plan:
    return planparse.parse(FORMATS / name if (FORMATS / name).exists() else FIXTURES / name)


@cache
def _txt(stem: str) -> Plan:
    return planparse.parse(SAMPLES / f"{stem}.txt")


_FOOTER = re.compile(r"[-—－]?[0-9]{1,3}[-—－]?|第[0-9]+页共[0-9]+页")


@cache
def _pdf_pages(name: str) -> tuple[str, ...]:
    """Each page's text straight from PDFium, spaces, page header and footer removed: where text really is."""
    office = _sq(OFFICE.get(_stem(name), OFFICE[P000]))  # the extras are made from 000
    doc = pdfium.PdfDocument((FORMATS / name if (FORMATS / name).exists() else FIXTURES / name).read_bytes())
    try:
        pages = []
        for i in range(len(doc)):
            lines = [_sq(x) for x in doc[i].get_textpage().get_text_bounded().splitlines()]
            pages.append("".join(x for x in lines if x != office and not _FOOTER.fullmatch(x)))
        return tuple(pages)
    finally:
        doc.close()


def _sections(plan: Plan) -> list[tuple[int, str, str]]:
    # the renditions append the task table as an attachment (附件, make_formats.py), which the TXT lacks
    return [(s.level, s.marker, _sq(s.title)) for s in plan.iter_sections() if s.family != "annex"]


def _tasks(plan: Plan) -> list[tuple[object, ...]]:
    return [
        (
            tuple(t.path),
            _sq(t.title),
            *(tuple(_sq(u.name) for u in getattr(t, role)) for role in _ROLES),
            (t.deadline.kind, t.deadline.date) if t.deadline else None,
        )
        for t in plan.tasks
    ]


def _targets(plan: Plan) -> list[tuple[object, ...]]:
    return [(_sq(t.indicator), t.comparator, t.value, t.unit) for t in plan.targets]


def test_every_fixture_is_there() -> None:
    missing = [n for n in RENDITIONS if not (FORMATS / n).is_file()] + [n for n in EXTRAS if not (FIXTURES / n).is_file()]
    assert not missing, f"missing in {FORMATS}: {missing}; run `.venv/bin/python samples/make_formats.py` (needs LibreOffice)"
    total = sum(p.stat().st_size for p in FORMATS.iterdir() if p.is_file())
    assert total < 3_200_000, f"samples/formats/ holds {total} bytes: keep the committed fixtures small"


@pytest.mark.parametrize("name", RENDITIONS)
def test_format_and_source(name: str) -> None:
    plan = _plan(name)
    assert plan.source.format == name.rsplit(".", 1)[1]
    assert plan.source.path == str(FORMATS / name)


# ----------------------------------------------------------------------------- same plan as the TXT


@pytest.mark.parametrize("name", _params(RENDITIONS, "sections"))
def test_sections_match_txt(name: str) -> None:
    assert _sections(_plan(name)) == _sections(_txt(_stem(name)))


@pytest.mark.parametrize("name", _params(RENDITIONS, "tasks"))
def test_tasks_match_txt(name: str) -> None:
    """Every TXT task is there, in order, with the same path, title, units per role and deadline."""
    expected = _tasks(_txt(_stem(name)))
    assert expected or _stem(name) == P001  # 001 (a 督察整改方案) assigns no units in its text
    wanted = set(expected)
    got = [t for t in _tasks(_plan(name)) if t in wanted]
    assert got == expected


@pytest.mark.parametrize("name", _params(RENDITIONS, "extra_tasks"))
def test_no_tasks_beyond_the_txt(name: str) -> None:
    expected = set(_tasks(_txt(_stem(name))))
    extra = [t for t in _tasks(_plan(name)) if t not in expected]
    assert not extra, f"{len(extra)} tasks the TXT does not have, e.g. {extra[:3]}"


@pytest.mark.parametrize("name", _params(RENDITIONS, "milestones"))
def test_milestones_match_txt(name: str) -> None:
    """The dated commitments of each task, also where the units stand in a 任务分工表 at the end (003,
    004): a row's milestones are those of the section it names."""
    def milestones(plan: Plan) -> list[tuple[str, tuple[tuple[str, str | None], ...]]]:
        return [(_sq(t.title), tuple((m.kind, m.date) for m in t.milestones)) for t in plan.tasks]

    expected = milestones(_txt(_stem(name)))
    wanted = set(expected)
    assert [m for m in milestones(_plan(name)) if m in wanted] == expected


@pytest.mark.parametrize("name", _params(RENDITIONS, "targets"))
def test_targets_match_txt(name: str) -> None:
    assert _targets(_plan(name)) == _targets(_txt(_stem(name)))


@pytest.mark.parametrize("name", _params(RENDITIONS, "metadata"))
def test_metadata_matches_txt(name: str) -> None:
    # the debris page carries the CMS's own 发文日期 / 发布机构 fields, which the TXT lacks
    fields = {"title_span", "date", "issuer"} if "debris" in name else {"title_span"}
    got = _plan(name).metadata.model_dump(exclude=fields)
    want = _txt(_stem(name)).metadata.model_dump(exclude=fields)
    assert {k: _sq(v) if isinstance(v, str) else v for k, v in got.items()} == {
        k: _sq(v) if isinstance(v, str) else v for k, v in want.items()
    }


@pytest.mark.parametrize("name", sorted(TABLE_RENDITIONS))
def test_table_rows_are_the_tasks(name: str) -> None:
    """In the table renditions the body has no assignment lines: every unit comes from a 任务分工表 cell."""
    plan = _plan(name)
    assert plan.tasks
    rules = {u.rule for t in plan.tasks for role in _ROLES for u in getattr(t, role)}
    assert rules and all(r.startswith("table-") for r in rules), rules


@pytest.mark.parametrize("name", _params(sorted(TABLE_RENDITIONS), "links"))
def test_table_rows_link_to_their_sections(name: str) -> None:
    """Each row is linked to the section whose title its 重点任务 cell cites, as the TXT's task is."""
    plan = _plan(name)
    txt = _txt(_stem(name))
    by_title = {_sq(t.title): t.section_id for t in txt.tasks}
    unlinked = [t.title for t in plan.tasks if t.section_id is None]
    wrong = [(t.title, t.section_id) for t in plan.tasks if _sq(t.title) in by_title and t.section_id != by_title[_sq(t.title)]]
    assert not unlinked and not wrong, (unlinked[:3], wrong[:3])


# ----------------------------------------------------------------------------- spans


@pytest.mark.parametrize("name", [*RENDITIONS, "restricted.pdf"])
def test_every_span_maps_back(name: str) -> None:
    plan = _plan(name)
    text = plan.text
    bad = []
    for task in plan.tasks:
        assert 0 <= task.span.start <= task.span.end <= len(text)
        for role in _ROLES:
            for unit in getattr(task, role):
                if text[unit.span.start : unit.span.end].replace("\n", "") != unit.name:
                    bad.append((task.id, role, unit.name, unit.span.root))
        for d in ([task.deadline] if task.deadline else []) + task.milestones:
            if text[d.span.start : d.span.end] != d.raw:
                bad.append((task.id, "deadline", d.raw, d.span.root))
    for target in plan.targets:
        if text[target.span.start : target.span.end] != target.raw:
            bad.append(("target", target.raw, target.span.root))
    for sec in plan.iter_sections():
        if text[sec.title_span.start : sec.title_span.end] != sec.title:
            bad.append((sec.id, sec.title, sec.title_span.root))
        if not text.startswith(sec.marker, sec.span.start):
            bad.append((sec.id, "marker", sec.marker, sec.span.root))
    meta = plan.metadata
    if meta.title_span is not None:
        assert _sq(text[meta.title_span.start : meta.title_span.end]) == _sq(meta.title)
    assert not bad, f"{len(bad)} spans that do not give their text, e.g. {bad[:5]}"


# ----------------------------------------------------------------------------- PDF pages


def _page_of(pages: tuple[str, ...], key: str) -> set[int]:
    """1-based pages on which ``key`` (spaces removed) begins, also when it runs on to the next page."""
    found = set()
    for i, page in enumerate(pages):
        joined = page + (pages[i + 1] if i + 1 < len(pages) else "")
        at = joined.find(key)
        while 0 <= at < len(page):
            found.add(i + 1)
            at = joined.find(key, at + 1)
    return found


@pytest.mark.parametrize("name", PDF)
def test_pdf_page_count(name: str) -> None:
    assert _plan(name).source.pages == len(_pdf_pages(name))


@pytest.mark.parametrize("name", PDF)
def test_pdf_pages_in_range_and_in_order(name: str) -> None:
    plan = _plan(name)
    n = plan.source.pages
    assert n and n >= 2
    for kind, records in (("section", plan.iter_sections()), ("task", plan.tasks), ("target", plan.targets)):
        pages = [r.page for r in records]
        assert all(isinstance(p, int) and 1 <= p <= n for p in pages), (kind, pages)
        assert pages == sorted(pages), f"{kind} pages go backwards: {pages}"


@pytest.mark.parametrize("name", PDF)
def test_pdf_pages_hold_their_records(name: str) -> None:
    """Each record's page is the page where its text begins in PDFium's own page texts."""
    pages = _pdf_pages(name)
    plan = _plan(name)
    bad = []
    for sec in plan.iter_sections():
        if sec.page not in (where := _page_of(pages, _sq(sec.marker + sec.title)[:8])):
            bad.append((sec.marker + sec.title[:12], sec.page, where))
    for task in plan.tasks:
        if task.page not in (where := _page_of(pages, _sq(task.title)[:6])):
            bad.append((task.title[:12], task.page, where))
    for target in plan.targets:
        if target.page not in (where := _page_of(pages, _sq(target.raw)[:5])):
            bad.append((target.raw[:12], target.page, where))
    assert not bad, bad[:5]


# facts read off the rendered pages of the committed PDFs
KNOWN_PAGES = [
    (f"{P003}.pdf", "section", "三、", "主要任务", 2),
    (f"{P003}.pdf", "section", "（一）", "坚持以习近平生态文明思想凝心铸魂", 2),
    (f"{P003}.pdf", "task", "", "强化问题联动查处", 16),
    (f"{P003}.pdf", "task", "", "扎实开展大排查大整治工作", 16),
    (f"{P004}.pdf", "task", "", "深入推进碳达峰行动", 20),
    (f"{P004}.pdf", "task", "", "深入开展重点行业VOCs治理", 21),
]


@pytest.mark.parametrize(("name", "kind", "marker", "title", "page"), KNOWN_PAGES)
def test_known_pages(name: str, kind: str, marker: str, title: str, page: int) -> None:
    plan = _plan(name)
    if kind == "section":
        found = [s.page for s in plan.iter_sections() if s.marker == marker and s.title == title]
    else:
        found = [t.page for t in plan.tasks if _sq(t.title) == title]
    assert found == [page]


@pytest.mark.parametrize("name", PDF)
def test_pdf_running_headers_and_footers_removed(name: str) -> None:
    plan = _plan(name)
    office = _sq(OFFICE[_stem(name)])
    lines = [_sq(x) for x in plan.text.split("\n")]
    assert office not in lines
    assert not [x for x in lines if _FOOTER.fullmatch(x)]
    assert _sq(plan.text).count(office) == _sq(_txt(_stem(name)).text).count(office)


def test_pdf_fixtures_cut_rows_and_headings_by_page_breaks() -> None:
    """What the PDFs must exercise: a table row and a unit list cut by a page break, a repeated header row."""
    cut = (
        (f"{P003}.pdf", "坚决打好湟水河流域（城中段）水污染治理攻坚战，统筹水资源、水环境、水生态治理，持续改善水生态环境质量", 5),
        (f"{P004}.pdf", "大力实施PM2.5和O3协同控制", 3),
        (f"{P004}.pdf", "全面落实入河排污口排查整治专项行动,建立排污口监测体系,实施入河排污口精细化监管和规范化管理", 11),
    )
    for name, title, tail in cut:
        pages = _pdf_pages(name)
        pages = pages[next(i for i, p in enumerate(pages) if "重点任务分工表" in p) :]  # the table's pages only
        key = _sq(title)
        assert not any(key in p for p in pages), f"{title} is not cut by a page break in {name}"
        assert any(key[:-tail] in a and 0 <= b.find(key[-tail:]) < 60 for a, b in itertools.pairwise(pages))
    header = "序号重点任务责任单位配合单位完成时限"
    assert sum(p.count(header) for p in _pdf_pages(f"{P003}.pdf")) >= 3  # 003 repeats its header row
    assert sum(p.count("序号重点任务牵头单位责任单位") for p in _pdf_pages(f"{P004}.pdf")) == 1  # 004 does not


# ----------------------------------------------------------------------------- DOCX


def _xml(name: str, member: str = "word/document.xml") -> str:
    with zipfile.ZipFile(FORMATS / name) as zf:
        return zf.read(member).decode("utf-8")


@pytest.mark.parametrize("name", DOCX)
def test_docx_page_count_from_properties(name: str) -> None:
    assert re.search(r"<Pages>\d+</Pages>", _xml(name, "docProps/app.xml"))
    assert _plan(name).source.pages == _plan(name.replace(".docx", ".pdf")).source.pages


@pytest.mark.parametrize("name", DOCX)
def test_docx_headers_and_footers_excluded(name: str) -> None:
    plan = _plan(name)
    with zipfile.ZipFile(FORMATS / name) as zf:
        header = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/header"))
        footer = "".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("word/footer"))
    office = OFFICE[_stem(name)]
    assert office in header and "PAGE" in footer  # the fixture has them
    assert plan.text.count(office) == _txt(_stem(name)).text.count(office)


def test_docx_automatic_numbering_is_rendered() -> None:
    """002's headings are written without markers and numbered by Word (一、 / （一） / 1.)."""
    name = f"{P002}.docx"
    xml = _xml(name)
    numbered = re.findall(r"<w:p>(?:(?!</w:p>).)*?<w:numPr>.*?</w:p>", xml, flags=re.S)
    assert len(numbered) == len(_txt(P002).iter_sections())
    texts = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p)) for p in numbered]
    assert not [t for t in texts if re.match(r"[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|[0-9]+\.", t)]
    numbering = _xml(name, "word/numbering.xml")
    for fmt, text in (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")):
        assert f'<w:numFmt w:val="{fmt}"/>' in numbering and f'<w:lvlText w:val="{text}"/>' in numbering
    assert [s.marker for s in _plan(name).iter_sections()][:5] == ["一、", "二、", "（一）", "（二）", "1."]


def test_docx_revisions_and_comments() -> None:
    name = f"{P001}.docx"
    xml = _xml(name)
    deleted = re.search(r"<w:delText>([^<]+)</w:delText>", xml)
    inserted = re.search(r"<w:ins [^>]*>.*?<w:t[^>]*>([^<]+)</w:t>", xml, flags=re.S)
    comment = re.search(r"<w:t>([^<]+)</w:t>", _xml(name, "word/comments.xml"))
    assert deleted and inserted and comment and "<w:commentReference" in xml
    text = _plan(name).text
    assert deleted.group(1) not in text
    assert inserted.group(1) in text
    assert comment.group(1) not in text and "省生态环境厅" not in text


def _docx_pages(name: str) -> list[tuple[int, str]]:
    """(page, text) of each paragraph, pages counted from w:lastRenderedPageBreak, where Word marks each page's start."""
    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = etree.fromstring(_xml(name).encode("utf-8"))
    out = []
    page = 1
    for p in root.iter(f"{w}p"):
        start, seen = page, ""
        for el in p.iter(f"{w}t", f"{w}lastRenderedPageBreak"):
            if el.tag == f"{w}t":
                seen += el.text or ""
            else:
                page += 1
                if not _sq(seen):
                    start = page  # the paragraph begins on the new page
        out.append((start, _sq(seen)))
    return out


_DOCX_PAGES_KNOWN: dict[str, str] = {}  # none known: an explicit page break and Word's rendered break after it are one page


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=[pytest.mark.xfail(strict=True, reason=_DOCX_PAGES_KNOWN[n])] if n in _DOCX_PAGES_KNOWN else []) for n in DOCX]
)
def test_docx_sections_have_pages(name: str) -> None:
    paras = _docx_pages(name)
    assert max(p for p, _ in paras) == _plan(name).source.pages  # the fixture's breaks agree with its page count
    bad = []
    for sec in _plan(name).iter_sections():
        key = _sq(sec.title)[:6]
        where = {p for p, t in paras if key and key in t[:40]}
        if sec.page not in where:
            bad.append((sec.marker + sec.title[:10], sec.page, where))
    assert not bad, bad[:5]


# ----------------------------------------------------------------------------- HTML


def test_html_navigation_scripts_styles_footer_removed() -> None:
    text = _plan(f"{P002}.debris.html").text
    for debris in (
        "当前位置",
        "首页",
        "政务服务",
        "无障碍",
        "请输入关键字",
        "县政府办文件",
        "_hmt",
        "font-family",
        "jquery",
        "$(function",
        "分享到",
        "相关链接",
        "网站标识码",
        "版权所有",
        "ICP备",
    ):
        assert debris not in text, debris


def test_html_article_furniture_removed() -> None:
    plan = _plan(f"{P002}.debris.html")
    assert "浏览次数" not in plan.text and "打印本页" not in plan.text and "关闭窗口" not in plan.text
    # the page's labelled fields are read: 发文日期 and 发布机构
    assert plan.metadata.date == "2019-03-12" and plan.metadata.issuer == "XX县人民政府办公室"


def test_html_fixture_encodings() -> None:
    gbk = (FORMATS / f"{P000}.gbk-meta.html").read_bytes()
    gb2312 = (FORMATS / f"{P004}.gb2312-br.html").read_bytes()
    utf8 = (FORMATS / f"{P001}.utf8-no-meta.html").read_bytes()
    for data in (gbk, gb2312):
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    assert b'<meta charset="gbk">' in gbk
    assert b'content="text/html; charset=gb2312"' in gb2312 and b"<br>" in gb2312
    assert b"charset" not in utf8.lower()
    assert b"<table" in (FORMATS / f"{P003}.table.html").read_bytes()


def test_html_gbk_without_declaration(tmp_path: Path) -> None:
    """The GBK page with its meta tag removed: the encoding is found by trial."""
    data = (FORMATS / f"{P000}.gbk-meta.html").read_bytes().replace(b'<meta charset="gbk">\n', b"")
    assert b"charset" not in data
    path = tmp_path / "page.html"
    path.write_bytes(data)
    plan = planparse.parse(path)
    assert _sections(plan) == _sections(_txt(P000)) and _tasks(plan) == _tasks(_txt(P000))


# ----------------------------------------------------------------------------- format by content


@pytest.mark.parametrize(
    ("name", "wrong"),
    [
        (f"{P000}.docx", "plan.pdf"),
        (f"{P000}.pdf", "plan.docx"),
        (f"{P001}.utf8-no-meta.html", "plan.txt"),
        (f"{P004}.gb2312-br.html", "plan.doc"),
    ],
)
def test_format_detected_by_content(tmp_path: Path, name: str, wrong: str) -> None:
    path = tmp_path / wrong
    shutil.copyfile(FORMATS / name, path)
    plan = planparse.parse(path)
    assert plan.source.format == _plan(name).source.format
    assert _sections(plan) == _sections(_plan(name)) and _tasks(plan) == _tasks(_plan(name))


# ----------------------------------------------------------------------------- unreadable and odd PDFs


def test_scanned_pdf_has_no_text_layer() -> None:
    path = FIXTURES / "scanned.pdf"
    doc = pdfium.PdfDocument(path.read_bytes())
    try:  # the fixture: two pages, images only
        assert len(doc) == 2 and not any(doc[i].get_textpage().get_text_bounded().strip() for i in range(2))
    finally:
        doc.close()
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert info.value.code == "no-text-layer"
    assert "2 page" in str(info.value) and str(path) in str(info.value)


def test_encrypted_pdf_says_so() -> None:
    path = FIXTURES / "encrypted.pdf"
    data = path.read_bytes()
    assert b"/Encrypt" in data
    assert len(pdfium.PdfDocument(data, password="planparse")) >= 1  # the fixture opens with its password
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert info.value.code == "encrypted"
    assert "encrypted" in str(info.value) and str(path) in str(info.value)


def test_owner_password_only_pdf_reads() -> None:
    """Permissions only (no copying, no printing): opens without a password, like most published plans."""
    data = (FIXTURES / "restricted.pdf").read_bytes()
    assert b"/Encrypt" in data
    plan = _plan("restricted.pdf")
    want = _sections(_txt(P000))[:2]
    assert _sections(plan) == want and [m for _, m, _ in want] == ["一、", "二、"]


def test_quotes_in_a_western_font_stay_in_place() -> None:
    plan = _plan("quotes-western-font.pdf")
    txt = _txt(P000)
    want = [s for s in _sections(txt) if s[1] in ("一、", "二、") or s[2].startswith("深化")]
    assert _sections(plan) == want
    assert [t for t in _tasks(plan) if t[1].startswith("深化")] == [t for t in _tasks(txt) if t[1].startswith("深化")]


def test_pdf_marks_indented_first_lines() -> None:
    """PDFium drops the first-line indent of a paragraph; the loader puts it back (　　) from the
    characters' positions, and only there: wrapped continuation lines start at the margin."""
    pytest.importorskip("pypdfium2")
    from planparse.loaders import load

    lines = load(FORMATS / "004_438900912e87cf9d.pdf", None, None).text.split("\n")
    indented = [x for x in lines if x.startswith("\u3000\u3000")]
    assert any(x[2:].startswith(("（一）", "(一)")) for x in indented)
    assert 0.05 < len(indented) / len([x for x in lines if x.strip()]) < 0.6


# ----------------------------------------------------------------------------- Word layouts as PDF

# tests/fixtures/make_layouts.py, make_spaced.py and make_renditions.py say what each holds
LAYOUTS = ["layout-digits", "layout-table", "layout-cells", "layout-categories", "layout-units", "layout-spaced", "layout-unruled", "layout-punct"]


def _everything(plan: Plan) -> dict[str, object]:
    return {
        "sections": _sections(plan),
        "tasks": _tasks(plan),
        "milestones": [[(m.kind, m.date) for m in t.milestones] for t in plan.tasks],
        "targets": [(*t, g.year) for t, g in zip(_targets(plan), plan.targets, strict=True)],
    }


@pytest.mark.parametrize(
    ("name", "aspects"),
    [
        ("layout-digits", ("sections", "tasks", "milestones", "targets")),
        # rows that the table's page breaks cut in two are read whole
        ("layout-table", ("sections", "tasks", "targets")),
        # a blank cell in a PDF's ruled table stays blank, as in Word
        ("layout-cells", ("sections", "tasks", "milestones", "targets")),
        # rows cut under a category merged down the first column, the last row alone on the last page
        ("layout-categories", ("sections", "tasks", "milestones", "targets")),
        # a unit a line in narrow cells, by paragraphs and by soft line breaks
        ("layout-units", ("sections", "tasks", "milestones", "targets")),
        # characters spaced out: the spaces a PDF reader puts in every gap are layout
        ("layout-spaced", ("sections", "tasks", "milestones", "targets")),
        # a task table drawn without rules, over two pages, a unit cell merged down over two rows
        ("layout-unruled", ("sections", "tasks", "milestones", "targets")),
        # half-width ( ) / “ ” beside Chinese on the 公文 page grid: the gap the PDF shows is layout
        ("layout-punct", ("sections", "tasks", "milestones", "targets")),
    ],
)
def test_word_layouts_read_the_same_as_pdf(name: str, aspects: tuple[str, ...]) -> None:
    """The PDF of a Word document gives the document's plan: lines of wide digits that reach the
    margin, a number run set on its own line and a task table wider than the body all wrap as the
    PDF's character boxes show; a row's milestones come from its section in both."""
    docx_plan, pdf_plan = (_everything(planparse.parse(FIXTURES / f"{name}.{ext}")) for ext in ("docx", "pdf"))
    assert {a: pdf_plan[a] for a in aspects} == {a: docx_plan[a] for a in aspects}


def test_word_layouts_hold_what_they_were_made_for() -> None:
    digits = planparse.parse(FIXTURES / "layout-digits.pdf")
    assert [(g.indicator, g.year) for g in digits.targets][:2] == [("养老保险单位费率", 2022), ("失业保险单位费率", 2022)]
    assert {u.name for t in digits.tasks for u in t.lead_units} == {"区人社局", "区财政局"}
    table = planparse.parse(FIXTURES / "layout-table.pdf")
    # a wrapped title reads whole (and ends before its trailing ，)
    assert all(s.title.endswith("持续深化改革持续优化营商环境，完善企业服务机制，加强部门协同配合") for s in table.iter_sections() if s.level == 2)
    cells = planparse.parse(FIXTURES / "layout-cells.docx")  # Word marks merged cells: a blank one is blank
    assert [([u.name for u in t.lead_units], [u.name for u in t.cooperating_units], t.deadline is None) for t in cells.tasks] == [
        (["市财政局"], ["市商务局", "市住房城乡建设局"], False),
        ([], ["市政府办公室"], True),
        (["市委宣传部"], [], False),
    ]
    spaced = planparse.parse(FIXTURES / "layout-spaced.pdf")
    assert len(spaced.targets) == 8 and "第一章\u3000总体要求" in spaced.text and "委员会\u3000\u3000某某市" in spaced.text  # meant spaces stay
    pdf_cells = planparse.parse(FIXTURES / "layout-cells.pdf")  # a unit a line in a ruled cell
    assert [u.name for u in pdf_cells.tasks[0].cooperating_units] == ["市商务局", "市住房城乡建设局"]


def test_a_task_table_without_rules_is_read_by_its_columns() -> None:
    """A 任务分工表 whose borders are off reads from the PDF as words where the columns stand: one task a
    row, over the page break and under the header Word repeats; a unit cell merged down over two rows
    wraps into the second row's line (省发展改革委、省 / 工业和信息化厅) and stands for both rows."""
    plan = planparse.parse(FIXTURES / "layout-unruled.pdf")
    assert len(plan.tasks) == 14 and len({t.page for t in plan.tasks}) >= 2
    assert [[u.name for u in t.responsible_units] for t in plan.tasks[2:5]] == [
        ["省发展改革委", "省工业和信息化厅"],
        ["省发展改革委", "省工业和信息化厅"],
        ["区县5人民政府"],
    ]


def test_half_width_marks_beside_chinese_close_up_in_a_pdf() -> None:
    """PDFium and pdfplumber put a space in the gap a half-width mark leaves in its grid cell: ( 一),
    25微克/ 立方米, “ 十四五”. It is layout: the markers, units and indicators read as in Word."""
    plan = planparse.parse(FIXTURES / "layout-punct.pdf")
    assert [s.marker for s in plan.iter_sections()] == ["一、", "(一)", "(二)", "二、", "(一)", "(二)"]
    assert ("细颗粒物浓度", 25.0, "微克/立方米") in [(g.indicator, g.value, g.unit) for g in plan.targets]
    assert "“十四五”期间" in plan.text and "县(市、区)农药" in plan.text


@pytest.mark.parametrize("ext", ["docx", "pdf"])
def test_a_unit_a_line_in_a_cell_is_a_list(ext: str) -> None:
    """Units a line in a cell, by paragraphs or soft line breaks (Shift+Enter), are a list; in the PDF
    a line that reaches the column's edge wraps on unless it ends a unit's name and a name follows
    (市生态环境局 / 市应急局 in a column six characters wide); a name or a date that the column
    wraps (区市政公用服 / 务中心, 2024年12月 / 底前) is one."""
    plan = planparse.parse(FIXTURES / f"layout-units.{ext}")
    assert [([u.name for u in t.lead_units], [u.name for u in t.responsible_units], t.deadline.raw if t.deadline else None) for t in plan.tasks] == [
        (["市工信局", "市科技局"], ["市生态环境局", "市应急局", "市市场监管局"], "2024年底前"),
        (["市农业农村局"], ["市水利局", "市林业局", "市自然资源局", "市财政局", "市审计局"], "2025年底前"),
        (["区市政公用服务中心"], ["市发展改革委", "市财政局", "市商务局", "市市场监管局"], "2024年12月底前"),
        (["区工信局", "区发展改革局"], ["区生态环境分局", "区统计局"], "2024年12月底前"),
        (["市公安局", "市交通运输局"], ["市司法局", "市城管局"], "持续推进"),
        (["市营商环境建设局"], ["市住房城乡建设局", "市人力资源社会保障局"], "2025年6月底前"),
    ]
