"""Text normalisation: from a loader's text to ``Plan.text``, keeping a map back to the source.

Named steps, in order:
1. ``newlines``: CRLF/CR → LF, BOM and zero-width characters dropped, ``**`` bold marks removed.
2. ``noise``: lines matching grammars/noise.toml (page footers, web debris) dropped.
3. ``rejoin``: a paragraph cut by a page break or a layout wrap is joined back, so a unit name
   cut in two (``区市政公用服务\\n\\n中心``) comes out whole; real paragraph breaks stay.
Paragraphs are separated by one ``\\n``; leading and trailing spaces of a line are trimmed.

>>> norm = normalize("一、总体要求\\r\\n\\r\\n坚持生态优先，不\\n\\n断健全体系。\\r\\n— 3 —\\r\\n")
>>> norm.text
'一、总体要求\\n坚持生态优先，不断健全体系。'
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex

from planparse.grammar import Grammars, load_grammars

_TERMINAL = "。！？!?；;"
_OPEN = "（([〔【［〈<《"
_CLOSE = "）)]〕】］〉>》"
_DROP_CHARS = regex.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]|\\*\\*")
_SPACE = " \t\u3000\xa0\f\v"
_NARROW = regex.compile(r"[\x00-\u1fff]")


@dataclass
class Line:
    text: str
    raw_start: int  # offset of text[0] in the loader text
    pieces: list[tuple[int, int]]  # (offset in line, raw offset) at each jump caused by dropped chars


@dataclass
class Normalized:
    """Normalised text plus the map from its offsets to the loader text's offsets."""

    text: str
    norm_starts: list[int] = field(default_factory=list)  # segment starts in text
    raw_starts: list[int] = field(default_factory=list)  # the same segments' starts in the loader text
    dropped: list[str] = field(default_factory=list)  # ids of noise rules that fired, one per line dropped

    def to_raw(self, pos: int) -> int:
        """Offset in the loader text for offset ``pos`` of the normalised text."""
        i = bisect.bisect_right(self.norm_starts, pos) - 1
        if i < 0:
            return pos
        return self.raw_starts[i] + (pos - self.norm_starts[i])


def _width(s: str) -> float:
    """Display width in CJK cells: ASCII counts half."""
    return len(s) - 0.5 * len(_NARROW.findall(s))


def _bracket_balance(s: str) -> int:
    bal = 0
    for ch in s:
        if ch in _OPEN:
            bal += 1
        elif ch in _CLOSE and bal > 0:
            bal -= 1
    return bal


_NEWLINE = regex.compile(r"\r\n|\r|\n")


def _split_lines(raw: str) -> list[Line]:
    """Lines of the loader text with their raw offsets; bold marks and invisible chars removed."""
    drops = [(m.start(), m.end()) for m in _DROP_CHARS.finditer(raw)]
    ends = [(m.start(), m.end()) for m in _NEWLINE.finditer(raw)]
    ends.append((len(raw), len(raw)))
    lines: list[Line] = []
    pos = 0
    d = 0
    for end, next_pos in ends:
        parts: list[str] = []
        pieces: list[tuple[int, int]] = []
        length = 0
        last = pos
        while d < len(drops) and drops[d][0] < end:
            ds, de = drops[d]
            d += 1
            if ds > last:
                pieces.append((length, last))
                parts.append(raw[last:ds])
                length += ds - last
            last = de
        if end > last:
            pieces.append((length, last))
            parts.append(raw[last:end])
        text = "".join(parts)
        lead = len(text) - len(text.lstrip(_SPACE))
        text = text.strip(_SPACE)
        # shift the pieces by the trimmed lead: keep the last piece that starts at or before it
        shifted: list[tuple[int, int]] = []
        for o, r in pieces:
            if o <= lead:
                shifted = [(0, r + lead - o)]
            else:
                shifted.append((o - lead, r))
        lines.append(Line(text, shifted[0][1] if shifted else pos, shifted or [(0, pos)]))
        pos = next_pos
    return lines


class _Joiner:
    """Decides whether a line continues the paragraph of the line before it."""

    def __init__(self, lines: list[str], g: Grammars) -> None:
        self.g = g
        widths = sorted(_width(s) for s in lines if len(s) >= 6)
        self.wrap: float | None = None
        if len(widths) >= 8:
            w = widths[int(len(widths) * 0.9)]
            near = sum(1 for x in widths if x >= w - 2.5)
            if w <= 60 and near >= 0.35 * len(widths):
                self.wrap = w

    def structural(self, s: str) -> bool:
        """A line that always starts a new paragraph: a heading, a field label, an annex, a date line."""
        g = self.g
        if g.heading_start.match(s):
            return True
        if g.label.match(s.lstrip("（(〔【[")):
            return True
        if s.startswith(("附件", "附表")) or g.meta["signoff_date"].match(s) or g.meta["doc_number"].fullmatch(s):
            return True
        return False

    def full(self, s: str, first: bool = False) -> bool:
        """A line that reaches the right margin; a paragraph's first line may be indented 2 cells."""
        return self.wrap is not None and _width(s) >= self.wrap - (4.5 if first else 2.5)

    def join(self, prev: str, first: str, para_len: int, balance: int, nxt: str) -> bool:
        """Does ``nxt`` continue the paragraph whose first line is ``first`` and last line ``prev``?"""
        if not nxt or self.structural(nxt):
            return False
        if balance > 0 and (_closes(nxt) > 0 or self.full(prev) or self.wrap is None):
            return True  # an open bracket continues on the next line
        last = prev[-1]
        if last in "。！？!?":
            return False
        if para_len == len(prev) and not regex.search("[。，；,;]", prev) and self.g.meta["title_suffix"].search(prev):
            return False  # a title line (…实施方案, …的通知) stands alone
        is_label = self.g.label.match(first.lstrip("（(〔【[")) is not None
        if is_label and last not in _TERMINAL and len(nxt) <= 12 and nxt[0] not in _OPEN:
            return True  # a unit name cut at the end of a label line
        if nxt[0] in _OPEN and not self.full(prev):
            return False
        heading = self.g.heading_start.match(first) is not None
        if self.wrap is not None:
            if not self.full(prev, first=para_len == len(prev)):
                return False
            if heading and para_len == len(prev) and not regex.search("[。，；,;]", prev):
                # a heading line alone at full width: join only a short tail of the same heading
                return _width(nxt) <= self.wrap * 0.6 and not regex.search("[。，；]", nxt[:-1])
            return True
        # unwrapped text (one paragraph a line): only a page break cuts a long paragraph
        if last in _TERMINAL or last in "：:":
            return False
        if last in "，、,":
            return True
        if heading:
            return regex.search("[。，；,;]", first) is not None
        return para_len >= 40


def _closes(s: str) -> int:
    """Closing brackets in ``s`` that close something opened before it."""
    bal = 0
    closes = 0
    for ch in s:
        if ch in _OPEN:
            bal += 1
        elif ch in _CLOSE:
            if bal > 0:
                bal -= 1
            else:
                closes += 1
    return closes


def normalize(raw: str, grammars: Grammars | None = None) -> Normalized:
    """Run the named steps over a loader's text."""
    g = grammars or load_grammars()
    kept: list[Line] = []
    dropped: list[str] = []
    for line in _split_lines(raw):
        if not line.text:
            continue
        if g.noise_any.fullmatch(line.text):
            rule = next((r.id for r in g.noise_lines if r.pattern.fullmatch(line.text)), "noise")
            dropped.append(rule)
            continue
        kept.append(line)
    joiner = _Joiner([ln.text for ln in kept], g)
    out: list[str] = []
    norm_starts: list[int] = []
    raw_starts: list[int] = []
    length = 0
    first = prev = ""
    para_len = balance = 0
    for i, line in enumerate(kept):
        if i > 0 and joiner.join(prev, first, para_len, balance, line.text):
            para_len += len(line.text)
            balance = _bracket_balance_from(balance, line.text)
        else:
            if i > 0:
                out.append("\n")
                length += 1
            first = line.text
            para_len = len(line.text)
            balance = _bracket_balance(line.text)
        prev = line.text
        for off, raw_off in line.pieces:
            norm_starts.append(length + off)
            raw_starts.append(raw_off)
        out.append(line.text)
        length += len(line.text)
    return Normalized("".join(out), norm_starts, raw_starts, dropped)


def _bracket_balance_from(bal: int, s: str) -> int:
    for ch in s:
        if ch in _OPEN:
            bal += 1
        elif ch in _CLOSE and bal > 0:
            bal -= 1
    return bal
