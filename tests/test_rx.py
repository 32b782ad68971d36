"""planparse.rx runs a grammar pattern on Python's ``re`` where ``re`` reads it the same way as the
``regex`` module it is written for. Checked here pattern by pattern: every pattern of the grammars
and of checks.toml that went to ``re`` finds exactly the matches ``regex`` finds in the samples."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
import regex
from conftest import SAMPLE_PATHS

from planparse import rx
from planparse.check import checks_for
from planparse.grammar import Compiled, load_grammars


def _patterns(obj: Any) -> list[Any]:
    """Every compiled pattern held by a Grammars or Checks object (fields, dicts, lists, rules)."""
    out: list[Any] = []
    values = [getattr(obj, f.name) for f in dataclasses.fields(obj)] if dataclasses.is_dataclass(obj) else [obj]
    for v in values:
        if isinstance(v, (re.Pattern, regex.Pattern)):
            out.append(v)
        elif isinstance(v, Compiled):
            out.append(v.pattern)
            out.extend(_patterns(v.attrs))  # prose_not_next, anchor
        elif isinstance(v, dict):
            out.extend(p for x in v.values() for p in _patterns(x))
        elif isinstance(v, (list, tuple)):
            out.extend(p for x in v for p in _patterns(x))
        elif dataclasses.is_dataclass(v) and not isinstance(v, type):
            out.extend(_patterns(v))
    return out


def _on_re() -> list[Any]:
    g = load_grammars()
    found = _patterns(g) + _patterns(checks_for(g))
    return list({(p.pattern, p.flags): p for p in found if isinstance(p, re.Pattern)}.values())


def test_most_patterns_run_on_re_and_some_on_regex() -> None:
    g = load_grammars()
    found = _patterns(g) + _patterns(checks_for(g))
    on_re = sum(isinstance(p, re.Pattern) for p in found)
    assert on_re >= 0.6 * len(found)
    assert any(isinstance(p, regex.Pattern) for p in found)  # \p{Han} and variable lookbehind stay


@pytest.mark.parametrize("pattern", _on_re(), ids=lambda p: p.pattern[:40])
def test_re_and_regex_find_the_same(pattern: re.Pattern[str]) -> None:
    twin = regex.compile(pattern.pattern, pattern.flags & ~(re.UNICODE))
    for path in SAMPLE_PATHS:
        text = path.read_text(encoding="utf-8")
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in twin.finditer(text)], path.name


def test_pattern_choice() -> None:
    assert isinstance(rx.compile(r"[0-9]{4}年"), re.Pattern)
    assert isinstance(rx.compile(r"(?<![0-9])[0-9]{4}"), re.Pattern)  # a lookbehind first: re is given the digits to skip to
    assert isinstance(rx.compile(r"(?=[0-9])(?<![0-9])[0-9]+年"), re.Pattern)  # a lookahead first: re as before, now with a start set
    assert isinstance(rx.compile(r"(?:关于)?印发"), regex.Pattern)  # an optional first item, a literal to search for
    assert isinstance(rx.compile(r".{0,9}印发"), regex.Pattern)  # any character may start it
    assert rx.first_chars(r"^[0-9]+") is None and isinstance(rx.compile(r"^[0-9]+"), re.Pattern)  # ^: one place to try
    assert isinstance(rx.compile(r"[ \t]*"), regex.Pattern)  # it may match nothing
    assert isinstance(rx.compile(r"\p{Han}+"), regex.Pattern)  # re has no \p
    assert isinstance(rx.compile(r"[[a-z]]"), regex.Pattern)  # re would warn: a nested set


# Start sets through every construct: the re pattern, given its start set, finds what regex finds.
STARTS = [
    (r"(?=[0-9])(?<![0-9.．])[0-9]+(?:[.．][0-9]+)?", "第3.5条，共12项，２０２５年"),
    (r"(?:到|至)?(?<![较比])[0-9]{4}年", "到2025年，较2020年，2030年"),
    (r"(?:(?:第)?[一二三])?季度|上半年", "第三季度、季度、二季度、上半年"),
    (r"(?:x|)y", "axy y"),
    (r"(?:[^，]|，)+。", "甲，乙。丙"),  # a negated set joins nothing: no start set, regex
    (r"(?=[0-9])(?:[0-9]+|X)", "X1 22"),  # the lookahead narrows the start: X never starts a match
    (r"(?:(?=年)|[到至])年", "到年 年"),
    (r"(?>[0-9]+)个", "12个 3个"),
    (r"^(?:附件|附表)?[0-9]+$", "附件1\n23\n附表"),
    (r"(?:\b)?[a-z]{2,}", "PM2.5 ab cde"),
    (r"[XxＸ]{1,2}(?=[ \t]*年)|(?:[XＸ]{2,4}|[xｘ]{2,4})", "20XX年 XXX xx"),
]


@pytest.mark.parametrize("pattern,text", STARTS, ids=[p for p, _ in STARTS])
def test_start_sets_find_what_regex_finds(pattern: str, text: str) -> None:
    flags = re.MULTILINE if pattern.startswith("^") else 0
    got = rx.compile(pattern, flags)
    assert [m.span() for m in got.finditer(text)] == [m.span() for m in regex.compile(pattern, flags).finditer(text)]
    assert [m.span() for m in got.finditer(text, 1, len(text) - 1)] == [m.span() for m in re.compile(pattern, flags).finditer(text, 1, len(text) - 1)]


def test_start_sets_of_patterns_with_properties() -> None:
    """re's parser has no \\p{…}; read as any character, a property after the first item leaves its start set."""
    assert rx.first_chars(r"[0-9](?=\p{Han})[^\p{Han}，]") == frozenset("0123456789")
    assert rx.first_chars(r"(?:第|[（(])(?=\p{Han})") == frozenset("第（(")
    assert rx.first_chars(r"\p{Han}+") is None and rx.first_chars(r"[\p{Han}0-9]") is None
    assert rx.first_chars(r"(?=\p{Han})[一二]") is None  # a property first: any character may start it


def test_heading_markers_have_a_start_set() -> None:
    """heading_at answers most positions with one set lookup; a family whose start set cannot be read
    (the decimal outline's \\p{Han} lookahead did that) made every test a regex match: parse 15% slower."""
    g = load_grammars()
    assert g.heading_first is not None and set("一（1①第") <= g.heading_first
