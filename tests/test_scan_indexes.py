"""What is found once per text and then looked up gives what scanning each range again gives.

Deadline rules with an ``anchor`` (grammars/deadlines.toml) are tried only in the sentences that
hold their anchor: each example's match holds its anchor, and on real plans the anchored scan
finds exactly what trying every rule over the whole text finds. Topic keywords are found in one
pass; a task's topics are those a search of its own range finds."""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from conftest import REALPLANS, SAMPLE_PATHS

from planparse.extract.deadlines import _matches
from planparse.extract.topics import TopicIndex
from planparse.grammar import Compiled, Grammars, load_grammars
from planparse.grammar.compile import literal_alternation
from planparse.loaders import load
from planparse.normalize import normalize

G = load_grammars()
ANCHORED = [(r, src) for r, src in zip(G.deadline_rules, G.deadlines.rule, strict=True) if r.attrs["anchor"] is not None]


def _whole_text(text: str, g: Grammars, start: int = 0, end: int | None = None) -> list[tuple[tuple[int, int], str]]:
    """The reference: every rule over the whole range, leftmost, then longest, then rule order."""
    end = len(text) if end is None else end
    found = [
        (m.start(), -(m.end() - m.start()), order, m.span(), rule.id)
        for order, rule in enumerate(g.deadline_rules)
        for m in rule.pattern.finditer(text, start, end)
        if m.end() > m.start()
    ]
    out, last_end = [], -1
    for s, _neg, _order, span, rule_id in sorted(found, key=lambda t: t[:3]):
        if s >= last_end:
            out.append((span, rule_id))
            last_end = span[1]
    return out


def test_some_rules_are_anchored() -> None:
    assert len(ANCHORED) >= 5


@pytest.mark.parametrize("rule,src", ANCHORED, ids=[r.id for r, _ in ANCHORED])
def test_each_example_match_holds_its_anchor(rule: Compiled, src: object) -> None:
    anchor: regex.Pattern[str] = rule.attrs["anchor"]
    for example in src.examples:  # type: ignore[attr-defined]
        m = rule.pattern.search(example)
        assert m is not None
        assert anchor.search(example, m.start(), m.end()) is not None, f"{rule.id}: {example!r} matches without its anchor"
        assert G.deadline_sentence_end.search(m.group(0)) is None


@pytest.mark.parametrize(
    "text",
    [
        "2024年底前完成。到2025年6月底前，全面完成；每年11月1日至次年3月31日\n2025.12.31 3个月内 年底前",
        "2025年中\n（2024—2026年）立即整改，持续推进。今年年底前；2025年\n中",
        "",
        "年",
    ],
)
def test_anchored_scan_on_edge_texts(text: str) -> None:
    assert [(m.span(), r.id) for m, r, _ in _matches(text, 0, len(text), G)] == _whole_text(text, G)
    for lo in range(len(text)):  # every range that ends a sentence early or starts one late
        for hi in range(lo, len(text) + 1, 3):
            assert [(m.span(), r.id) for m, r, _ in _matches(text, lo, hi, G)] == _whole_text(text, G, lo, hi), (lo, hi)


def _plans() -> list[Path]:
    return SAMPLE_PATHS + (sorted(REALPLANS.glob("*.txt")) if REALPLANS.is_dir() else [])


@pytest.mark.parametrize("path", _plans(), ids=lambda p: p.name)
def test_anchored_scan_finds_what_a_whole_text_scan_finds(path: Path) -> None:
    text = normalize(load(path).text, G).text
    assert [(m.span(), r.id) for m, r, _ in _matches(text, 0, len(text), G)] == _whole_text(text, G)
    lo, hi = len(text) // 3, 2 * len(text) // 3  # a range inside the text, as a 完成时限 field is read
    assert [(m.span(), r.id) for m, r, _ in _matches(text, lo, hi, G)] == _whole_text(text, G, lo, hi)


@pytest.mark.parametrize("path", _plans(), ids=lambda p: p.name)
def test_topics_of_a_range_are_those_its_own_search_finds(path: Path) -> None:
    text = normalize(load(path).text, G).text
    index = TopicIndex(text, G)
    per_topic = [(t.id, regex.compile(literal_alternation(t.keywords))) for t in G.topics.topic]
    step = max(1, len(text) // 400)
    for start in range(0, len(text), step):
        for end in (start + 7, start + 60, start + 900):
            expected = [tid for tid, kw in per_topic if kw.search(text, start, min(end, len(text)))]
            assert index.within(start, min(end, len(text))) == expected, (start, end)


@pytest.mark.parametrize(
    "text,start,end,topics",
    [
        ("大气污染防治", 0, 2, ["air"]),  # a range that ends inside a longer keyword still holds the shorter one
        ("大气污染防治", 1, 6, []),
        ("水生态保护", 1, 5, ["ecology"]),  # a keyword that starts inside another one
        ("水生态保护", 0, 3, ["water"]),
        ("", 0, 0, []),
    ],
)
def test_topic_edges(text: str, start: int, end: int, topics: list[str]) -> None:
    assert TopicIndex(text, G).within(start, end) == topics
