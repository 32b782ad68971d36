"""Exceptions: bad input is not a bug, so it gets its own type with a stable code and the file."""

from __future__ import annotations


def shown(path: str) -> str:
    """A file name as text that goes anywhere (JSON, SQLite, a terminal). Bytes of a name that are not
    UTF-8 come from ``os.fsdecode`` as lone surrogates, which no UTF-8 writer accepts (a batch stopped
    on one with a traceback); they are written ``\\xNN``, and the rest of the name as it is.

    >>> shown("bad\\udcff.txt"), shown("方案 1.txt")
    ('bad\\\\xff.txt', '方案 1.txt')
    """
    try:
        return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate that is no escaped byte
        return path.encode("utf-8", "backslashreplace").decode("utf-8")


class PlanparseError(Exception):
    """Base of every error planparse raises on purpose."""

    code = "error"


class InputError(PlanparseError):
    """An input that cannot be read as a plan. ``str(err)`` is one line naming the file and the reason.

    >>> str(InputError("plan.txt", "decode-failed", "not UTF-8, GB18030 or UTF-16 text"))
    'plan.txt: not UTF-8, GB18030 or UTF-16 text [decode-failed]'
    """

    def __init__(self, path: str | None, code: str, reason: str) -> None:
        self.path = shown(path) if path else "<text>"
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
