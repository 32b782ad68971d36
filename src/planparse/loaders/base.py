"""What every loader returns: text, where each page starts in it, and the Source record."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from planparse.models import Source

# Ends a line that goes on in the next one whatever its width says: a PDF line that reaches the right
# margin (its character boxes), a DOCX line break inside a paragraph (w:br). A word joiner,
# invisible and meaningless at a line's end; the normaliser reads it and drops it.
MARGIN_MARK = "\u2060"
# Starts a line that starts a paragraph right of the margin: a PDF's indented line, a DOCX paragraph
# with a first-line indent or set centred or flush right. The normaliser reads it and trims it.
INDENT = "\u3000\u3000"


@dataclass
class Loaded:
    """A decoded input, before normalisation.

    ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins (empty for TXT).
    ``tables`` holds task-table rows a loader found (format loaders fill it; TXT leaves it empty).
    ``cells_repeated``: the loader wrote a merged table cell under every row it spans (DOCX, HTML,
    PDF's ruled tables), so a blank cell in its tab-separated rows is blank; text shows no merges.
    """

    text: str
    source: Source
    page_starts: list[int] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
    cells_repeated: bool = False


# a line ending or starting with one of these goes on: punctuation, and a dash or tilde between two
# ends of a range (津宁高速— / 西外环高速)
_JOINS_AS_IS = "。！？；;，,、：:（(）)“”‘’《》—–－~～"
_ENDS_AS_IS = _JOINS_AS_IS.replace("）)", "")


def cell_text(paragraphs: Iterable[str]) -> str:
    """A table cell's paragraphs and soft line breaks as one cell's text. Short lines with no
    punctuation between them are list items (a unit a line: 市住房城乡建设委 / 各区住房城乡建设部门)
    and are joined with 、; the rest (a sentence and its punctuation, a long paragraph) as written.
    A line that ends in a soft break (the loader's mark) wraps on, unless two names meet there
    (``names_meet``: 市工信局 / 市科技局 written a unit a line with Shift+Enter).
    A form feed (a loader's page mark) within a line stays where it was; a line holding nothing else
    is dropped with the other empty ones."""
    lines = [x for p in paragraphs for x in p.split("\n")]
    # a line ending in a soft break (the loader's mark) wraps on into the next: no 、 there
    parts = [(s, x.rstrip(_SPACES).endswith(MARGIN_MARK)) for x in lines if (s := x.strip(_SPACES + MARGIN_MARK)).strip()]
    out = [p for p, _ in parts[:1]]
    item = out[0].strip() if out else ""  # the list item so far: the lines since the last 、
    for (prev, soft), (part, _) in pairwise(parts):
        a, b = prev.strip(), part.strip()
        # one character alone is a word cut by a narrow column (全面消 / 除, 时 / 间), never an item
        # a closing bracket ends a name with its scope (各镇（街道） / 区级相关部门): the list goes on
        listed = 1 < len(a) <= _ITEM and 1 < len(b) <= _ITEM and a[-1] not in _ENDS_AS_IS and b[0] not in _JOINS_AS_IS
        dated = a[-1].isdigit() or a[-1] in "年月" or b[0].isdigit()  # 2023年 / 12月底前
        if (listed and not dated and not soft) or (soft and names_meet(item, b)):
            out.append("、" + part)
            item = b
        else:
            out.append(part)
            item += b
    return "".join(out)


def names_meet(before: str, after: str) -> bool:
    """Whether a line break that would wrap on (a soft break in Word, a PDF line that reaches its
    column's edge) falls between two units' names: the item before it and the one after it each
    start with a level (市, 区, 县 …) or are a collective unit (各乡镇, 有关部门), and end as an
    organisation does (局, 委员会, 中心 …; a note in brackets after it aside). A name wrapped at the
    column's edge is cut mid-word (区市政公用服务 / 中心) or after its place (中共某某市委 / 宣传部,
    某某县人民政府 / 办公室), and a sentence seldom starts and ends a line that way. The words come
    from the unit grammar (grammars/unit_aliases.toml). Lines that list units with 、 themselves meet
    at their last and first names (市发改委、市财政局 / 市住建局、市城管局)."""
    return _is_name(BRACKETED.sub("", before).split("、")[-1]) and _is_name(BRACKETED.sub("", after).split("、")[0])


def _is_name(text: str) -> bool:
    from planparse.grammar import load_grammars  # the loaders read the shipped grammar, once

    g = load_grammars()
    bare = BRACKETED.sub("", text.strip())  # 区工信局（高耗能项目）, 各县（市、区）人民政府
    if not 1 < len(bare) <= _ITEM or _PUNCTUATED.search(bare) or not g.unit_patterns["suffix"].search(bare):
        return False
    return bool(g.unit_patterns["admin_prefix"].match(bare)) or any(c.pattern.search(bare) for c in g.collective)


_SPACES = " \t\r\u3000\xa0"
_ITEM = 30  # longest line read as one item of a list (a unit's name, a date)
BRACKETED = re.compile(r"[（(][^（()）]*[）)]")  # a bracketed note, no bracket inside
_PUNCTUATED = re.compile(r"[\s。！？；;，,、：:“”‘’《》（()）]")
