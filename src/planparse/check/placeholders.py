"""Template placeholders left in a plan: values (``XX%``, ``X处``, ``20XX年``) and any other text.

A county template (sample 002) is full of them, and each must be reported: a reviewer fixes
them one by one. Units are reported by the unit rules (``placeholder-unit``). The pipeline's
own facts come next: placeholder targets keep their target span, and the placeholder values
it saw outside targets (its ``placeholder-value`` warnings, ``X蒸吨/小时以下``) keep theirs.
Every other placeholder token in the text (checks.toml ``[placeholders] token``) is a value
when a unit or date part follows it or a comparator precedes it, else it is text (``美丽XX``,
``XX县工业园区``).
"""

from __future__ import annotations

from functools import lru_cache

import regex

from planparse import rx
from planparse.check.context import Context, Spans
from planparse.grammar.compile import literal_alternation
from planparse.textindex import line_around

_WINDOW = 12  # characters before a placeholder searched for a comparator (大于或等于 is 5)
_CONTEXT = 10  # characters of text shown on each side of a placeholder in its quote


@lru_cache(maxsize=8)
def _unit_after(units: tuple[str, ...]) -> regex.Pattern[str]:
    return rx.compile(rf"[ \t]*(?:{literal_alternation(list(units))})")


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """A short stretch of the same line around [start, end), for the quote."""
    line_start, line_end = line_around(text, start, end)
    return max(line_start, start - _CONTEXT), min(line_end, end + _CONTEXT)


def check(ctx: Context) -> None:
    plan, cfg, text = ctx.plan, ctx.cfg, ctx.plan.text
    target_spans: list[tuple[int, int]] = []
    for t in plan.targets:
        if t.placeholder:
            target_spans.append(t.span.root)
            token = cfg.token.search(t.raw)
            ctx.add("placeholder-value", t.span, page=t.page, value=(token.group() if token else "") + (t.unit or ""))
    in_target = Spans(target_spans)
    for w in ctx.issues("placeholder-value"):
        if w.span is not None and not in_target.holds(w.span.start, w.span.end):
            target_spans.append(w.span.root)
            ctx.add(
                "placeholder-value", w.span, quote_span=_window(text, *w.span.root), value=text[w.span.start : w.span.end].replace(" ", "")
            )
    units = [u.span.root for task in plan.tasks for u in (*task.lead_units, *task.responsible_units, *task.cooperating_units)]
    in_unit, in_value = Spans(units), Spans(target_spans)
    tv = ctx.g.targets.values
    unit_after = _unit_after(tuple(tv.units + tv.count_units))
    for m in cfg.token.finditer(text):
        s, e = m.span()
        if in_unit.holds(s, e) or in_value.holds(s, e):
            continue
        # the targets' units first, so a value spans what the pipeline's would (X蒸吨/小时, not X蒸吨)
        after = unit_after.match(text, e) or cfg.value_after.match(text, e)
        before = cfg.value_before.search(text, max(0, s - _WINDOW), s)
        if after or before:
            end = after.end() if after else e
            ctx.add("placeholder-value", (s, end), quote_span=_window(text, s, end), value=text[s:end].replace(" ", ""))
        else:
            ctx.add("placeholder-text", (s, e), quote_span=_window(text, s, e), token=m.group())
