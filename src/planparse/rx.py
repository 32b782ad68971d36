"""One way to compile a pattern: the standard ``re`` engine where it is the faster of the two and
reads the pattern the same way, the ``regex`` module otherwise.

Grammar patterns are written for ``regex`` (``\\p{Han}``, variable-width lookbehind, one group name
in two branches). Most are plain enough for ``re``, which scans plan text two to three times
faster, except where a pattern opens with a lookbehind or an optional item (``(?:关于)?印发``):
``re`` then tries every position, while ``regex`` still jumps to the first required literal.
Measured over the samples and real plans, this split makes the whole parse about a quarter
faster than either engine alone. A pattern ``re`` cannot compile, or would read differently
(``[[`` nested sets draw a FutureWarning), goes to ``regex``. tests/test_rx.py checks every
grammar pattern on ``re`` against ``regex`` over the samples: the same matches.

>>> type(compile(r"[0-9]{4}年")).__module__, type(compile(r"\\p{Han}+")).__module__
('re', '_regex')
>>> type(compile(r"(?:关于)?印发")).__module__
'_regex'
"""

from __future__ import annotations

import functools
import re
import warnings
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

import regex

_REGEX_ONLY = regex.VERSION1 | regex.BESTMATCH | regex.ENHANCEMATCH | regex.POSIX | regex.REVERSE | regex.WORD | regex.FULLCASE
_RE_FLAGS = re.IGNORECASE | re.MULTILINE | re.DOTALL | re.VERBOSE | re.ASCII | re.UNICODE


@functools.lru_cache(maxsize=1024)  # patterns built at run time (a plan's own unit list) come back often
def compile(pattern: str, flags: int = 0) -> Any:
    """A compiled pattern with the ``re`` API (``search``, ``finditer(text, pos, endpos)``, groups).

    Raises ``regex.error`` for a pattern neither engine accepts (the grammar loader reports it).
    """
    if not flags & _REGEX_ONLY:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error")  # a FutureWarning means re would read it otherwise
                weak = _weak_text(pattern)
                if weak is None:  # not plain from the text alone: ask re's own parser
                    weak = _weak_start(list(_parser.parse(pattern, flags & _RE_FLAGS).data))
                if not weak:
                    return re.compile(pattern, flags & _RE_FLAGS)
        except (re.error, FutureWarning, DeprecationWarning, ValueError, TypeError, OverflowError, RecursionError):
            pass
    return regex.compile(pattern, flags)


_PLAIN = frozenset("\\.^$*+?{}[]()|")  # characters that are not literals in a pattern


def _weak_text(p: str) -> bool | None:
    """``_weak_start`` read off the pattern's text where that is easy (it saves a second parse at
    start-up): a leading lookahead is strong, a lookbehind weak, a literal or a class strong unless
    a ``?``/``*`` follows it; ``None`` where it takes a parser (a group first)."""
    i = 1 if p.startswith("^") else 0
    if p.startswith(("(?=", "(?!"), i):
        return False
    if p.startswith(("(?<=", "(?<!"), i):
        return True
    if i >= len(p) or p[i] in "()|":
        return None
    if p[i] == "[":
        end = p.find("]", i + 2)  # a class's first character may be ] itself
        if end < 0 or "[" in p[i + 1 : end] or "\\" in p[i:end]:
            return None
        nxt = end + 1
    elif p[i] not in _PLAIN:
        nxt = i + 1
    else:
        return None
    return nxt < len(p) and (p[nxt] in "?*" or p.startswith("{0", nxt))


def _weak_start(items: list[tuple[Any, Any]]) -> bool:
    """True when the pattern's first item is a lookbehind or may be absent: ``re`` finds no first
    characters to skip ahead with there."""
    while items:
        op, av = items[0]
        if op is sre.AT:  # ^ and \b do not consume: look at what follows
            items = items[1:]
        elif op is sre.SUBPATTERN:
            items = list(av[3].data) + items[1:]
        elif op in (sre.ASSERT, sre.ASSERT_NOT):
            return bool(av[0] < 0)
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            return bool(av[0] == 0)
        else:
            return False
    return False
