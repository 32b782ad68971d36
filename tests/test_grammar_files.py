"""Every grammar file validates, and every rule's examples match while its counter-examples do not.

Style rule 3 (Duckling's corpus + negative corpus): the examples live beside each rule in
grammars/*.toml; this one test walks all of them, one test id per rule (``file:id``).
"""

from __future__ import annotations

import pytest
import regex
from conftest import GRAMMARS

from planparse.grammar import Grammars, load_file, load_grammars
from planparse.grammar.schema import FILES

RuleRow = tuple[str, str, list[str], list[str], regex.Pattern[str]]
RULES: list[RuleRow] = load_grammars(GRAMMARS).rules()


def test_every_grammar_file_is_known_and_validates() -> None:
    names = sorted(p.name for p in GRAMMARS.glob("*.toml"))
    assert names == sorted(FILES), "grammars/*.toml and grammar.schema.FILES disagree"
    for name in names:
        assert isinstance(load_file(GRAMMARS / name), FILES[name])


def test_load_grammars_default_is_the_checkout_directory() -> None:
    g: Grammars = load_grammars()
    assert g.directory.resolve() == GRAMMARS.resolve()
    assert g.heading_families and g.label_field and g.deadline_rules and g.noise_lines


def test_rule_ids_unique_per_file() -> None:
    seen: set[tuple[str, str]] = set()
    for file, rule_id, *_ in RULES:
        # headings.toml "toc" is a settings block, the rest are [[rule]] ids
        assert (file, rule_id) not in seen, f"{file}: duplicate rule id {rule_id!r}"
        seen.add((file, rule_id))


def test_every_rule_carries_examples() -> None:
    without = [f"{f}:{i}" for f, i, ex, _, _ in RULES if not ex]
    assert not without, f"rules without examples: {without}"


@pytest.mark.parametrize("row", RULES, ids=[f"{r[0]}:{r[1]}" for r in RULES])
def test_rule_examples(row: RuleRow) -> None:
    file, rule_id, examples, counter_examples, pattern = row
    missed = [e for e in examples if pattern.search(e) is None]
    wrongly = [c for c in counter_examples if pattern.search(c) is not None]
    assert not missed, f"{file}:{rule_id} misses its examples {missed}"
    assert not wrongly, f"{file}:{rule_id} matches its counter-examples {wrongly}"


def test_shipped_rules_never_match_the_empty_string() -> None:
    """load_grammars probes a custom grammar directory for empty matches; the shipped one is probed here."""
    from planparse.grammar import _check_no_empty_matches

    _check_no_empty_matches(load_grammars())


def test_heading_markers_write_enclosed_glyphs_out() -> None:
    """The enclosed markers (㈠, ⑴, ⒈) are listed glyph by glyph, never as a range of code points.

    A range such as [⑴-⒇] in one alternative of headings.toml keeps the regex module from skimming the
    text for the first characters heading_start can open with: unglue's unanchored scan for markers
    inside lines then tries every position, about 9 times slower over the real inputs (normalize grew
    by a third). A timing belongs in bench/, so this checks the cause instead.
    """
    enclosed = "㈠㈩⑴⒇⒈⒛"
    ranges = regex.findall(r"(.)-(.)", load_grammars(GRAMMARS).heading_start.pattern)
    assert [r for r in ranges if r[0] in enclosed or r[1] in enclosed] == []
