"""Text normalisation: from a loader's text to ``Plan.text``, keeping a map back to the source.

Named steps, in order:
1. ``newlines``: CRLF/CR → LF, BOM and zero-width characters dropped, ``**`` bold marks removed.
2. ``noise``: lines matching grammars/noise.toml (page footers, web debris) dropped.
3. ``rejoin``: a paragraph cut by a page break or a layout wrap is joined back, so a unit name
   cut in two (``区市政公用服务\\n\\n中心``) comes out whole; real paragraph breaks stay. The lines
   of a task table flattened one cell per line (extract/flat_tables.py) are cells, and stay apart.
Paragraphs are separated by one ``\\n``; leading and trailing spaces of a line are trimmed.

>>> body = "坚持生态优先，统筹污染治理、生态保护、应对气候变化，以更高标准打好蓝天、碧水、净土保卫战，不"
>>> norm = normalize("一、总体要求\\r\\n\\r\\n" + body + "\\n\\n断健全体系。\\r\\n— 3 —\\r\\n")
>>> norm.text == "一、总体要求\\n" + body + "断健全体系。"
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise

from planparse import rx
from planparse.extract.flat_tables import table_lines
from planparse.gaps import close_gaps
from planparse.grammar import Grammars, load_grammars
from planparse.loaders.base import MARGIN_MARK
from planparse.noise_lines import drop_noise
from planparse.offsets import insert_breaks, raw_offset
from planparse.outline import CONTENTS_TITLE
from planparse.unglue import glued_breaks

_TERMINAL = "。！？!?；;"
_OPEN = "（([〔【［〈<《"
_CLOSE = "）)]〕】］〉>》"
_DROP_CHARS = rx.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad]|\\*\\*")
_SPACE = " \t\u3000\xa0\f\v\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
_SPACE_NO_TAB = _SPACE.replace("\t", "")
_NARROW = rx.compile(r"[\x00-\u1fff]")
_TITLE_PUNCT = rx.compile("[。，；,;：:]")
_LIST_PUNCT = rx.compile("[、，,]")
_CLAUSE_PUNCT = rx.compile("[。，；,;]")
_STOPS = rx.compile("[。；;：:！？!?]")
_HALF_STOP = rx.compile(r"\p{Han}\.$")  # a web copy typed in half-width stops (…认真贯彻落实.): a sentence's end
_TITLE_LINE = 32  # a heading's title line, its phrases set off by commas; a body cut by a page break is longer
_NEVER_STARTS = frozenset("，,。；;、：:")
_WORD_END = rx.compile(r"[\p{Han}A-Za-z0-9]")  # a line ending so stops mid-sentence
_RUN_START = rx.compile(r"[0-9]+(?:[.．][0-9]+[%％]?|[%％])(?:[、，,]|$)")  # a run of rates a layout sets whole: 0.6%、1.0%…
# no-break and typographic spaces (web pages: "1.\xa0申报") read as a plain space
_ODD = "\xa0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
_ODD_SPACES = str.maketrans(dict.fromkeys(_ODD, " "))
_ODD_SPACE = rx.compile(f"[{_ODD}]")
# a document-sharing site renders each paragraph break as a Cyrillic Р (a pilcrow's look-alike):
# "…工作重点。Р第二阶段…". No plan writes the letter between Chinese text
_PILCROW = rx.compile(r"(?<=[\p{Han}\p{P}])Р(?=[\p{Han}\p{P}0-9])")
_BRACKETS = rx.compile("[（(\\[〔【［〈<《）)\\]〕】］〉>》]")
_ENDS_WITH_DATE = rx.compile(r"[0-9〇零一二三四五六七八九十○]{1,3}[ \t]*日$")
_CELL_YEAR_CUT = rx.compile(r"\t[ ]*(?:[0-9]{4}[ ]*年|[0-9]{4}[.．/-])$")
_CELL_DATE_TAIL = rx.compile(r"(?:[0-9]{1,2}[ ]*月|年?[底末]|[上下]半年|第?[一二三四1-4][ ]*季度)[^\t。；;，,]{0,8}")
_BLOCK_TAIL = 120  # how far back a closing bracket's block is looked for


@dataclass
class Line:
    text: str
    raw_start: int  # offset of text[0] in the loader text
    raw_end: int  # offset of the line break that ends the line (or the end of the text)
    pieces: list[tuple[int, int]]  # (offset in line, raw offset) at each jump caused by dropped chars
    indented: bool = False  # began with a first-line indent (two spaces or a full-width space)
    form_feed: bool = False  # held a form feed: a page break
    reaches_margin: bool = False  # the loader saw it reach the right margin (a PDF: it wraps)
    width: float = 0.0  # in CJK cells (_width), worked out once


@dataclass
class Normalized:
    """Normalised text plus the map from its offsets to the loader text's offsets."""

    text: str
    norm_starts: list[int] = field(default_factory=list)  # segment starts in text
    raw_starts: list[int] = field(default_factory=list)  # the same segments' starts in the loader text
    dropped: list[str] = field(default_factory=list)  # ids of noise rules that fired, one per line dropped

    def to_raw(self, pos: int) -> int:
        """Offset in the loader text for offset ``pos`` of the normalised text."""
        return raw_offset(self.norm_starts, self.raw_starts, pos)


def _width(s: str) -> float:
    """Display width in CJK cells: ASCII counts half."""
    return len(s) - 0.5 * len(_NARROW.findall(s))


_NEWLINE = rx.compile(r"\r\n|\r|\n")


def _split_lines(raw: str) -> list[Line]:
    """Lines of the loader text with their raw offsets; bold marks and invisible chars removed."""
    drops = [(m.start(), m.end()) for m in _DROP_CHARS.finditer(raw)]
    marks = MARGIN_MARK in raw
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
        # a table row (cells separated by tabs) keeps its empty edge cells: only spaces are trimmed
        core = text.strip(_SPACE)
        space = _SPACE_NO_TAB if core and ("\t" in core or "\t" in text.rstrip(_SPACE_NO_TAB)[-1:]) else _SPACE
        lead = len(text) - len(text.lstrip(space))
        head = text[:lead]
        indented = "\u3000" in head or head.count(" ") >= 2
        form_feed = "\f" in text
        text = text.strip(space)
        # shift the pieces by the trimmed lead: keep the last piece that starts at or before it
        shifted: list[tuple[int, int]] = []
        for o, r in pieces:
            if o <= lead:
                shifted = [(0, r + lead - o)]
            elif o - lead < len(text) or not shifted:  # a piece past the trimmed end maps nothing (trailing spaces)
                shifted.append((o - lead, r))
        reaches = marks and raw[pos:end].rstrip(_SPACE).endswith(MARGIN_MARK)
        lines.append(Line(text, shifted[0][1] if shifted else pos, end, shifted or [(0, pos)], indented, form_feed, reaches, _width(text)))
        pos = next_pos
    return lines


class _Joiner:
    """Decides whether a line continues the paragraph of the line before it."""

    def __init__(self, lines: list[Line], g: Grammars) -> None:
        self.g = g
        widths = sorted(ln.width for ln in lines if len(ln.text) >= 6 and "\t" not in ln.text)  # a table's rows are no measure
        self.wrap: float | None = None
        if len(widths) >= 8:
            w = widths[int(len(widths) * 0.9)]
            near = sum(1 for x in widths if x >= w - 2.5)
            # a right margin: many lines end near it, or fewer (a plan of short list items) but none
            # goes past it, which one-paragraph-a-line text always does
            hard = widths[-1] <= w + 3 and near >= 0.2 * len(widths)
            if w <= 60 and (near >= 0.35 * len(widths) or hard):
                self.wrap = w
        # wrapped text whose paragraphs start indented (PDF loaders mark it): then an unindented line
        # after a full one continues the paragraph even after a 。
        body = [ln.indented for ln in lines if len(ln.text) >= 6]
        self.indents = self.wrap is not None and len(body) >= 8 and 0.03 <= sum(body) / len(body) <= 0.7
        # wrapped text that lost its indents (pdftotext): do its paragraphs' first lines still end
        # short of the margin, by the 2 cells of the indent they had? Then a line that reaches the
        # margin is no first line, and continues the paragraph even after a 。 (or a page break)
        self.first_short = False
        if self.wrap is not None and not self.indents:
            firsts = sorted(
                b.width
                for a, b in pairwise(lines)
                if len(b.text) >= 6
                and self.reaches(b.width, first=True)
                and (g.heading_at(b.text) or (a.text[-1:] == "。" and not self.reaches(a.width) and not self.structural(b.text)))
            )
            self.first_short = len(firsts) >= 3 and firsts[len(firsts) // 2] <= self.wrap - 1.5
        # a sign-off: the issuers' names over the date stand apart, also under a line without 。
        meta, self.signoff = g.meta, set[int]()  # ids of the issuer lines
        for k, ln in enumerate(lines):
            if meta["signoff_date"].match(ln.text) or meta["signoff_figures"].match(ln.text):
                while k > 0 and meta["issuer_line"].match(lines[k - 1].text):
                    k -= 1
                    self.signoff.add(id(lines[k]))

    def structural(self, s: str) -> bool:
        """A line that always starts a new paragraph: a heading, a field label, an annex, a box, a date line."""
        g = self.g
        if "\t" in s or g.heading_at(s) or g.label.match(s.lstrip("（(〔【[")):
            return True
        if s.startswith(tuple(g.headings.structure.paragraph_starts)):
            return True
        if CONTENTS_TITLE.fullmatch(s):
            return True  # 目 录 stands alone over its list: a line above it without a stop ((…通过)) does not take it
        return bool(g.meta["signoff_date"].match(s) or g.meta["doc_number"].fullmatch(s.strip("（()）")))

    def reaches(self, width: float, first: bool = False) -> bool:
        """A line this wide reaches the right margin; a paragraph's first line may be indented 2 cells."""
        return self.wrap is not None and width >= self.wrap - (4.5 if first else 2.5)

    def _title_line(self, s: str) -> bool:
        longest = 150 if s.endswith("的通知") else 60  # a notice's title naming four co-issuers is longer than any plan's
        return len(s) <= longest and not _TITLE_PUNCT.search(s) and self.g.meta["title_suffix"].search(s) is not None

    def _colon_ends(self, prev: str) -> bool:
        """A line ending with a colon that is no label's (各区县人民政府，市政府各部门，有关单位：) ends its paragraph."""
        return prev[-1] in "：:" and self.g.label.search(prev) is None

    def _closes_block(self, prev: str) -> bool:
        """The line ends with the closing bracket of an assignment block: the item ends there."""
        if prev[-1] not in _CLOSE:
            return False
        depth, i = 0, len(prev) - 1  # the bracket the line's last character closes
        while i >= 0:
            depth += prev[i] in _CLOSE
            depth -= prev[i] in _OPEN
            if depth == 0:
                break
            i -= 1
        # "…，各县（市、区）" closes a bracket inside a unit's name, not the block the label opened
        tail = prev[max(i, len(prev) - _BLOCK_TAIL) :]
        return self.g.label.search(tail) is not None or any(v in tail for v in self.g.fields.block.verb_hints)

    def join(self, before: Line, first: str, para_len: int, balance: int, nxt: Line) -> bool:
        """Does ``nxt`` continue the paragraph whose first line is ``first`` and last line ``before``?
        A line the loader saw reach the right margin (a PDF's character boxes) or break inside its
        paragraph (DOCX) is ``marked``."""
        s, prev, marked = nxt.text, before.text, before.reaches_margin
        if not s or id(nxt) in self.signoff:
            return False
        if "\t" in prev and _CELL_YEAR_CUT.search(prev) and _CELL_DATE_TAIL.fullmatch(s):
            return True  # a table copied as text, its date cell wrapped: "…\t2024年" / "6月底前" (a row never joins otherwise)
        pfull = marked or self.reaches(before.width)
        pfirst = marked or self.reaches(before.width, first=para_len == len(prev))
        if balance > 0 and (_closes(s) > 0 or pfull) and self.g.label.match(s):
            return True  # the next field of a bracket block wrapped onto its own line ("…（牵" + "头单位：…")
        if self.indents and not nxt.indented:
            block = s[0] in _OPEN and self.g.label.match(s, 1) is not None  # "（责任单位：…）" after its sentence
            titles = self._title_line(s) or self._title_line(prev)  # a plan's title stands alone
            if pfirst and not titles and not self._colon_ends(prev) and (block or not self.structural(s)):
                return True
        if self.wrap is not None and s[0] in _OPEN and pfull and prev[-1] not in _TERMINAL and self.g.label.match(s, 1):
            return True  # "（责任部门：…）" wrapped to a line's start closes the sentence the full line above cut off
        if self.structural(s):
            return False
        if self.wrap is not None and "“" in prev and _open_quote(prev) and _open_quote(s) < 0:
            return True  # "…固碳能力。“十" + "四五”期间…": a quote left open runs on to the line that closes it
        if s[0] in _NEVER_STARTS:
            return True  # no line of its own starts with ，。；: the sentence runs on ("…》\n，为打击…")
        if balance > 0 and (_closes(s) > 0 or pfull or (self.wrap is None and self.g.label.match(s) is not None)):
            # an open bracket continues on the next line that closes it (or, a line a paragraph, on a
            # block's next field); one a web copy left open (〔201746, a teaser's "(管委会…") takes no more
            return True
        if self.first_short and pfull and nxt.width >= self.wrap - 0.5 and not self._title_line(s):  # type: ignore[operator]
            return True  # a line reaching the margin is no (indented) first line
        last = prev[-1]
        if "\t" in prev or last in "。！？!?" or _HALF_STOP.search(prev) or self._closes_block(prev) or _ENDS_WITH_DATE.search(prev) or self._colon_ends(prev):
            return False
        if (para_len == len(prev) and self._title_line(prev)) or (self._title_line(s) and not pfull):
            return False  # a title line (…实施方案, …的通知) stands alone
        if self.g.label.match(first.lstrip("（(〔【[")) and last not in _TERMINAL and "。" not in s and s[0] not in _OPEN and not nxt.indented:
            # a unit list cut at the end of a label line continues: a short tail or more units
            if len(s) <= 12 or _LIST_PUNCT.search(s):
                return True
        if s[0] in _OPEN and not pfirst:
            return False
        heading = self.g.heading_at(first) is not None
        if self.wrap is not None:
            if heading and para_len == len(prev) and "。" in prev and before.width >= 0.75 * self.wrap:
                return True  # "（二）强化科技支撑。10 月底前发布…成果目" + "录，…": the body run in after its title goes on
            if not pfirst and not (para_len > len(prev) and _WORD_END.match(prev[-1]) and _RUN_START.match(s) and "\t" not in prev and not nxt.indented):
                # short of the margin: the paragraph ends there, unless a later line of it stops
                # mid-word ("…执行行业基准费率" + "0.6%、1.0%…": an unbreakable run set on the next line)
                return False
            if heading and para_len == len(prev) and not _CLAUSE_PUNCT.search(prev):
                # a heading line at full width with no punctuation: its title may end there and a new
                # (indented, so slightly shorter) paragraph begin, or body text may run on
                if s[0] in "）)" or nxt.width >= self.wrap - 1.0:  # ，。； at a line start ran on above
                    return True
                if s[0] in _OPEN and not self.g.label.match(s, 1):
                    return True  # "…建设分布式光伏发电项目应用方" + "（屋顶方）按照…": no paragraph opens with a bracket here
                if self.g.standard_title.match(prev, self.g.heading_start.match(prev).end()):
                    return True  # 一、指导思想以习近平…: a standard title with body run in
                # a short tail that ends the sentence: "…褐潮灾害预" + "警监测工作，积极应对海洋生态灾害。"
                if s[-1] in "。；;" and not (nxt.reaches_margin or self.reaches(nxt.width)):
                    return True
                return nxt.width <= self.wrap * 0.6 and not _CLAUSE_PUNCT.search(s, 0, len(s) - 1)
            return True
        # unwrapped text (one paragraph a line): only a page break cuts a long paragraph
        if nxt.indented or last in _TERMINAL or last in "：:":
            return False
        if marked and (len(prev) >= 16 or _CLAUSE_PUNCT.search(prev)):
            return True  # a line break inside a paragraph (DOCX) mid-sentence; not one of a signature's lines
        if last in "，、,":
            return True
        if heading and para_len == len(prev) and len(prev) <= _TITLE_LINE and not _STOPS.search(prev):
            return False  # 一、筑牢安全屏障,守护群众平安: a title of two phrases, no sentence under way
        # a heading line, or a short paragraph, continues only when its sentence is under way
        return _CLAUSE_PUNCT.search(first) is not None or (not heading and para_len >= 40)


def _open_quote(s: str) -> int:
    """Opening minus closing double quotes (“ ”) in ``s``, taken in order: 1 when it leaves one open,
    -1 when it closes one opened before it."""
    depth = low = 0
    for ch in s:
        if ch == "“":
            depth += 1
        elif ch == "”":
            depth -= 1
            low = min(low, depth)
    return -1 if low < 0 else min(depth, 1)


def _closes(s: str) -> int:
    """Closing brackets in ``s`` that close something opened before it."""
    bal = 0
    closes = 0
    for m in _BRACKETS.finditer(s):  # only the bracket characters are visited
        if m.group() in _OPEN:
            bal += 1
        elif bal > 0:
            bal -= 1
        else:
            closes += 1
    return closes


def normalize(raw: str, grammars: Grammars | None = None) -> Normalized:
    """Run the named steps over a loader's text."""
    g = grammars or load_grammars()
    if raw.count("Р") >= 2 and len(_PILCROW.findall(raw)) >= 2:
        raw = _PILCROW.sub("\n", raw)  # one character for one, as below
    if _ODD_SPACE.search(raw):  # rare, and str.translate walks every character: only when needed
        raw = raw.translate(_ODD_SPACES)  # one character for one: every offset stays where it was
    kept, dropped = drop_noise(_split_lines(raw), g)
    joiner = _Joiner(kept, g)
    cells = table_lines([line.text for line in kept], g)  # a flattened table's cells stay apart
    out: list[str] = []
    norm_starts: list[int] = []
    raw_starts: list[int] = []
    length = 0
    first = ""
    para_len = balance = 0
    for i, line in enumerate(kept):
        if i > 0 and i not in cells and i - 1 not in cells and joiner.join(kept[i - 1], first, para_len, balance, line):
            para_len += len(line.text)
            balance = _bracket_balance_from(balance, line.text)
        else:
            if i > 0:
                norm_starts.append(length)
                raw_starts.append(kept[i - 1].raw_end)
                out.append("\n")
                length += 1
            first = line.text
            para_len = len(line.text)
            balance = _bracket_balance_from(0, line.text)
        for off, raw_off in line.pieces:
            norm_starts.append(length + off)
            raw_starts.append(raw_off)
        out.append(line.text)
        length += len(line.text)
    text, norm_starts, raw_starts = close_gaps("".join(out), norm_starts, raw_starts)
    text, norm_starts, raw_starts = insert_breaks(text, norm_starts, raw_starts, glued_breaks(text, g))  # a web copy's lost breaks
    return Normalized(text, norm_starts, raw_starts, dropped)


def _bracket_balance_from(bal: int, s: str) -> int:
    """Brackets left open after ``s``, starting from ``bal`` open ones."""
    for m in _BRACKETS.finditer(s):
        bal = bal + 1 if m.group() in _OPEN else max(bal - 1, 0)
    return bal
