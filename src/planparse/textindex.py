"""Positions in a plan's text: line lookups by bisection (so that per-record work stays independent
of line length), and splitting a range at bracket depth 0.

>>> idx = LineIndex("ab\\ncd\\nef")
>>> idx.bounds(4)
(3, 5)
>>> idx.bounds(0), idx.bounds(8)
((0, 2), (6, 8))
>>> line_around("ab\\ncd\\nef", 3, 5)
(3, 5)
"""

from __future__ import annotations

import bisect
from itertools import accumulate


class LineIndex:
    """Start and end of the line around any offset of a text, in O(log lines)."""

    def __init__(self, text: str) -> None:
        self.n = len(text)
        self.newlines = list(accumulate(len(line) + 1 for line in text.split("\n")[:-1]))
        self.newlines = [i - 1 for i in self.newlines]

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.newlines, pos)
        start = self.newlines[i - 1] + 1 if i > 0 else 0
        end = self.newlines[i] if i < len(self.newlines) else self.n
        return start, end

    def start(self, pos: int) -> int:
        return self.bounds(pos)[0]


def line_around(text: str, start: int, end: int) -> tuple[int, int]:
    """Start and end of the line holding ``text[start:end]``: one lookup (``LineIndex`` for many)."""
    line_end = text.find("\n", end)
    return text.rfind("\n", 0, start) + 1, len(text) if line_end < 0 else line_end


def split_top_level(text: str, start: int, end: int, seps: str = "，；;,。") -> list[tuple[int, int]]:
    """``text[start:end]`` split on ``seps`` (by default ，；;,。) outside brackets, as (start, end) pieces, empty ones left out."""
    out: list[tuple[int, int]] = []
    depth = 0
    s = start
    for i in range(start, end):
        ch = text[i]
        if ch in "（([〔【〈<":
            depth += 1
        elif ch in "）)]〕】〉>" and depth:
            depth -= 1
        elif depth == 0 and ch in seps:
            if i > s:
                out.append((s, i))
            s = i + 1
    if end > s:
        out.append((s, end))
    return out
