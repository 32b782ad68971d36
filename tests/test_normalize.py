"""planparse.normalize: the named steps (newlines, noise, rejoin) and the offset map back to the raw text.

Inputs are small snippets in the shapes the samples show (CRLF web exports, ``**`` bold from
Markdown-ish pages, page footers ``— 3 —``, web debris, paragraphs cut by page breaks), plus
the samples themselves for the offset map.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REALPLAN_PATHS, SAMPLE_PATHS

from planparse.normalize import _ODD_SPACES, normalize

FLAT = (
    "二、任务分工\n序号\n重点任务\n牵头单位\n完成时限\n1\n推进老旧小区改造，提升居住品质\n县住建局\n2024年底前\n"
    "2\n开展农村人居环境整治，改善村容村貌\n县农业农村局\n持续推进"
)
# a web page's cells each ending in " |"
FLAT_BARS = "序号 |\n重点工作 |\n责任单位 |\n完成时限 |\n1 |\n推进园区空间再造，盘活存量土地 |\n改革办 |\n全年 |\n2 |\n提升园区承载能力 |\n规划建设局 |\n全年 |"

CASES: list[tuple[str, str, str]] = [
    ("crlf", "一、总体要求\r\n（一）加强领导\r\n", "一、总体要求\n（一）加强领导"),
    ("lone-cr", "一、总体要求\r（一）加强领导", "一、总体要求\n（一）加强领导"),
    ("bold-marks", "**一、总体要求**\n**（一）**加强领导", "一、总体要求\n（一）加强领导"),
    ("bom-zero-width-spaces", "\ufeff\u3000\u3000一、总体要求  \n（一）加\u200b强领导", "一、总体要求\n（一）加强领导"),
    ("blank-lines-between-headings", "一、总体要求\n\n\n（一）加强领导", "一、总体要求\n（一）加强领导"),
    ("footer-dash", "一、总体要求\n— 3 —\n（一）加强领导", "一、总体要求\n（一）加强领导"),
    ("footer-fullwidth-dash", "一、总体要求\n－ 12 －\n（一）加强领导", "一、总体要求\n（一）加强领导"),
    ("web-font-print", "区政府办公室文件 字体(    )  打印\n一、总体要求", "一、总体要求"),
    ("web-login", "账号+密码登录\n还没有账号?\n一、总体要求", "一、总体要求"),
    ("page-break-mid-word", "（一）加强领导。坚持生态优先，不\n\n断健全体系。", "（一）加强领导。坚持生态优先，不断健全体系。"),
    (
        "page-break-with-footer",
        "全面推进生态环境保护工作，持续改善区域生态环境质量，切实解决突出生态环境问题，不\n\n— 3 —\n\n断提升人民群众获得感。",
        "全面推进生态环境保护工作，持续改善区域生态环境质量，切实解决突出生态环境问题，不断提升人民群众获得感。",
    ),
    ("pdf-gaps-between-chinese-and-latin", "到 2025 年，建设 5G 基站 1000 座，占比 31.48% 以上", "到2025年，建设5G基站1000座，占比31.48%以上"),
    ("gaps-kept-between-latin-words-and-after-markers", "1. 采用 Microsoft Word 格式\n（一） 加强领导", "1. 采用Microsoft Word格式\n（一） 加强领导"),
    ("label-unit-cut", "责任单位：区生态环境局、区市政公用服务\n\n中心", "责任单位：区生态环境局、区市政公用服务中心"),
    ("label-unit-cut-after-comma", "牵头单位：区住建局，区交通运\n输局", "牵头单位：区住建局，区交通运输局"),
    ("heading-then-body", "一、总体要求\n坚持生态优先，推进绿色发展", "一、总体要求\n坚持生态优先，推进绿色发展"),
    (
        "full-stop-ends-paragraph",
        "各乡镇要加强统筹，落实主体责任。\n各部门要密切配合",
        "各乡镇要加强统筹，落实主体责任。\n各部门要密切配合",
    ),
    (
        "title-then-body",
        "城中区巩固提升生态环境保护成效三年行动实施方案\n为深入贯彻落实党中央决策部署，制定本方案",
        "城中区巩固提升生态环境保护成效三年行动实施方案\n为深入贯彻落实党中央决策部署，制定本方案",
    ),
    (
        "label-line-stays",
        "（一）加强领导\n牵头单位：区住建局\n责任单位：七办一镇",
        "（一）加强领导\n牵头单位：区住建局\n责任单位：七办一镇",
    ),
    # a task table flattened one cell per line (extract/flat_tables.py): its lines are cells, none the
    # wrapped rest of the one before it, though a task cell has no 。; prose after it joins as before
    (
        "flat-table-cells-stay-apart",
        FLAT + "\n各单位要按时报送材料，不\n断健全体系。",
        FLAT + "\n各单位要按时报送材料，不断健全体系。",
    ),
    ("flat-table-bar-marked-cells", FLAT_BARS, FLAT_BARS),
    # a bracket a web copy left open (a document number cut short, a teaser's "(管委会…") takes in no
    # more lines than the one that closes it: before, the addressees and the notice's body ran into it
    (
        "stray-open-bracket-takes-no-more-lines",
        "某县人民政府办公室文件\n某政办发〔202346\n各乡镇人民政府，县直各部门：\n经县政府同意，现将方案印发给你们，请认真贯彻执行。",
        "某县人民政府办公室文件\n某政办发〔202346\n各乡镇人民政府，县直各部门：\n经县政府同意，现将方案印发给你们，请认真贯彻执行。",
    ),
    # guard: a bracket closed on the next line still joins it
    ("open-bracket-closed-on-the-next-line", "推进老旧小区改造（含城中村\n改造项目），提升居住品质。", "推进老旧小区改造（含城中村改造项目），提升居住品质。"),
    # a web copy typed in half-width punctuation ends its sentence with "." (before: the next paragraph ran on)
    (
        "half-width-full-stop-ends-a-paragraph",
        "现将方案印发给你们,请认真贯彻落实.\n开展社区服务设施建设是重大民生工程,要抓好落实。",
        "现将方案印发给你们,请认真贯彻落实.\n开展社区服务设施建设是重大民生工程,要抓好落实。",
    ),
    # a document-sharing site's page sets a Cyrillic Р for each paragraph break (before: one paragraph,
    # no heading found)
    (
        "pilcrow-look-alike-breaks-paragraphs",
        "加强领导。Р二、实施步骤Р（一）宣传发动阶段（3月）Р各单位广泛宣传。",
        "加强领导。\n二、实施步骤\n（一）宣传发动阶段（3月）\n各单位广泛宣传。",
    ),
    # the imprint (版记) after a body that ends with a unit list: its copy-to line is no more units
    (
        "imprint-copy-to-after-a-label-line",
        "牵头单位：县卫健委\n配合单位：各乡镇人民政府，县直有关部门\n\n抄送：县委各部门，县法院。\n某县人民政府办公室　　2022年1月5日印发",
        "牵头单位：县卫健委\n配合单位：各乡镇人民政府，县直有关部门\n抄送：县委各部门，县法院。\n某县人民政府办公室　　2022年1月5日印发",
    ),
]


@pytest.mark.parametrize(("raw", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw).text == expected


def test_page_break_rejoin_short_paragraph() -> None:
    norm = normalize("一、总体要求\r\n\r\n坚持生态优先，不\n\n断健全体系。\r\n— 3 —\r\n")
    assert norm.text == "一、总体要求\n坚持生态优先，不断健全体系。"


def test_dropped_lines_name_their_rules() -> None:
    norm = normalize("一、总体要求\n— 3 —\n区政府办公室文件 字体(    )  打印\n账号+密码登录\n第3页 共10页\n（一）加强领导")
    assert norm.dropped == ["page-footer-dash", "web-font-print", "web-login", "page-x-of-y"]


def test_noise_inside_a_sentence_is_kept() -> None:
    text = "加大字体宣传力度，推进二维码支付的便民措施。"
    assert normalize(text).text == text


def _offset_params() -> list[object]:
    return [pytest.param(p, id=p.name) for p in SAMPLE_PATHS + REALPLAN_PATHS]


@pytest.mark.parametrize("path", _offset_params())
def test_to_raw_maps_every_character(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    norm = normalize(raw)
    raw = raw.translate(_ODD_SPACES)  # a no-break space reads as a plain one, one character for one
    bad = [(i, norm.text[i]) for i in range(len(norm.text)) if norm.text[i] != "\n" and raw[norm.to_raw(i)] != norm.text[i]]
    assert not bad, f"{len(bad)} characters map to a different raw character, e.g. {bad[:5]}"
    offsets = [norm.to_raw(i) for i in range(len(norm.text))]
    assert offsets == sorted(offsets) and len(set(offsets)) == len(offsets), "to_raw must be strictly increasing"




@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p.name) for p in SAMPLE_PATHS + REALPLAN_PATHS]
)
def test_to_raw_maps_paragraph_breaks_to_line_breaks(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    norm = normalize(raw)
    bad = [(i, raw[norm.to_raw(i)]) for i in range(len(norm.text)) if norm.text[i] == "\n" and raw[norm.to_raw(i)] not in "\r\n"]
    assert not bad, f"{len(bad)} paragraph breaks map to a non-line-break raw character, e.g. {bad[:5]}"


@pytest.mark.parametrize(
    "raw",
    [
        "\u3000\u3000一、总体要求  \n\ufeff（一）加\u200b强领导",
        "**一、总体要求**\n**（一）**加强领导",
        "  **一、**总体\r\n\r\n  要求",
        "\u200b\u3000x**y**",
        "一、总体要求\n加快新型基础设施建设，全市累计建成 \u200b \n5G 基站 1000 座。",  # a dropped char among trailing spaces, then gaps closed
    ],
)
def test_to_raw_across_dropped_characters(raw: str) -> None:
    norm = normalize(raw)
    for i, ch in enumerate(norm.text):
        if ch != "\n":
            assert raw[norm.to_raw(i)] == ch, (i, ch, norm.to_raw(i))


def test_to_raw_shifts_past_crlf() -> None:
    raw = "一、总体要求\r\n\r\n（一）加强领导"
    norm = normalize(raw)
    i = norm.text.index("（")
    assert norm.to_raw(i) == raw.index("（")


def _paragraphs(lines: list[str]) -> list[str]:
    """The normalised paragraphs of text given as lines (a PDF's or pdftotext's wrapped lines)."""
    return normalize("\n".join(lines)).text.split("\n")


def test_indented_paragraphs_decide_where_wrapped_text_breaks() -> None:
    """PDF text marks each paragraph's indented first line (the loader adds 　　): an unindented line
    after a full one continues the paragraph even after a 。, and a block on its own line stays
    with its sentence; an indented line still starts a new paragraph."""
    lines = [
        "\u3000\u3000（一）加强监管。建立健全生态环境监管",  # 18 + 2 indent: full width
        "体系，完善监测网络，推进执法能力建设。",
        "（责任单位：县生态环境局）强化执法检查，",
        "严厉打击各类环境违法行为，依法查处案件。",
        "对重点排污单位开展全覆盖检查，确保达标。",
        "\u3000\u3000（二）完善制度。健全生态环境保护制",
        "度体系，落实生态环境损害赔偿制度改革，",
        "推进排污许可制度全面实施，提高管理水平。",
        "\u3000\u3000（三）加强保障。加大财政投入力度，",
        "确保各项任务落实到位，按期完成目标任务。",
    ]
    paragraphs = _paragraphs(lines)
    assert len(paragraphs) == 3, paragraphs
    assert paragraphs[0].startswith("（一）") and "（责任单位：县生态环境局）强化执法检查" in paragraphs[0]
    assert paragraphs[0].endswith("确保达标。")


def _with_margin(lines: list[str]) -> list[str]:
    """``_paragraphs`` of ``lines`` followed by 8 full lines that set the right margin at 24 cells."""
    full = "积极推进生态环境治理体系和治理能力现代化建设工作"  # 24 characters: the right margin
    return _paragraphs([*lines, *[full + "。"] * 8])


def test_wrapped_heading_line_joins_the_tail_that_ends_its_sentence() -> None:
    """pdftotext keeps the PDF's line wraps: a numbered item that fills the line and has no
    punctuation runs on into a shorter line that ends its sentence; a line never starts with ，."""
    paragraphs = _with_margin(
        [
            "（一）符合国家产业政策和本区产业发展规划要求；",
            "（二）一年内未因社会危害性较大的违法行为被处予安",
            "全生产行政处罚且未发生较大事故的；",
            "（三）积极推动制定《辽宁省海砂资源鉴定标准规范》",
            "，为打击非法开采海砂行为提供重要依据。",
        ]
    )
    assert "（二）一年内未因社会危害性较大的违法行为被处予安全生产行政处罚且未发生较大事故的；" in paragraphs
    assert "（三）积极推动制定《辽宁省海砂资源鉴定标准规范》，为打击非法开采海砂行为提供重要依据。" in paragraphs


def test_heading_line_with_body_run_in_joins_its_wrap_short_of_the_margin() -> None:
    """A numbered item whose title ended (。) and whose body runs on in the same line goes on in the
    next line when it stops mid-word, even short of the margin (digits and spaces in pdftotext's
    lines make them look shorter than they are): "…技术成果目" + "录，面向社会…"."""
    paragraphs = _with_margin(["（二）强化科技支撑。10 月底前发布成果目", "录，面向社会进行推广和转化。", "（三）加强组织领导", "各地要建立工作机制。"])
    assert "（二）强化科技支撑。10月底前发布成果目录，面向社会进行推广和转化。" in paragraphs
    assert "（三）加强组织领导" in paragraphs


def test_pdftotext_wraps_without_indents() -> None:
    """pdftotext drops the first-line indents; what still tells a paragraph's wrap from its end:
    - a paragraph's first lines end about 2 cells short of the margin (the indent they had), so a
      line that reaches the margin continues the paragraph above, even after a 。;
    - an assignment block wrapped to a line's start closes the sentence the full line above cut off;
    - a quote left open at a line's end (a glyph in another font ends pdftotext's line) runs on;
    - a heading at its first line's full width goes on into a line that opens with a bracket."""
    full = "积极推进生态环境治理体系和治理能力现代化建设工"  # 23 characters + 。: the right margin
    first = "加强生态环境保护和建设工作，全面推进各项工作"  # 22: a paragraph's first line, 2 cells short
    lines = [
        "（一）加强目标考核。分解国家下达我省的碳排放强",
        "度目标任务，持续降低碳排放强度，严格控制碳排放增",
        "量，确保完成国家下达的碳排放强度下降目标任务。",
        "积极推动将碳排放强度相关目标纳入全省高质量发展考核",
        "（责任部门：综合处）。",
        "（二）完善统计核算体系。健全碳排放统计核算制度",
        "体系，推动重点行业企业碳排放核算工作全面开展，",
        "（责任部门：气候处，完成期限：2022 年四季度）。",
        "（三）提升生态系统碳汇能力。“十",
        "四五”期间完成森林抚育 300 万亩。",
        "（四）对采用合同能源管理模式建设项目的应用方",
        "（屋顶方）给予一次性补贴，补贴标准为每瓦 0.2 元。",
        *[first, full + "。", "各地要认真落实。"] * 4,
    ]
    paragraphs = _paragraphs(lines)
    assert paragraphs[0].startswith("（一）") and paragraphs[0].endswith("下降目标任务。积极推动将碳排放强度相关目标纳入全省高质量发展考核（责任部门：综合处）。")
    assert paragraphs[1] == "（二）完善统计核算体系。健全碳排放统计核算制度体系，推动重点行业企业碳排放核算工作全面开展，（责任部门：气候处，完成期限：2022年四季度）。"
    assert paragraphs[2] == "（三）提升生态系统碳汇能力。“十四五”期间完成森林抚育300万亩。"
    assert paragraphs[3].startswith("（四）对采用合同能源管理模式建设项目的应用方（屋顶方）给予")
    assert paragraphs[4:6] == [first + full + "。", "各地要认真落实。"]


def test_no_break_spaces_read_as_plain_spaces() -> None:
    """Web pages put a no-break space after a marker ("1.\\xa0申报"): it is a space, one for one."""
    raw = "一、总则\n1.\xa0申报材料要齐全。"
    norm = normalize(raw)
    assert norm.text == "一、总则\n1. 申报材料要齐全。"
    assert len(norm.text) == len(raw)


def test_addressee_line_ends_at_its_colon() -> None:
    """A notice's addressee line (各区县人民政府，市政府各部门，有关单位：) is followed by the body, even
    where the PDF text shows the body's first line unindented; a label's colon still runs on."""
    lines = [
        "各区县（自治县）人民政府，市政府各部门，有关单位：",  # 24: full width
        "《重庆市提振消费若干措施》已经市政府同意，现印发给",
        "你们，请认真贯彻执行。",
        "\u3000\u3000（一）加强监管。建立健全生态环境监管体系",
        "完善监测网络，推进执法能力建设，强化执法检查。",
        "\u3000\u3000（二）完善制度。健全生态环境保护制度体系",
        "落实生态环境损害赔偿制度改革，推进排污许可。",
        "\u3000\u3000（三）加强保障。加大财政投入力度，确保各",
        "项任务落实到位，按期完成目标任务，务求实效。",
        "\u3000\u3000（四）强化考核。把任务完成情况纳入考核，",
    ]
    paragraphs = _paragraphs(lines)
    assert paragraphs[0] == "各区县（自治县）人民政府，市政府各部门，有关单位："
    assert paragraphs[1].startswith("《重庆市提振消费若干措施》")


def test_unit_list_wrapped_after_a_bracket_inside_a_name_runs_on() -> None:
    """"…，各县（市、区）" + "人民政府": the closing bracket is the name's, not the end of a block."""
    text = normalize("四、保障措施\n责任单位：市委宣传部，市发改委、科协，各县（市、区）\n人民政府\n五、附则").text
    assert "责任单位：市委宣传部，市发改委、科协，各县（市、区）人民政府" in text.split("\n")
    text = normalize("（一）加强领导。（牵头单位：县生态环境局）\n（二）完善制度。").text
    assert text.split("\n")[0] == "（一）加强领导。（牵头单位：县生态环境局）"
