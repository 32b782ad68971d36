"""Spaces that layout put between Chinese and digits or Latin letters, dropped from the normalised text.

Word lays Chinese beside digits and Latin letters with a gap (中西文自动间距); PDF text turns that gap
into a real space, and so does pdftotext: "达到 31.48% 以上", "5G 基站", "2022 年". The same plan's
web text has none, and neither do the grammars' phrases. The gaps are closed once the lines are
joined (a line's width, which tells a wrap, counts them), and the offset map jumps past each.

>>> close_gaps("到 2025 年，建设 5G 基站", [0], [0])
('到2025年，建设5G基站', [0, 1, 5, 9, 11], [0, 2, 7, 12, 15])
"""

from __future__ import annotations

import bisect
from itertools import pairwise

from planparse import rx
from planparse.offsets import raw_offset

_CJK = "\\u3400-\\u9fff\\u3000-\\u303f\\uff01-\\uff5e"
_GAP = rx.compile(f"(?<=[{_CJK}]) (?=[0-9A-Za-z%])|(?<=[0-9A-Za-z%]) (?=[{_CJK}])")


def close_gaps(text: str, norm_starts: list[int], raw_starts: list[int]) -> tuple[str, list[int], list[int]]:
    """``text`` without single spaces between Chinese and digits or Latin letters, and its offset map
    (segment starts in it, and the same segments' starts in the loader text) updated to match."""
    gaps = [m.start() for m in _GAP.finditer(text)]
    if not gaps:
        return text, norm_starts, raw_starts

    kept = [text[a + 1 : b] for a, b in pairwise([-1, *gaps, len(text)])]
    # the old map's jumps, and one after each gap, each at its offset in the new text
    events = sorted([*zip(norm_starts, raw_starts, strict=True), *((g + 1, -1) for g in gaps)])
    starts: list[int] = []
    raws: list[int] = []
    for pos, raw in events:
        new = pos - bisect.bisect_left(gaps, pos)
        if starts and starts[-1] == new:  # a jump at a dropped space: the one after it holds
            starts.pop()
            raws.pop()
        starts.append(new)
        raws.append(raw_offset(norm_starts, raw_starts, pos) if raw < 0 else raw)
    return "".join(kept), starts, raws
