"""Bad grammar data gives one exact, located error (style rule 5; spaCy's TEST_PATTERNS idea).

Schema errors go through ``planparse.grammar.validate(name, data)`` on the parsed real file with
one change. Compile errors (fragments, empty matches, duplicates, anchors) need the whole
directory: the real grammars/ is copied to a fresh tmp dir, one file is edited, and
``load_grammars(tmp)`` must refuse it. ``load_grammars`` is cached per path, so every test
uses its own tmp_path.
"""

from __future__ import annotations

import copy
import shutil
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import GRAMMARS

from planparse.errors import GrammarError
from planparse.grammar import load_file, load_grammars, validate


def _data(name: str) -> dict[str, Any]:
    return copy.deepcopy(tomllib.loads((GRAMMARS / name).read_text(encoding="utf-8")))


def _set(data: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return data


# (id, file, path to change, new value, exact message)
SCHEMA_CASES: list[tuple[str, str, tuple[Any, ...], Any, str]] = [
    (
        "unknown-key-in-rule",
        "fields.toml",
        ("label", 2, "alias"),
        ["协办单位"],
        "grammars/fields.toml: [label -> 2 -> alias] Extra inputs are not permitted",
    ),
    ("unknown-top-level-key", "headings.toml", ("colour",), "red", "grammars/headings.toml: [colour] Extra inputs are not permitted"),
    (
        "wrong-type-list",
        "fields.toml",
        ("label", 2, "aliases"),
        "配合单位",
        "grammars/fields.toml: [label -> 2 -> aliases] Input should be a valid list",
    ),
    (
        "wrong-type-int",
        "headings.toml",
        ("family", 1, "level"),
        "one",
        "grammars/headings.toml: [family -> 1 -> level] Input should be a valid integer, unable to parse string as an integer",
    ),
    (
        "level-out-of-range",
        "headings.toml",
        ("family", 1, "level"),
        12,
        "grammars/headings.toml: [family -> 1 -> level] Input should be less than or equal to 9",
    ),
    (
        "unknown-field-value",
        "fields.toml",
        ("label", 0, "field"),
        "leader",
        "grammars/fields.toml: [label -> 0 -> field] Input should be 'lead_units', 'responsible_units', 'cooperating_units', 'deadline' or 'other'",
    ),
    (
        "unknown-role-clause-role",
        "fields.toml",
        ("role_clause", 0, "role"),
        "leader",
        "grammars/fields.toml: [role_clause -> 0 -> role] Input should be 'lead_units', 'responsible_units' or 'cooperating_units'",
    ),
    (
        "empty-aliases",
        "fields.toml",
        ("label", 0, "aliases"),
        [],
        "grammars/fields.toml: [label -> 0 -> aliases] List should have at least 1 item after validation, not 0",
    ),
    (
        "wrong-type-in-list",
        "noise.toml",
        ("line", 0, "examples"),
        ["— 3 —", 3],
        "grammars/noise.toml: [line -> 0 -> examples -> 1] Input should be a valid string",
    ),
]


@pytest.mark.parametrize(("file", "path", "value", "message"), [c[1:] for c in SCHEMA_CASES], ids=[c[0] for c in SCHEMA_CASES])
def test_schema_error_message(file: str, path: tuple[Any, ...], value: Any, message: str) -> None:
    data = _set(_data(file), path, value)
    with pytest.raises(GrammarError) as info:
        validate(file, data)
    assert str(info.value) == message


def test_missing_section_is_reported() -> None:
    data = _data("headings.toml")
    del data["toc"]
    with pytest.raises(GrammarError, match=r"^grammars/headings\.toml: \[toc\] Field required$"):
        validate("headings.toml", data)


def test_real_files_validate_unchanged() -> None:
    for path in sorted(GRAMMARS.glob("*.toml")):
        validate(path.name, _data(path.name))


def test_unknown_grammar_file_name(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    extra.write_text('x = "y"\n', encoding="utf-8")
    with pytest.raises(GrammarError) as info:
        load_file(extra)
    assert str(info.value) == "grammars/extra.toml: unknown grammar file"


def test_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "noise.toml"
    bad.write_text("[[line]\nid = 1\n", encoding="utf-8")
    with pytest.raises(GrammarError, match=r"^grammars/noise\.toml: "):
        load_file(bad)


def _edited(tmp_path: Path, file: str, old: str, new: str) -> Path:
    """A copy of grammars/ in tmp_path with ``old`` replaced once by ``new`` in ``file``."""
    d = tmp_path / "grammars"
    shutil.copytree(GRAMMARS, d)
    target = d / file
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} must occur exactly once in {file}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    return d


def test_unchanged_copy_loads(tmp_path: Path) -> None:
    d = _edited(tmp_path, "noise.toml", "bare-page-number", "bare-page-number")
    assert load_grammars(d).directory == d


# (id, file, old text, new text, exact message)
COMPILE_CASES: list[tuple[str, str, str, str, str]] = [
    (
        "empty-match",
        "noise.toml",
        "pattern = '^[0-9０-９]{1,3}$'",
        "pattern = '^[0-9０-９]{0,3}$'",
        "grammars/noise.toml: [line -> 2 -> pattern] pattern matches the empty string",
    ),
    (
        "unknown-fragment",
        "headings.toml",
        "pattern = '^(?:{lp}{sp}(?P<num>{cn})",
        "pattern = '^(?:{lparen}{sp}(?P<num>{cn})",
        "grammars/headings.toml: [family -> 5 -> pattern] unknown fragment {lparen}; define it under [fragments]",
    ),
    (
        "duplicate-rule-id",
        "deadlines.toml",
        'id = "year-month-end"',
        'id = "year-month-day"',
        "grammars/deadlines.toml: [rule -> 4 -> id] duplicate id 'year-month-day'",
    ),
    (
        "duplicate-noise-id",
        "noise.toml",
        'id = "page-x-of-y"',
        'id = "page-footer-dash"',
        "grammars/noise.toml: [line -> 1 -> id] duplicate id 'page-footer-dash'",
    ),
    (
        "duplicate-heading-family-id",
        "headings.toml",
        'id = "section"',
        'id = "chapter"',
        "grammars/headings.toml: [family -> 2 -> id] duplicate id 'chapter'",
    ),
    (
        "duplicate-label-alias",
        "fields.toml",
        'aliases = ["配合单位", ',
        'aliases = ["牵头单位", ',
        "grammars/fields.toml: [label -> 2 -> aliases] alias '牵头单位' appears twice",
    ),
    (
        "heading-without-caret",
        "headings.toml",
        "pattern = '^(?P<num>[①",
        "pattern = '(?P<num>[①",
        "grammars/headings.toml: [family -> 8 -> pattern] a heading pattern must start with ^ (headings start a line)",
    ),
    (
        "role-clause-without-units",
        "fields.toml",
        "pattern = '^(?:其中)?以(?P<units>",
        "pattern = '^(?:其中)?以(?P<unit>",
        "grammars/fields.toml: [role_clause -> 1 -> pattern] the pattern must capture the units as (?P<units>…)",
    ),
    (
        "prose-marks-empty-match",
        "fields.toml",
        "prose_marks = '^[于此]|",
        "prose_marks = '(?:要)?|^[于此]|",
        "grammars/fields.toml: [block -> prose_marks] pattern matches the empty string",
    ),
    (
        "fragment-cycle",
        "headings.toml",
        "cn = '[一二三四五六七八九十百零〇两]{1,4}'",
        "cn = '{cn}一'",
        "grammars/headings.toml: [fragments -> cn] fragments refer to each other in a cycle",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "message"), [c[1:] for c in COMPILE_CASES], ids=[c[0] for c in COMPILE_CASES])
def test_compile_error_message(tmp_path: Path, file: str, old: str, new: str, message: str) -> None:
    d = _edited(tmp_path, file, old, new)
    with pytest.raises(GrammarError) as info:
        load_grammars(d)
    assert str(info.value) == message


def test_bad_regex_is_a_grammar_error(tmp_path: Path) -> None:
    d = _edited(tmp_path, "noise.toml", "pattern = '^[0-9０-９]{1,3}$'", "pattern = '^([0-9０-９]{1,3}$'")
    with pytest.raises(GrammarError, match=r"^grammars/noise\.toml: \[line -> 2 -> pattern\] bad regex: "):
        load_grammars(d)


def test_quantifier_braces_are_not_fragments(tmp_path: Path) -> None:
    # {2,4} and \p{Han} stay regex syntax, not fragment references
    d = _edited(tmp_path, "noise.toml", "pattern = '^[0-9０-９]{1,3}$'", "pattern = '^(?:[0-9０-９]{1,3}|\\p{Han}{9})$'")
    rule = next(r for r in load_grammars(d).noise_lines if r.id == "bare-page-number")
    assert rule.pattern.fullmatch("12") and rule.pattern.fullmatch("一二三四五六七八九")


def test_pattern_with_only_empty_matches_in_context(tmp_path: Path) -> None:
    d = _edited(tmp_path, "noise.toml", "pattern = '^[0-9０-９]{1,3}$'", "pattern = '^[0-9０-９]*(?=页)'")
    with pytest.raises(GrammarError, match="empty string"):
        load_grammars(d)


def test_duplicate_topic_id(tmp_path: Path) -> None:
    d = _edited(tmp_path, "topics.toml", 'id = "water"', 'id = "air"')
    with pytest.raises(GrammarError, match=r"duplicate id 'air'"):
        load_grammars(d)


def test_shared_fragment_reaches_every_file(tmp_path: Path) -> None:
    # grammars/fragments.toml's names are usable in any file: a change there changes each pattern using it
    d = _edited(tmp_path, "fragments.toml", "|小组|办事处'", "|小组|办事处|专班'")
    g = load_grammars(d)
    assert g.meta["issuer_line"].match("县人居环境整治专班")
    assert g.meta["issuer_notice"].match("县人居环境整治专班关于印发…的通知")


def test_shared_fragment_defined_again_is_refused(tmp_path: Path) -> None:
    # one rule, one place: a file may not shadow a shared fragment with its own copy
    d = _edited(tmp_path, "metadata.toml", "[fragments]\n", "[fragments]\ncnnum = '[〇一二三四五六七八九十]'\n")
    with pytest.raises(GrammarError) as info:
        load_grammars(d)
    assert str(info.value) == "grammars/metadata.toml: [fragments -> cnnum] fragment {cnnum} is already defined in grammars/fragments.toml"


def test_shared_fragment_bad_regex(tmp_path: Path) -> None:
    d = _edited(tmp_path, "fragments.toml", "copy_note = '[（(]此件", "copy_note = '([（(]此件")
    with pytest.raises(GrammarError, match=r"^grammars/fragments\.toml: \[fragments -> copy_note\] bad regex: "):
        load_grammars(d)
