"""Brackets of assignment blocks: which pairs match within a paragraph, which pair holds a position,
and whether a position stands outside the brackets opened before it. Split from blocks.py, which
reads the blocks these brackets hold."""

from __future__ import annotations

import regex

from planparse import rx
from planparse.grammar import Grammars


def bracket_pairs(text: str, g: Grammars) -> dict[int, int]:
    """Matched bracket pairs (open offset → close offset), within a paragraph, linear time."""
    opens = {o: c for o, c in g.fields.block.brackets}
    closes = {c for _, c in g.fields.block.brackets}
    pairs: dict[int, int] = {}
    stack: list[int] = []
    relevant = rx.compile("[\n" + regex.escape("".join(opens) + "".join(closes)) + "]")
    for m in relevant.finditer(text):
        i, ch = m.start(), m.group()
        if ch == "\n":
            stack.clear()
        elif ch in opens:
            stack.append(i)
            if len(stack) > 64:  # pathological nesting: forget the oldest
                stack.pop(0)
        elif ch in closes and stack:
            o = stack[-1]
            if opens[text[o]] == ch or (ch in "）)" and text[o] in "（("):
                stack.pop()
                pairs[o] = i
    return pairs


def enclosing(positions: list[int], pairs: dict[int, int]) -> dict[int, int | None]:
    """For each position, the innermost bracket pair open offset that contains it (sweep)."""
    events = sorted(pairs.items())
    out: dict[int, int | None] = {}
    stack: list[tuple[int, int]] = []
    ei = 0
    for pos in sorted(positions):
        while ei < len(events) and events[ei][0] < pos:
            o, c = events[ei]
            while stack and stack[-1][1] < o:
                stack.pop()
            stack.append((o, c))
            ei += 1
        while stack and stack[-1][1] < pos:
            stack.pop()
        out[pos] = stack[-1][0] if stack else None
    return out


def at_top_level(text: str, start: int, pos: int) -> bool:
    """``pos`` stands outside the brackets opened in ``text[start:pos]`` (a note in a unit's bracket, as in
    区财政局（第一责任单位为牵头单位）, is the unit's scope, read there)."""
    part = text[start:pos]
    return sum(part.count(ch) for ch in "（([〔【〈<［") <= sum(part.count(ch) for ch in "）)]〕】〉>］")
