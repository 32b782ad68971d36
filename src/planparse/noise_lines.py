"""The ``noise`` step of normalize: page footers, web debris and running headers dropped before
the lines are joined (grammars/noise.toml). Split from normalize.py, which joins what is left."""

from __future__ import annotations

from typing import TYPE_CHECKING

from planparse import rx
from planparse.grammar import Grammars

if TYPE_CHECKING:
    from planparse.normalize import Line

_ENDS_SENTENCE = rx.compile("[。；;]$")


def drop_noise(lines: list[Line], g: Grammars) -> tuple[list[Line], list[str]]:
    """Drop noise lines; a bare page number only next to a page break (blank line or form feed)."""
    kept: list[Line] = []
    dropped: list[str] = []
    breaks: list[bool] = []  # per kept line: a page break or dropped footer just before it
    pending_break = False
    for i, line in enumerate(lines):
        if not line.text:
            pending_break = pending_break or line.form_feed
            continue
        if g.noise_any.fullmatch(line.text):
            rule = next(r for r in g.noise_lines if r.pattern.fullmatch(line.text))
            near_break = (i > 0 and (not lines[i - 1].text or lines[i - 1].form_feed)) or (
                i + 1 < len(lines) and (not lines[i + 1].text or lines[i + 1].form_feed)
            )
            if not rule.attrs["needs_break"] or near_break:
                dropped.append(rule.id)
                pending_break = True
                continue
        kept.append(line)
        breaks.append(pending_break or line.form_feed)
        pending_break = False
    return _drop_running_headers(kept, breaks, g, dropped), dropped


def _drop_running_headers(lines: list[Line], breaks: list[bool], g: Grammars, dropped: list[str]) -> list[Line]:
    """A short line repeated at page breaks (a running header such as the plan's title) is dropped."""
    counts: dict[str, int] = {}
    at_break: dict[str, int] = {}
    for line, brk in zip(lines, breaks, strict=True):
        if len(line.text) <= 60 and not _ENDS_SENTENCE.search(line.text):
            counts[line.text] = counts.get(line.text, 0) + 1
            if brk:
                at_break[line.text] = at_break.get(line.text, 0) + 1
    running = {t for t, n in at_break.items() if n >= 2 and counts[t] >= 3 and not g.heading_at(t) and not g.label.match(t)}
    if not running:
        return lines
    out: list[Line] = []
    for line, brk in zip(lines, breaks, strict=True):
        if line.text in running and brk:
            dropped.append("running-header")
            continue
        out.append(line)
    return out
