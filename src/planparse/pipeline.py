"""parse(path) = load → normalize → segment → extract → Plan."""

from __future__ import annotations

import bisect
import os
from pathlib import Path

from planparse.errors import InputError
from planparse.extract import extract_all
from planparse.grammar import Grammars, load_grammars
from planparse.loaders import Loaded, load, load_bytes, text_source
from planparse.models import Issue, Plan, Span
from planparse.normalize import normalize
from planparse.options import Options
from planparse.segment import build_tree, find_headings, to_sections


def parse(
    source: str | Path | bytes | bytearray | memoryview,
    *,
    format: str | None = None,
    options: Options | dict[str, int] | None = None,
    grammars: Grammars | None = None,
) -> Plan:
    """Parse a plan file (path) or its bytes. Bad input raises ``InputError`` naming the file.

    >>> plan = parse("samples/003_e7c703fe6ca54374.txt")
    >>> plan.metadata.region, len(plan.tasks)
    ('城中区', 23)
    """
    opts = Options.resolve(options)
    if isinstance(source, bytearray | memoryview):  # bytes read into a buffer (a socket, an mmap)
        source = bytes(source)
    if not isinstance(source, str | bytes | os.PathLike):  # a programming error, not bad input: say what was passed
        raise TypeError(f"planparse.parse takes a path (str or os.PathLike) or the file's bytes, not {type(source).__name__}")
    loaded = load_bytes(source, None, format, opts, grammars) if isinstance(source, bytes) else load(source, format, opts, grammars)
    return parse_loaded(loaded, grammars)


def parse_text(text: str, path: str | None = None, *, grammars: Grammars | None = None) -> Plan:
    """Parse plan text already in memory.

    >>> plan = parse_text("一、总体要求\\n（一）加强领导。（牵头单位：县生态环境局；完成时限：2025年底前）")
    >>> [u.name for u in plan.tasks[0].lead_units], plan.tasks[0].deadline.date
    (['县生态环境局'], '2025-12-31')
    """
    return parse_loaded(Loaded(text=text, source=text_source(text, path)), grammars)


def parse_loaded(loaded: Loaded, grammars: Grammars | None = None) -> Plan:
    g = grammars or load_grammars()
    norm = normalize(loaded.text, g)
    text = norm.text
    if not text.strip():
        raise InputError(loaded.source.path, "empty", "no text in the plan")
    page_starts = loaded.page_starts

    def page_of(pos: int) -> int | None:
        if not page_starts:
            return None
        return max(1, bisect.bisect_right(page_starts, norm.to_raw(pos)))

    nodes = find_headings(text, g)
    roots, warnings = build_tree(nodes, len(text))
    if not nodes and len(text) > 500:
        warnings.append(Issue(code="unsegmented-text", message="no numbered headings found: the text is left unsegmented", span=Span((0, len(text)))))
    if (bad := text.count("\ufffd")) > 0:  # bytes the loader could not decode (txt), glyphs a PDF maps to none
        at = text.index("\ufffd")
        warnings.append(Issue(code="replacement-character", message=f"{bad} character(s) could not be decoded and read as U+FFFD", span=Span((at, at + 1))))
    extracted = extract_all(text, nodes, g, page_of, loaded.cells_repeated)
    warnings.extend(extracted.warnings)
    unique = {(w.code, w.span.root if w.span else None): w for w in warnings}
    warnings = sorted(unique.values(), key=lambda w: (w.span.start if w.span else -1, w.code))
    plan = Plan(
        source=loaded.source,
        metadata=extracted.metadata,
        text=text,
        sections=to_sections(roots, text, page_of),
        tasks=extracted.tasks,
        targets=extracted.targets,
        warnings=warnings,
    )
    # the reviewer's rules (planparse check) are part of every plan's warnings
    from planparse.check import lint, merge_warnings

    plan.warnings = merge_warnings(plan.warnings, lint(plan, grammars=g), g)
    return plan
