"""What every loader returns: text, where each page starts in it, and the Source record."""

from __future__ import annotations

from dataclasses import dataclass, field

from planparse.models import Source


@dataclass
class Loaded:
    """A decoded input, before normalisation.

    ``page_starts[i]`` is the offset in ``text`` where page ``i + 1`` begins (empty for TXT).
    ``tables`` holds task-table rows a loader found (format loaders fill it; TXT leaves it empty).
    """

    text: str
    source: Source
    page_starts: list[int] = field(default_factory=list)
    tables: list[list[list[str]]] = field(default_factory=list)
