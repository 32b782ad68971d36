"""The decimal outline (1 总则, 1.1 编制目的, 2.1.1 …) read over a whole 应急预案.

The phrase rows in cases/headings.toml (`decimal/…`, `not/decimal-…`) check each form and near-miss
alone; here one plan written for this test (no real plan's text) holds them together: a notice
before it, numbered points and （1） items inside subsections, a list of units numbered 1 2 3, figures
(1.5万亩, 2024.12), a reference (见4.2节), a chapter with no subsections, and an attachment list. The
same plan is also read as a PDF gives it: a space between each number and its title, and the
ideographic indent of body paragraphs.
"""

from __future__ import annotations

import re

import planparse

_NUMBERED = re.compile(r"[0-9（]")
_OUTLINE_SPACE = re.compile(r"(?m)^([0-9][0-9.]*) ")

PLAN = """某县人民政府办公室关于印发某县防汛应急预案的通知
各乡镇人民政府，县政府各部门：
《某县防汛应急预案》已经县政府同意，现印发给你们，请认真贯彻执行。
某县防汛应急预案
1 总则
1.1 编制目的
为做好全县防汛工作，最大程度减少洪涝灾害损失，制定本预案。
1.2 工作原则
1.坚持人民至上、生命至上。
2.坚持预防为主、防抗救相结合。
2 组织指挥体系
2.1 县防汛指挥部
县防汛指挥部由县长任指挥长，成员单位如下：
1 县应急管理局
2 县水利局
3 县农业农村局
2.1.1 指挥部职责
统一领导全县防汛工作。
2.1.2 办公室职责
承担指挥部日常工作。
2.2 乡镇防汛机构
各乡镇设立防汛指挥机构。
3 风险分析
全县共有1.5万亩耕地位于低洼地带，
2024.12前完成排涝设施改造。
4 预警与响应
4.1 预警分级
预警分为四级，具体见4.2节。
4.2 应急响应
4.2.1 一级响应
（1）县防汛指挥部指挥长组织会商。
（2）各成员单位按职责开展工作。
4.2.2 二级响应
参照一级响应执行。
5 附则
本预案自印发之日起施行。
附件：1.县防汛指挥部成员名单
2.县防汛重点部位一览表
"""

TREE = [
    "decimal-1 1 总则",
    "  decimal-2 1.1 编制目的",
    "  decimal-2 1.2 工作原则",
    "    arabic-dot 1. 坚持人民至上、生命至上",
    "    arabic-dot 2. 坚持预防为主、防抗救相结合",
    "decimal-1 2 组织指挥体系",
    "  decimal-2 2.1 县防汛指挥部",
    "    decimal-3 2.1.1 指挥部职责",
    "    decimal-3 2.1.2 办公室职责",
    "  decimal-2 2.2 乡镇防汛机构",
    "decimal-1 3 风险分析",
    "decimal-1 4 预警与响应",
    "  decimal-2 4.1 预警分级",
    "  decimal-2 4.2 应急响应",
    "    decimal-3 4.2.1 一级响应",
    "      arabic-paren （1） 县防汛指挥部指挥长组织会商",
    "      arabic-paren （2） 各成员单位按职责开展工作",
    "    decimal-3 4.2.2 二级响应",
    "decimal-1 5 附则",
]


def tree(plan: planparse.Plan) -> list[str]:
    out: list[str] = []

    def walk(sections: list[planparse.Section], depth: int) -> None:
        for s in sections:
            out.append(f"{'  ' * depth}{s.family} {s.marker} {s.title}")
            walk(s.children, depth + 1)

    walk(plan.sections, 0)
    return out


def test_outline_of_a_whole_plan() -> None:
    plan = planparse.parse_text(PLAN)
    assert tree(plan) == TREE
    assert not [w for w in plan.warnings if w.code == "unknown-heading-gap"]


def test_levels_follow_the_parts_and_spans_hold_the_marker() -> None:
    plan = planparse.parse_text(PLAN)
    for s in plan.iter_sections():
        if s.family.startswith("decimal-"):
            assert s.level == s.marker.count(".") + 1
            assert plan.text[s.span.root[0] :].startswith(s.marker)
            assert plan.text[s.title_span.root[0] : s.title_span.root[1]] == s.title


def test_outline_as_a_pdf_sets_it() -> None:
    """Body paragraphs indented by two ideographic spaces, as PDF text keeps them."""
    lines = ["\u3000\u3000" + ln if ln and not _NUMBERED.match(ln) and not ln.startswith("附件") else ln for ln in PLAN.splitlines()]
    assert tree(planparse.parse_text("\n".join(lines))) == TREE


def test_outline_as_word_numbers_it() -> None:
    """Word's list numbering renders the number straight before the title (1总则, 1.1编制目的)."""
    assert tree(planparse.parse_text(_OUTLINE_SPACE.sub(r"\1", PLAN))) == TREE
