"""grammars/check/checks.toml: the lint rules' vocabulary as data, validated and compiled once.

Why a schema of its own: the check rules are not parser grammar (planparse.grammar owns that
and must not learn about linting), but they follow the same habits: a Pydantic model with
``extra="forbid"`` (a misspelt key is an error, not a silent no-op), ``{fragment}`` expansion
through ``planparse.grammar.compile``, and examples / counter-examples next to every pattern.
Why a sub-folder: tests/test_grammar_files.py requires each ``grammars/*.toml`` to be a parser
grammar listed in ``planparse.grammar.schema.FILES``.

>>> cfg = load_checks()
>>> cfg.rule("placeholder-unit").severity
'error'
>>> bool(cfg.token.search("达到XX%")), bool(cfg.token.search("X射线"))
(True, False)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import regex
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from planparse.errors import GrammarError
from planparse.grammar import default_grammar_dir
from planparse.grammar.compile import check_unique_ids, compile_pattern

Severity = Literal["error", "warning", "info"]
Family = Literal["units", "placeholders", "dates", "numbering", "targets"]
FILE = "grammars/check/checks.toml"
RELATIVE = Path("check") / "checks.toml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Settings(_Strict):
    quote_chars: int = Field(ge=8, le=200)
    lead_convention_share: float = Field(ge=0, le=1)
    deadline_convention_share: float = Field(ge=0, le=1)
    typo_min_length: int = Field(ge=2)
    typo_min_length_substitution: int = Field(ge=2)


class Placeholders(_Strict):
    token: str
    token_examples: list[str] = Field(min_length=1)
    token_counter_examples: list[str] = Field(default_factory=list)
    value_after: str
    value_after_examples: list[str] = Field(min_length=1)
    value_after_counter_examples: list[str] = Field(default_factory=list)
    value_before: str
    value_before_examples: list[str] = Field(min_length=1)
    value_before_counter_examples: list[str] = Field(default_factory=list)


class DateVocabulary(_Strict):
    date: str
    date_examples: list[str] = Field(min_length=1)
    date_counter_examples: list[str] = Field(default_factory=list)


class UnitVocabulary(_Strict):
    same_unit: list[list[str]]
    known: list[str]
    variant_endings: list[tuple[str, str]]
    optional_chars: list[str] = Field(default_factory=list)


class TargetVocabulary(_Strict):
    unitless: str
    unitless_examples: list[str] = Field(min_length=1)
    unitless_counter_examples: list[str] = Field(default_factory=list)
    goal: str
    goal_examples: list[str] = Field(min_length=1)
    goal_counter_examples: list[str] = Field(default_factory=list)
    goal_section: str
    goal_section_examples: list[str] = Field(min_length=1)
    goal_section_counter_examples: list[str] = Field(default_factory=list)
    not_goal: str
    not_goal_examples: list[str] = Field(min_length=1)
    not_goal_counter_examples: list[str] = Field(default_factory=list)


class Rule(_Strict):
    """One lint rule: a stable code, how bad it is, and the words the report uses."""

    code: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    severity: Severity
    family: Family
    title: str
    message: str
    hint: str
    doc: str


class ChecksFile(_Strict):
    fragments: dict[str, str] = Field(default_factory=dict)
    settings: Settings
    placeholders: Placeholders
    dates: DateVocabulary
    units: UnitVocabulary
    targets: TargetVocabulary
    rule: list[Rule] = Field(min_length=1)


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern with the examples it must match and the counter-examples it must not."""

    name: str
    pattern: regex.Pattern[str]
    examples: list[str]
    counter_examples: list[str]


@dataclass(frozen=True)
class Checks:
    """checks.toml, validated and compiled."""

    source: ChecksFile
    rules: dict[str, Rule]
    token: regex.Pattern[str]
    value_after: regex.Pattern[str]
    value_before: regex.Pattern[str]
    date: regex.Pattern[str]
    unitless: regex.Pattern[str]
    goal: regex.Pattern[str]
    goal_section: regex.Pattern[str]
    not_goal: regex.Pattern[str]
    patterns: list[Pattern]

    @property
    def settings(self) -> Settings:
        return self.source.settings

    @property
    def units(self) -> UnitVocabulary:
        return self.source.units

    def rule(self, code: str) -> Rule:
        """The rule for ``code``; an unknown code is a bug in a rule module, so it raises KeyError."""
        return self.rules[code]


def checks_path(grammar_dir: Path | None = None) -> Path:
    """checks.toml beside the given grammar directory, else beside the shipped one."""
    if grammar_dir is not None and (Path(grammar_dir) / RELATIVE).is_file():
        return Path(grammar_dir) / RELATIVE
    return default_grammar_dir() / RELATIVE


def validate(data: dict[str, object]) -> ChecksFile:
    """Validate parsed TOML; the first error reads ``grammars/check/checks.toml: [loc] message``."""
    try:
        return ChecksFile.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise GrammarError(FILE, " -> ".join(str(p) for p in first["loc"]), first["msg"]) from None


def compile_checks(src: ChecksFile) -> Checks:
    """Compile every pattern (fragments expanded, empty matches refused) and index the rules."""
    check_unique_ids([r.code for r in src.rule], FILE, "rule")
    frag = src.fragments

    def comp(section: str, key: str, flags: int = 0) -> regex.Pattern[str]:
        return compile_pattern(getattr(getattr(src, section), key), frag, FILE, f"{section} -> {key}", flags)

    compiled = {
        "token": comp("placeholders", "token"),
        "value_after": comp("placeholders", "value_after"),
        "value_before": comp("placeholders", "value_before"),
        "date": comp("dates", "date"),
        "unitless": comp("targets", "unitless"),
        "goal": comp("targets", "goal"),
        "goal_section": comp("targets", "goal_section"),
        "not_goal": comp("targets", "not_goal"),
    }
    owners = {"token": "placeholders", "value_after": "placeholders", "value_before": "placeholders", "date": "dates"}
    patterns = [
        Pattern(
            name,
            pat,
            getattr(getattr(src, owners.get(name, "targets")), f"{name}_examples"),
            getattr(getattr(src, owners.get(name, "targets")), f"{name}_counter_examples"),
        )
        for name, pat in compiled.items()
    ]
    return Checks(source=src, rules={r.code: r for r in src.rule}, patterns=patterns, **compiled)


@lru_cache(maxsize=4)
def load_checks(path: Path | str | None = None) -> Checks:
    """Load, validate and compile checks.toml (default: the one shipped beside the grammars)."""
    p = Path(path) if path is not None else checks_path()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise GrammarError(FILE, "", str(err)) from None
    return compile_checks(validate(data))
