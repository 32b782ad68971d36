"""Label values on lines of their own.

Labels alone on their line, without a colon, the value on the next line: a form, or a table of two
columns flattened one cell per line, under a numbered item::

    1.开展林区巡查。
    责任单位
    县卫健局、县文旅局
    完成时限
    2024年底前

Without the colon the label is weak evidence (the header row of a flattened 任务分工表 is label words one
per line too), so a bare label counts only when the line after it holds what the label asks for: units
that all look like organisations, or a date. A header's label is followed by another header cell or by
the first row's number, and a title cell (开展…) is no list of organisations.

And the lines of units that continue a label's value (:func:`continuation_lines`): both read a value from
the lines around its label rather than from the label's own line.
"""

from __future__ import annotations

from functools import lru_cache

import regex

from planparse import rx
from planparse.extract.clauses import UNIT_FIELDS
from planparse.extract.deadlines import holds_date
from planparse.extract.units import _STRIP, looks_like_unit, split_units
from planparse.grammar import Grammars
from planparse.grammar.compile import literal_alternation

_MAX_VALUE = 80  # a longer next line is prose, not a form's value


@lru_cache(maxsize=4)
def _bare(aliases: tuple[str, ...]) -> regex.Pattern[str]:
    """A label word filling its line (spaces around it), the match ending where the next line's text starts."""
    return rx.compile(f"^[ \\t\\u3000]*(?P<label>{literal_alternation(list(aliases))})[ \\t\\u3000]*\\n[ \\t\\u3000]*(?=\\S)", regex.MULTILINE)


def bare_labels(text: str, g: Grammars) -> list[regex.Match[str]]:
    """Bare label lines whose next line is their value (units or a date), as label matches: ``label``
    the word, the match's end where the value begins."""
    if "\n" not in text:
        return []
    out: list[regex.Match[str]] = []
    for m in _bare(tuple(g.label_field)).finditer(text):
        fld = g.label_field[m.group("label")]
        if fld not in UNIT_FIELDS and fld != "deadline":
            continue  # 备注, 责任人: nothing tells their value from the next cell's
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        value = text[m.end() : end].strip()
        if not value or len(value) > _MAX_VALUE or g.label.match(value) or g.heading_at(text, m.end()) is not None:
            continue
        if fld == "deadline":
            if holds_date(text, m.end(), end, g):
                out.append(m)
            continue
        units = split_units(text, m.end(), end, g)
        if units and all(looks_like_unit(u.name, g) for u in units):
            out.append(m)
    return out


_MAX_CONTINUATION = 60  # a longer line is prose, not a line of unit names


def continuation_lines(text: str, pos: int, stop: int, g: Grammars) -> list[tuple[int, int]]:
    """Lines from ``pos`` (the start of the line after a units label's value) that continue its list:
    "责任单位：县水利局\n　　　　　各乡镇人民政府\n完成时限：…" (an indented line of units under the value).
    Each line holds only units that end as organisations do (or are collective), and the run ends
    at ``stop`` (the next label) or a heading: a sign-off (××县人民政府办公室, then a date)
    or a line of prose after the block is no part of it. [] when the run does not end so."""
    up = g.unit_patterns
    out: list[tuple[int, int]] = []
    while pos < min(stop, len(text)) and g.heading_at(text, pos) is None:
        end = text.find("\n", pos)
        end = len(text) if end < 0 else end
        line = text[pos:end].strip(_STRIP)
        if not line or len(line) > _MAX_CONTINUATION or any(ch in line for ch in "，,；;：:。"):
            return []
        units = split_units(text, pos, end, g)
        if not units or not all(looks_like_unit(u.name, g) and (up["conjunct"].search(u.name) or u.collective) for u in units):
            return []
        out.append((pos, end))
        pos = end + 1
    return out if pos < len(text) else []
