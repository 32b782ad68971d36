"""Exceptions: bad input is not a bug, so it gets its own type with a stable code and the file."""

from __future__ import annotations


class PlanparseError(Exception):
    """Base of every error planparse raises on purpose."""

    code = "error"


class InputError(PlanparseError):
    """An input that cannot be read as a plan. ``str(err)`` is one line naming the file and the reason.

    >>> str(InputError("plan.txt", "decode-failed", "not UTF-8, GB18030 or UTF-16 text"))
    'plan.txt: not UTF-8, GB18030 or UTF-16 text [decode-failed]'
    """

    def __init__(self, path: str | None, code: str, reason: str) -> None:
        self.path = path or "<text>"
        self.code = code
        self.reason = reason
        super().__init__(f"{self.path}: {reason} [{code}]")


class GrammarError(PlanparseError):
    """A grammar file that does not validate: ``grammars/fields.toml: [label -> 2 -> aliases] msg``."""

    code = "grammar"

    def __init__(self, file: str, loc: str, message: str) -> None:
        self.file = file
        self.loc = loc
        super().__init__(f"{file}: [{loc}] {message}" if loc else f"{file}: {message}")
