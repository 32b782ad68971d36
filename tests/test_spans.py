"""Every record's evidence points at itself: ``text[start:end] == raw`` for every sample plan.

Runs over samples/*.txt and, when ../shared exists beside the checkout, every
../shared/realplans/*.txt (real published plans, see that folder's README). Names split across
lines (units, joined titles) are compared with line breaks removed, as the contract says.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest
from conftest import REALPLAN_PATHS, SAMPLE_PATHS, SHARED_MISSING

import planparse
from planparse import Plan, Section, Span

PATHS: list[Path] = SAMPLE_PATHS + REALPLAN_PATHS
if not REALPLAN_PATHS:
    PATHS_PARAMS = [pytest.param(p, id=p.name) for p in SAMPLE_PATHS] + [
        pytest.param(None, id="realplans", marks=pytest.mark.skip(reason=SHARED_MISSING))
    ]
else:
    PATHS_PARAMS = [pytest.param(p, id=p.name) for p in PATHS]

_GAP = re.compile(r"[ \t\u3000\n]+")


@cache
def _plan(path: Path) -> Plan:
    return planparse.parse(path)


def _evidence(plan: Plan) -> list[tuple[str, Span, str, bool]]:
    """(what, span, raw, is_name) for every record carrying a raw text or a name."""
    out: list[tuple[str, Span, str, bool]] = []
    for task in plan.tasks:
        for role in ("lead_units", "responsible_units", "cooperating_units"):
            for unit in getattr(task, role):
                out.append((f"{task.id}.{role}", unit.span, unit.name, True))
        dates = ([task.deadline] if task.deadline else []) + task.milestones
        for d in dates:
            out.append((f"{task.id}.deadline", d.span, d.raw, False))
    for target in plan.targets:
        out.append(("target", target.span, target.raw, False))
    for sec in plan.iter_sections():
        # a letter-spaced title (总　　则) reads closed up (总则); its span covers the spaced text
        out.append((f"{sec.id}.title", sec.title_span, sec.title, False))
    return out


@pytest.mark.parametrize("path", PATHS_PARAMS)
def test_raw_equals_text_at_span(path: Path) -> None:
    plan = _plan(path)
    text = plan.text
    bad = []
    for what, span, raw, is_name in _evidence(plan):
        got = text[span.start : span.end]
        if is_name:
            got = got.replace("\n", "")
        if got != raw and not (what.endswith(".title") and _GAP.sub("", got) == raw):
            bad.append((what, span.root, raw, got))
    assert not bad, f"{len(bad)} records whose span does not give their raw text, e.g. {bad[:5]}"


@pytest.mark.parametrize("path", PATHS_PARAMS)
def test_metadata_title_span(path: Path) -> None:
    meta = _plan(path).metadata
    if meta.title_span is None:
        assert meta.title is None, "a title without a span"
        return
    text = _plan(path).text
    # the title is joined across lines and loses the spaces between CJK characters
    got = _GAP.sub("", text[meta.title_span.start : meta.title_span.end])
    assert meta.title is not None and got == _GAP.sub("", meta.title)


@pytest.mark.parametrize("path", PATHS_PARAMS)
def test_every_span_inside_text(path: Path) -> None:
    plan = _plan(path)
    n = len(plan.text)
    spans: list[tuple[str, Span]] = [(w, s) for w, s, _, _ in _evidence(plan)]
    spans += [(f"{s.id}.span", s.span) for s in plan.iter_sections()]
    spans += [(f"{t.id}.span", t.span) for t in plan.tasks]
    spans += [(f"warning {w.code}", w.span) for w in plan.warnings if w.span is not None]
    if plan.metadata.title_span is not None:
        spans.append(("metadata.title", plan.metadata.title_span))
    outside = [(w, s.root) for w, s in spans if not 0 <= s.start <= s.end <= n]
    assert not outside, f"spans outside text of length {n}: {outside[:5]}"


def _nest(parent: Section | None, sections: list[Section], n: int, bad: list[str]) -> None:
    prev_end = parent.span.start if parent else 0
    for sec in sections:
        lo, hi = (parent.span.start, parent.span.end) if parent else (0, n)
        if not lo <= sec.span.start <= sec.span.end <= hi:
            bad.append(f"{sec.id} {sec.span.root} not inside {parent.id if parent else 'text'} {(lo, hi)}")
        if sec.span.start < prev_end:
            bad.append(f"{sec.id} starts before its previous sibling ends")
        if not sec.span.start <= sec.title_span.start <= sec.title_span.end <= sec.span.end:
            bad.append(f"{sec.id} title_span {sec.title_span.root} outside its section {sec.span.root}")
        prev_end = sec.span.end
        _nest(sec, sec.children, n, bad)


@pytest.mark.parametrize("path", PATHS_PARAMS)
def test_sections_nest(path: Path) -> None:
    plan = _plan(path)
    bad: list[str] = []
    _nest(None, plan.sections, len(plan.text), bad)
    assert not bad, bad[:5]


@pytest.mark.parametrize("path", PATHS_PARAMS)
def test_tasks_in_document_order(path: Path) -> None:
    plan = _plan(path)
    starts = [t.span.start for t in plan.tasks]
    assert starts == sorted(starts), "tasks out of document order"
    assert [t.id for t in plan.tasks] == [f"t{i}" for i in range(1, len(plan.tasks) + 1)]
    ids = {s.id for s in plan.iter_sections()}
    assert all(t.section_id is None or t.section_id in ids for t in plan.tasks)


@pytest.mark.parametrize("path", PATHS_PARAMS)
def test_targets_in_document_order(path: Path) -> None:
    starts = [t.span.start for t in _plan(path).targets]
    assert starts == sorted(starts), "targets out of document order"
