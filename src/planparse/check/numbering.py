"""Numbering rules: headings count 一、二、三、 without gaps, repeats or switches of style.

The segmenter already decides which headings break their sequence (``unknown-heading-gap``:
neither the next number among its siblings nor the next in its family across the plan, the
run-on style ``1.…8.`` across ``（一）（二）`` that many plans use). These rules take exactly
those headings and say what kind of break each is, from the heading tree:

- ``unknown-heading-gap``: a number skipped (一、二、四、; （一） then （三）);
- ``heading-repeat``: the same number again, or a smaller one (二、 二、; 三、 二、);
- ``heading-restart``: back to one at the same level, usually an annex (info);
- ``heading-family-jump``: the parent's sequence continued in another style (二、 then （三）).

Re-linting a plan whose warnings already hold these refined codes gives the same findings.
"""

from __future__ import annotations

from planparse import rx
from planparse.check.context import Context
from planparse.models import Section

HEADING_CODES = ("unknown-heading-gap", "heading-repeat", "heading-restart", "heading-family-jump")
_CN = "零一二三四五六七八九"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_CN_NUM = rx.compile(r"[一二三四五六七八九十百零〇两]+")
_AR_NUM = rx.compile(r"[0-9０-９]+")


def int_to_cn(n: int) -> str:
    """Chinese numeral as headings write it.

    >>> [int_to_cn(n) for n in (1, 10, 12, 20, 35, 99)]
    ['一', '十', '十二', '二十', '三十五', '九十九']
    """
    if n >= 100 or n <= 0:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _CN[tens] + "十")
    return head + (_CN[ones] if ones else "")


def marker_for(marker: str, number: int) -> str:
    """``marker`` with its number replaced by ``number`` in the same style: （三）, 4 → （四）.

    >>> marker_for("（三）", 4), marker_for("3.", 2), marker_for("③", 1), marker_for("第三章", 2)
    ('（四）', '2.', '①', '第二章')
    """
    if (marker and marker[-1] in _CIRCLED) or marker[:1] in _CIRCLED:
        ch = next(c for c in marker if c in _CIRCLED)
        return marker.replace(ch, _CIRCLED[number - 1] if 0 < number <= len(_CIRCLED) else str(number), 1)
    m = _AR_NUM.search(marker)
    if m:
        return marker[: m.start()] + str(number) + marker[m.end() :]
    m = _CN_NUM.search(marker)
    if m:
        return marker[: m.start()] + int_to_cn(number) + marker[m.end() :]
    return marker


def previous_same_family(ctx: Context) -> dict[int, Section]:
    """id(section) → the segmenter's comparison point: the latest earlier sibling of the same
    numbering family. One pass over the tree, so a plan of many broken headings stays linear."""
    out: dict[int, Section] = {}

    def walk(siblings: list[Section]) -> None:
        last: dict[str, Section] = {}
        for s in siblings:
            if s.family in last:
                out[id(s)] = last[s.family]
            last[s.family] = s
            walk(s.children)

    walk(ctx.plan.sections)
    return out


def classify(ctx: Context, sec: Section, prev: Section | None) -> tuple[str, dict[str, str]]:
    """Which kind of numbering break ``sec`` is (``prev``: its previous sibling of the same family)."""
    if prev is None:
        parent = ctx.parent(sec)
        if parent is not None and parent.family != sec.family and sec.number == parent.number + 1:
            return "heading-family-jump", {"marker": sec.marker, "previous": parent.marker}
        return "unknown-heading-gap", {"marker": sec.marker, "expected": marker_for(sec.marker, 1)}
    if sec.number == 1 and prev.number > 1:
        return "heading-restart", {"marker": sec.marker, "previous": prev.marker}
    if sec.number <= prev.number:
        return "heading-repeat", {"marker": sec.marker, "previous": prev.marker}
    return "unknown-heading-gap", {"marker": sec.marker, "expected": marker_for(sec.marker, prev.number + 1)}


def check(ctx: Context) -> None:
    seen: set[int] = set()
    previous = previous_same_family(ctx)
    for w in ctx.issues(*HEADING_CODES):
        if w.span is None or w.span.start in seen:
            continue
        seen.add(w.span.start)
        sec = ctx.section_starting(w.span.start)
        if sec is None:
            ctx.add("unknown-heading-gap", w.span, marker=ctx.quote(*w.span.root), expected="（未知）")
            continue
        code, params = classify(ctx, sec, previous.get(id(sec)))
        ctx.add(code, w.span, **params)
    for w in ctx.issues("unsegmented-text"):
        ctx.add("unsegmented-text", w.span)
