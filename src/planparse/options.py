"""Limits and switches for one parse, as one typed object (no global settings, no **kwargs).

>>> Options.resolve(None).max_pages
2000
>>> Options.resolve({"max_pages": 10}).max_pages
10
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Options:
    """Bounds on the work one input may cause. The defaults suit any real plan."""

    max_bytes: int = 200 * 1024 * 1024  # input file size
    max_pages: int = 2000  # PDF pages
    max_docx_uncompressed: int = 300 * 1024 * 1024  # sum of a .docx's members once inflated
    max_docx_members: int = 5000  # files inside a .docx
    max_text_chars: int = 20_000_000  # decoded text length

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Options.{f.name} must be a positive integer, got {value!r}")

    @classmethod
    def resolve(cls, value: Options | dict[str, Any] | None) -> Options:
        """None → defaults; a dict → defaults updated by it (unknown keys are an error); an Options → itself."""
        if value is None:
            return cls()
        if isinstance(value, Options):
            return value
        known = {f.name for f in fields(cls)}
        unknown = set(value) - known
        if unknown:
            raise ValueError(f"unknown option(s): {', '.join(sorted(unknown))}")
        return replace(cls(), **value)
