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
    assert isinstance(rx.compile(r"(?<![0-9])[0-9]{4}"), regex.Pattern)  # a lookbehind first: regex skips ahead
    assert isinstance(rx.compile(r"(?:关于)?印发"), regex.Pattern)  # an optional first item
    assert isinstance(rx.compile(r"\p{Han}+"), regex.Pattern)  # re has no \p
    assert isinstance(rx.compile(r"[[a-z]]"), regex.Pattern)  # re would warn: a nested set


@pytest.mark.parametrize("pattern", _on_re() + [p for p in _patterns(load_grammars()) if isinstance(p, regex.Pattern)], ids=lambda p: p.pattern[:40])
def test_text_reading_agrees_with_the_parser(pattern: Any) -> None:
    """Where rx decides from the pattern's text alone (to spare a second parse at start-up), the
    decision is the one re's parser gives."""
    from re import _parser  # type: ignore[attr-defined]

    quick = rx._weak_text(pattern.pattern)
    if quick is None:
        return
    try:
        parsed = _parser.parse(pattern.pattern, pattern.flags & (re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE))
    except re.error:
        return  # only regex reads it: the text decision then only picked the engine to try first
    assert quick == rx._weak_start(list(parsed.data))
