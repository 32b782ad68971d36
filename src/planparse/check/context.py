"""What every rule module shares: the plan, the grammars, checks.toml, and how to place a finding.

Rules only decide *what* is wrong; this module decides *how it is reported*: the message
template and hint come from checks.toml (so wording is data), the section path and page come
from the plan's heading tree, and the quote from ``Plan.text``. Keeping that here means every
rule reports locations the same way.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import Any

from planparse.check.config import Checks
from planparse.check.finding import Finding
from planparse.grammar import Grammars
from planparse.models import Issue, Plan, Section, Span, Task

_SPACE = re.compile(r"\s+")


class Spans:
    """Sorted spans; ``holds(s, e)`` is true when one of them contains [s, e)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]

    def holds(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self.starts, start)
        # spans hardly overlap (units never do): the few that start last before ``start`` decide
        return any(s <= start and end <= e for s, e in self.spans[max(0, i - 3) : i])

    def overlaps(self, start: int, end: int) -> bool:
        """True when one of the spans shares a character with [start, end)."""
        i = bisect.bisect_left(self.starts, end)
        return any(s < end and start < e for s, e in self.spans[max(0, i - 3) : i])


@dataclass
class _Flat:
    section: Section
    parent: int | None  # index into the flat list
    path: list[str]


def _flatten(sections: list[Section]) -> list[_Flat]:
    out: list[_Flat] = []

    def walk(secs: list[Section], parent: int | None, path: list[str]) -> None:
        for s in secs:
            out.append(_Flat(s, parent, [*path, s.marker]))
            walk(s.children, len(out) - 1, [*path, s.marker])

    walk(sections, None, [])
    return out


@dataclass
class Context:
    """One lint run over one plan."""

    plan: Plan
    g: Grammars
    cfg: Checks
    findings: list[Finding] = field(default_factory=list)
    cache: dict[str, Any] = field(default_factory=dict)  # per-run values rules share (vocabularies)
    _flat: list[_Flat] = field(default_factory=list)
    _starts: list[int] = field(default_factory=list)
    _index: dict[int, int] = field(default_factory=dict)  # id(section) → position in _flat

    def __post_init__(self) -> None:
        self._flat = _flatten(self.plan.sections)
        self._starts = [f.section.span.start for f in self._flat]
        self._index = {id(f.section): k for k, f in enumerate(self._flat)}

    def has_token(self, name: str) -> bool:
        """A placeholder token (checks.toml ``token``) in a unit's name; a plan names the same units often."""
        seen: dict[str, bool] = self.cache.setdefault("token_in_name", {})
        hit = seen.get(name)
        if hit is None:
            hit = seen[name] = self.cfg.token.search(name) is not None
        return hit

    # -- places ---------------------------------------------------------------------------

    def innermost(self, pos: int) -> _Flat | None:
        """The deepest section whose span holds ``pos`` (sections are nested and in document order)."""
        i = bisect.bisect_right(self._starts, pos) - 1
        while i is not None and i >= 0:
            f = self._flat[i]
            if f.section.span.start <= pos < max(f.section.span.end, f.section.span.start + 1):
                return f
            i = f.parent
        return None

    def ancestors(self, pos: int) -> list[Section]:
        """Sections holding ``pos``, innermost first."""
        out: list[Section] = []
        f = self.innermost(pos)
        while f is not None:
            out.append(f.section)
            f = self._flat[f.parent] if f.parent is not None else None
        return out

    def parent(self, section: Section) -> Section | None:
        up = self._flat[self._index[id(section)]].parent
        return self._flat[up].section if up is not None else None

    def section_starting(self, pos: int) -> Section | None:
        """The section whose marker starts at ``pos`` (how pipeline issues name a heading)."""
        i = bisect.bisect_left(self._starts, pos)
        return self._flat[i].section if i < len(self._flat) and self._starts[i] == pos else None

    def quote(self, start: int, end: int) -> str:
        """The text at [start, end) on one line, cut to ``quote_chars`` with an ellipsis."""
        limit = self.cfg.settings.quote_chars
        raw = _SPACE.sub(" ", self.plan.text[start : min(end, start + limit * 3)]).strip()
        return raw if len(raw) <= limit else raw[: limit - 1] + "…"

    # -- findings -------------------------------------------------------------------------

    def add(
        self,
        code: str,
        span: Span | tuple[int, int] | None,
        *,
        task: Task | None = None,
        page: int | None = None,
        quote_span: tuple[int, int] | None = None,
        **params: Any,
    ) -> Finding:
        """Report ``code`` at ``span``; message and hint are the rule's templates filled with ``params``.

        ``quote`` (the text at ``quote_span`` or ``span``) and ``task`` (the task's title) are
        available to every template.
        """
        rule = self.cfg.rule(code)
        sp = Span(span) if isinstance(span, tuple) else span
        q_span = quote_span or (sp.root if sp else None)
        quote = self.quote(*q_span) if q_span else None
        where = self.innermost(sp.start) if sp else None
        if task is not None:
            params.setdefault("task", self._task_label(task))
            if page is None:
                page = task.page
        if page is None and where is not None:
            page = where.section.page
        params.setdefault("quote", quote or "")
        finding = Finding(
            code=code,
            severity=rule.severity,
            message=rule.message.format(**params),
            span=sp,
            section_path=list(task.path) if task is not None and task.path else (where.path if where else []),
            section_title=where.section.title if where else None,
            page=page,
            quote=quote,
            hint=rule.hint.format(**params),
            task_id=task.id if task is not None else None,
        )
        self.findings.append(finding)
        return finding

    def _task_label(self, task: Task) -> str:
        title = _SPACE.sub("", task.title) or "".join(task.path) or task.id
        limit = max(8, self.cfg.settings.quote_chars - 8)
        return title if len(title) <= limit else title[: limit - 1] + "…"

    def issues(self, *codes: str) -> list[Issue]:
        """The pipeline's own warnings with these codes: facts the rules reuse instead of recomputing."""
        return [w for w in self.plan.warnings if w.code in codes]
