"""Running headers and footers of a PDF: the lines each page repeats at its top or bottom edge.

Three pages and more: a line in the top or bottom band that repeats (digits ignored) on at least
half the pages and that the pages' bodies seldom print (``strip_running``). Two pages cannot vote so:
there a line is running when both pages open (or close) with it at the same height, set apart from
the body by more than a line's pitch (a header in the top margin, ``普陀区人民政府办公室``, or the
plan's title over each page), which no body line that happens to start both pages is (``Edge``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from planparse.loaders.base import MARGIN_MARK

_DIGITS = re.compile(r"[0-9０-９]+")
_BAND = 2  # lines at the top and bottom of a page that may be running headers or footers
_APART = 1.6  # a running line stands this many line pitches from its neighbour, or more
_SAME_HEIGHT = 2.0  # points: the same line on two pages is printed at the same height


@dataclass(frozen=True)
class Edge:
    """A page's first or last printed line: its text (as ``band_key`` counts it), the height it is
    printed at, and whether it stands apart from the body (a gap of more than ``_APART`` pitches)."""

    key: str
    y: float
    apart: bool


def band_key(line: str) -> str:
    """A line as its repeats are counted (digits ignored); a table row (cells joined by a tab) is
    never a running line: the rest of a row cut by every page break (``\t联网平台\t\t``, ``\t\t\t府\t底前``)
    repeats at the top of the pages just as a header would. Its key keeps the tabs apart."""
    if "\t" in line:
        return "\t" + line
    return _DIGITS.sub("#", line.strip().strip(MARGIN_MARK).strip())


def page_edges(text: str, textpage: Any) -> tuple[Edge | None, Edge | None]:
    """The first and last printed lines of a page from PDFium's text (lines end with CRLF) and its
    character boxes; (None, None) when the offsets do not match the boxes or the page has under 3 lines."""
    if len(text) != textpage.count_chars():
        return None, None
    rows: list[tuple[str, float, float]] = []  # (text, bottom, top) of each printed line
    pos = 0
    for line in text.split("\r\n"):
        lead = len(line) - len(line.lstrip())
        if line.strip():
            _left, bottom, _right, top = textpage.get_charbox(pos + lead)
            rows.append((line, bottom, top))
        pos += len(line) + 2
    if len(rows) < 3:
        return None, None
    steps = sorted(a[1] - b[1] for a, b in pairwise(rows) if a[1] > b[1])
    if not steps:
        return None, None
    pitch = steps[len(steps) // 4]  # a low quartile: a short last page has as many gaps (header, footer) as lines
    first, last = rows[0], rows[-1]
    return (
        Edge(band_key(first[0]), first[2], first[1] - rows[1][1] > _APART * pitch),
        Edge(band_key(last[0]), last[1], rows[-2][1] - last[1] > _APART * pitch),
    )


def _running_pair(a: Edge | None, b: Edge | None) -> str | None:
    """The key of a line both pages print at the same edge and height, apart from their bodies."""
    if a is None or b is None or not (a.apart and b.apart) or a.key != b.key or not a.key or a.key.startswith("\t"):
        return None
    return a.key if abs(a.y - b.y) <= _SAME_HEIGHT else None


def strip_running(pages: list[list[str]], edges: list[tuple[Edge | None, Edge | None]] | None = None) -> list[list[str]]:
    """Drop lines in the top/bottom band that repeat (digits ignored) on at least half the pages and
    that the pages' bodies seldom print: a field line that ends many pages (``完成时限：2022年2月底前``)
    ends many paragraphs mid-page too, a running header or footer none. Table rows stay (``join_pages``
    deals with what a table repeats). Two pages: the lines their ``edges`` show running."""
    if len(pages) == 2 and edges is not None and len(edges) == 2:
        return _strip_two(pages, edges)
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    inner: Counter[str] = Counter()
    for lines in pages:
        nonblank = [x for x in lines if x.strip()]
        counts.update({band_key(x) for x in nonblank[:_BAND] + nonblank[-_BAND:]})
        inner.update({band_key(x) for x in nonblank[_BAND:-_BAND]})
    limit = max(2, len(pages) // 2)
    running = {k for k, n in counts.items() if n >= limit and len(k) <= 40 and 2 * inner[k] < n and not k.startswith("\t")}
    if not running:
        return pages
    out = []
    for lines in pages:
        keep = [x for x in lines if x.strip()]
        top: set[str] = set()  # a page prints its header once: a line under it with the same text is
        bottom: set[str] = set()  # the body's (a sign-off, a masthead's first line under the office)
        for _ in range(_BAND):
            if keep and (key := band_key(keep[0])) in running and key not in top:
                top.add(key)
                keep.pop(0)
            if keep and (key := band_key(keep[-1])) in running and key not in bottom:
                bottom.add(key)
                keep.pop()
        out.append(keep)
    return out


def _strip_two(pages: list[list[str]], edges: list[tuple[Edge | None, Edge | None]]) -> list[list[str]]:
    head = _running_pair(edges[0][0], edges[1][0])
    foot = _running_pair(edges[0][1], edges[1][1])
    out = []
    for lines in pages:
        keep = [x for x in lines if x.strip()]
        if head and keep and band_key(keep[0]) == head:
            keep.pop(0)
        if foot and keep and band_key(keep[-1]) == foot:
            keep.pop()
        out.append(keep)
    return out
