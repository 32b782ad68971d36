"""Turn grammar text into compiled patterns: ``{fragment}`` expansion and the checks that keep rules sane.

``{name}`` is replaced by ``[fragments].name``; a name that is not defined is an error. Regex
quantifiers (``{1,2}``) and Unicode properties (``\\p{Han}``) are not names and are left alone.

>>> expand(r"^(?P<num>{cn})、", {"cn": "[一二三]+"}, "headings.toml", "family -> 0 -> pattern")
'^(?P<num>[一二三]+)、'
>>> expand(r"\\p{Han}{2,4}", {}, "x.toml", "p")
'\\\\p{Han}{2,4}'
"""

from __future__ import annotations

import regex

from planparse import rx
from planparse.errors import GrammarError

_REF = rx.compile(r"(?<!\\[pPN])\{([A-Za-z_][A-Za-z0-9_]*)\}")


def expand(pattern: str, fragments: dict[str, str], file: str, loc: str, _depth: int = 0) -> str:
    """Replace every ``{name}`` by its fragment, recursively (fragments may use fragments)."""
    if _depth > 8:
        raise GrammarError(file, loc, "fragments refer to each other in a cycle")

    def sub(m: regex.Match[str]) -> str:
        name = m.group(1)
        if name not in fragments:
            raise GrammarError(file, loc, f"unknown fragment {{{name}}}; define it under [fragments]")
        return expand(fragments[name], fragments, file, f"fragments -> {name}", _depth + 1)

    return _REF.sub(sub, pattern)


def compile_pattern(pattern: str, fragments: dict[str, str], file: str, loc: str, flags: int = 0) -> regex.Pattern[str]:
    """Expand and compile one rule pattern; refuse a pattern that matches the empty string."""
    source = expand(pattern, fragments, file, loc)
    try:
        compiled = rx.compile(source, flags | regex.V0)
    except regex.error as err:
        raise GrammarError(file, loc, f"bad regex: {err}") from None
    if compiled.fullmatch("") is not None:
        raise GrammarError(file, loc, "pattern matches the empty string")
    return compiled


def check_unique_ids(ids: list[str], file: str, kind: str) -> None:
    """Rule ids are how output and warnings name a rule: they must be unique within a file."""
    seen: set[str] = set()
    for i, rule_id in enumerate(ids):
        if rule_id in seen:
            raise GrammarError(file, f"{kind} -> {i} -> id", f"duplicate id {rule_id!r}")
        seen.add(rule_id)


def literal_alternation(words: list[str]) -> str:
    """A regex alternation of literal words, longest first so the longest label wins."""
    return "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))


_NAMED_GROUP = regex.compile(r"(?<!\\)\(\?P<\w+>")


def any_of(patterns: list[str]) -> str:
    """One alternation of several patterns, for asking only whether any of them matches. Their
    group names are dropped where nothing refers to them: two patterns that both name a group
    ``num`` would otherwise keep the union off the faster ``re`` engine."""
    union = "|".join(f"(?:{p})" for p in patterns)
    return union if "(?P=" in union or "(?(" in union else _NAMED_GROUP.sub("(?:", union)
