"""Hypothesis properties of the whole pipeline: it never crashes, spans stay in range, output is stable.

Two text strategies: arbitrary Unicode (``st.text()``), and plan-like text mixed from the pieces
real plans are made of (heading markers, field labels, units, dates, percentages, brackets,
newlines, full-width spaces, control characters). Bytes go through ``planparse.parse(bytes)``.
No timing asserts; ``deadline=None`` keeps CI stable.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import planparse
from planparse import Plan, Span
from planparse.normalize import normalize

SETTINGS = settings(
    max_examples=int(os.environ.get("PLANPARSE_HYPOTHESIS_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

PIECES = [
    "一、",
    "二、",
    "十二、",
    "（一）",
    "(二)",
    "（十）",
    "1.",
    "2、",
    "12．",
    "（1）",
    "(2)",
    "3）",
    "①",
    "②",
    "第一章 ",
    "第二节 ",
    "第一条 ",
    "牵头单位：",
    "责任单位:",
    "配合单位：",
    "完成时限：",
    "牵头责任单位：",
    "责任单位及承办科室（单位）：",
    "办理时限：",
    "区生态环境局",
    "县住建局",
    "各乡镇人民政府",
    "七办一镇",
    "XXX",
    "市发展改革委",
    "省商务厅牵头，合肥海关配合",
    "2025年底前",
    "2026年12月底",
    "2024年4月",
    "“十四五”末",
    "十五五期间",
    "2022 年 2 月底前",
    "持续推进",
    "每年",
    "2024—2026年",
    "森林覆盖率达到",
    "下降",
    "12.5%",
    "XX%",
    "不低于",
    "控制在",
    "35微克/立方米",
    "左右",
    "以上",
    "万亩",
    "（",
    "）",
    "(",
    ")",
    "〔",
    "〕",
    "【",
    "】",
    "〈",
    "〉",
    "；",
    "，",
    "、",
    "。",
    "：",
    "\n",
    "\n\n",
    "\r\n",
    "\u3000",
    " ",
    "\t",
    "\f",
    "\x00",
    "\x07",
    "\ufeff",
    "\u200b",
    "**",
    "— 3 —",
    "账号+密码登录",
    "加强组织领导",
    "实施方案",
    "关于印发",
    "的通知",
    "征求意见稿",
]
plan_like = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=60).map("".join)
any_text = st.one_of(st.text(), plan_like)


def _spans(plan: Plan) -> list[tuple[str, Span]]:
    out: list[tuple[str, Span]] = [(f"section {s.id}", s.span) for s in plan.iter_sections()]
    out += [(f"section {s.id} title", s.title_span) for s in plan.iter_sections()]
    for t in plan.tasks:
        out.append((f"task {t.id}", t.span))
        out += [(f"unit {u.name}", u.span) for u in t.lead_units + t.responsible_units + t.cooperating_units]
        out += [(f"deadline {d.raw}", d.span) for d in ([t.deadline] if t.deadline else []) + t.milestones]
    out += [(f"target {t.raw}", t.span) for t in plan.targets]
    out += [(f"warning {w.code}", w.span) for w in plan.warnings if w.span is not None]
    if plan.metadata.title_span is not None:
        out.append(("title", plan.metadata.title_span))
    return out


def _parse_or_empty(text: str) -> Plan | None:
    try:
        return planparse.parse_text(text)
    except planparse.InputError as err:
        assert err.code == "empty", f"InputError {err.code} for non-empty text {text!r}"
        assert not normalize(text).text.strip(), f"'empty' for text that normalises to something: {text!r}"
        return None


@SETTINGS
@given(any_text)
def test_parse_text_returns_valid_plan_or_empty_error(text: str) -> None:
    plan = _parse_or_empty(text)
    if plan is None:
        return
    again = Plan.model_validate_json(plan.model_dump_json())
    assert again == plan
    n = len(plan.text)
    outside = [(w, s.root) for w, s in _spans(plan) if not 0 <= s.start <= s.end <= n]
    assert not outside, outside


@SETTINGS
@given(plan_like)
def test_raw_matches_span_on_plan_like_text(text: str) -> None:
    plan = _parse_or_empty(text)
    if plan is None:
        return
    for t in plan.tasks:
        for u in t.lead_units + t.responsible_units + t.cooperating_units:
            assert plan.text[u.span.start : u.span.end].replace("\n", "") == u.name
        for d in ([t.deadline] if t.deadline else []) + t.milestones:
            assert plan.text[d.span.start : d.span.end] == d.raw
    for tg in plan.targets:
        assert plan.text[tg.span.start : tg.span.end] == tg.raw


@SETTINGS
@given(any_text)
def test_parsing_is_deterministic(text: str) -> None:
    first = _parse_or_empty(text)
    second = _parse_or_empty(text)
    assert (first is None) == (second is None)
    if first is not None and second is not None:
        assert first.model_dump_json() == second.model_dump_json()


@pytest.mark.parametrize("text", ["", " ", "\n\n", "\u3000\r\n", "\ufeff", "— 3 —\n账号+密码登录"])
def test_blank_text_is_an_empty_input_error(text: str) -> None:
    with pytest.raises(planparse.InputError) as info:
        planparse.parse_text(text)
    assert info.value.code == "empty"


@SETTINGS
@given(
    st.one_of(st.binary(max_size=2000), plan_like.map(lambda s: s.encode("utf-8")), plan_like.map(lambda s: s.encode("gb18030", "replace")))
)
def test_parse_bytes_raises_only_planparse_errors(data: bytes) -> None:
    try:
        plan = planparse.parse(data)
    except planparse.PlanparseError:
        return
    assert isinstance(plan, Plan)
    assert plan.source.sha256 and plan.source.format in ("txt", "pdf", "docx", "html")


@SETTINGS
@given(
    st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"<html>", b"\xef\xbb\xbf", b"\xff\xfe"]),
    st.binary(max_size=500),
)
def test_magic_prefixed_garbage_raises_only_planparse_errors(head: bytes, tail: bytes) -> None:
    try:
        planparse.parse(head + tail)
    except planparse.PlanparseError:
        pass
