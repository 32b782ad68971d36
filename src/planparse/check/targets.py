"""Target rules: a quantitative target says by when, which way, and in what unit.

- ``target-without-year``: a ``Target`` the pipeline found with no year (its ``year`` is null).
- ``target-without-comparator``: a number with a unit in a goal statement that is *not* a
  target because no comparator governs it (``到2025年，森林覆盖率31%``). The extractor skips
  such numbers by design, so this rule looks where it did not: values outside every Target
  span, in a sentence with a year to reach or in a goal section, not a statement of the
  present (checks.toml ``not_goal``) nor a context the extractor excludes (money, scores).
- ``target-without-unit``: a comparator followed by a bare number that ends its clause
  (``优良天数比例达到85；``), unless the indicator is a coefficient or index (``unitless``).
"""

from __future__ import annotations

from functools import lru_cache

import regex

from planparse import rx
from planparse.check.context import Context, Spans
from planparse.grammar.compile import literal_alternation

_CLAUSE_BOUND = "。；;，,：:\n！？!?"
_SENTENCE_BOUND = "。；;\n！？!?"
_MAX_BACK = 200
_BARE = rx.compile(r"(?=[0-9])(?P<num>(?<![0-9.．])[0-9]+(?:[.．][0-9]+)?)[ \t]*(?:以上|以下|左右|以内)?[ \t]*(?=[，。；;,、\n）)]|$)")
_HAN = rx.compile(r"\p{Han}")
_DATED = rx.compile(r"(?:19|20)[0-9]{2}[ \t]*年")  # a clause dated by a year states a fact unless it is a goal year
_TAIL = rx.compile(r"[ \t]*(?:/(?:年|日|天|小时)|每年)?[ \t]*")  # what may follow a stated value in its clause


@lru_cache(maxsize=8)
def _value_pattern(units: tuple[str, ...]) -> regex.Pattern[str]:
    return rx.compile(r"(?=[0-9])(?<![0-9A-Za-z.．])(?P<num>[0-9]+(?:[.．][0-9]+)?)[ \t]*(?P<unit>" + literal_alternation(list(units)) + ")")


def _back(text: str, pos: int, bounds: str) -> int:
    i, floor = pos, max(0, pos - _MAX_BACK)
    while i > floor and text[i - 1] not in bounds:
        i -= 1
    return i


def _forward(text: str, pos: int, bounds: str) -> int:
    i, n = pos, min(len(text), pos + _MAX_BACK)
    while i < n and text[i] not in bounds:
        i += 1
    return i


def check(ctx: Context) -> None:
    for t in ctx.plan.targets:
        if t.year is None:
            ctx.add("target-without-year", t.span, page=t.page)
    in_target = Spans([t.span.root for t in ctx.plan.targets])
    without_comparator(ctx, in_target)
    without_unit(ctx, in_target)


def _retrospective(ctx: Context, pos: int) -> bool:
    retro = ctx.g.target_patterns["retrospective_section"]
    return any(retro.search(s.title) for s in ctx.ancestors(pos))


def _goal_context(ctx: Context, pos: int) -> bool:
    text = ctx.plan.text
    sentence = text[_back(text, pos, _SENTENCE_BOUND) : pos]
    if ctx.cfg.goal.search(sentence):
        return True
    return any(ctx.cfg.goal_section.search(s.title) for s in ctx.ancestors(pos))


def without_comparator(ctx: Context, in_target: Spans) -> None:
    text, g, cfg = ctx.plan.text, ctx.g, ctx.cfg
    tp = g.target_patterns
    for m in _value_pattern(tuple(g.targets.values.units)).finditer(text):
        s, e = m.span()
        if in_target.holds(s, e):
            continue
        c_start, c_end = _back(text, s, _CLAUSE_BOUND), _forward(text, e, _CLAUSE_BOUND)
        if not _TAIL.fullmatch(text, e, c_end):
            continue  # 用好1500万吨能耗指标: the value qualifies a noun, it is not stated as a level
        clause = text[c_start:c_end]
        before = text[c_start:s]
        if len(_HAN.findall(before)) < 2 or tp["exclude_context"].search(clause) or cfg.not_goal.search(clause):
            continue
        if tp["baseline"].search(text, max(c_start, s - 16), s) or any(c.pattern.search(clause) for c in g.comparators):
            continue
        if tp["count_verbs"].search(before):
            continue  # 建设碳汇林90万亩: a quantity of work committed, the extractor's "=" reading
        if not _goal_context(ctx, s) or _retrospective(ctx, s):
            continue
        if _DATED.search(before) and not cfg.goal.search(before):
            continue  # 2020年细颗粒物浓度38微克/立方米 in a goal section: the baseline, not the goal
        ctx.add("target-without-comparator", (c_start, c_end), quote_span=(c_start, c_end))


def without_unit(ctx: Context, in_target: Spans) -> None:
    text, g, cfg = ctx.plan.text, ctx.g, ctx.cfg
    comparators = [c for c in g.comparators if c.attrs["position"] != "after"]
    # bare numbers that end their clause are few: find them, then the comparator right before each
    for n in _BARE.finditer(text):
        gap = n.start("num")
        while gap > 0 and text[gap - 1] in " \t":
            gap -= 1
        m = next((m for c in comparators for m in c.pattern.finditer(text, max(0, gap - 16), gap) if m.end() == gap), None)
        num = n.group("num")
        if m is None or (len(num) == 4 and num[:2] in ("19", "20")):
            continue  # no comparator, or a year (提前到2025), not a value
        c_start = _back(text, m.start(), _CLAUSE_BOUND)
        indicator = text[c_start : m.start()]
        if len(_HAN.findall(indicator)) < 2 or cfg.unitless.search(indicator) or in_target.holds(m.start(), n.end("num")):
            continue
        if _retrospective(ctx, m.start()):
            continue
        ctx.add("target-without-unit", (c_start, n.end("num")), value=num)
