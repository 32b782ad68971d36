"""What a plan becomes in the batch database: one row tuple per record, built in the worker beside
the parse (plain tuples pickle fast), and the small records the batch files with them.

>>> from planparse import parse_text
>>> rows = plan_rows(parse_text("一、总体要求\\n（一）加强领导。（牵头单位：县生态环境局；完成时限：2025年底前）"))
>>> rows.tasks[0][:4], rows.units[0][:4]
(('t1', 1, 's1.1', '一、（一）'), ('t1', 'lead', 1, '县生态环境局'))
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from planparse.models import Plan

Row = tuple[Any, ...]

COLUMNS: dict[str, tuple[str, ...]] = {
    "sections": ("id", "parent_id", "position", "level", "family", "marker", "number", "title", "span_start", "span_end", "page"),
    "tasks": ("id", "position", "section_id", "path", "title", "deadline_raw", "deadline_kind", "deadline_date", "deadline_start_year", "deadline_end_year", "span_start", "span_end", "page", "topics"),
    "task_units": ("task_id", "role", "position", "name", "canonical", "scope", "placeholder", "collective", "span_start", "span_end"),
    "milestones": ("task_id", "position", "raw", "kind", "date", "commitment", "span_start", "span_end"),
    "targets": ("position", "indicator", "comparator", "value", "unit", "year", "raw", "section_id", "placeholder", "span_start", "span_end", "page", "rule", "value_max"),
    "warnings": ("position", "code", "message", "span_start", "span_end"),
}
PLAN_COLUMNS = (
    *("format", "pages", "encoding", "title", "doc_number", "issuer", "date", "region", "admin_level"),
    *("period_start", "period_end", "draft", "n_sections", "n_tasks", "n_targets", "n_warnings"),
)
ROLES = (("lead_units", "lead"), ("responsible_units", "responsible"), ("cooperating_units", "cooperating"))


@dataclass(frozen=True)
class PlanRows:
    """One plan as table rows, without the plan id (the writer adds it). Plain tuples pickle fast."""

    plan: Row
    sections: list[Row]
    tasks: list[Row]
    units: list[Row]
    milestones: list[Row]
    targets: list[Row]
    warnings: list[Row]

    def children(self) -> dict[str, list[Row]]:
        return {
            "sections": self.sections,
            "tasks": self.tasks,
            "task_units": self.units,
            "milestones": self.milestones,
            "targets": self.targets,
            "warnings": self.warnings,
        }


def plan_rows(plan: Plan) -> PlanRows:
    """Flatten a Plan into the tables' rows (runs in the worker, next to the parse). Flags go in as 0/1
    ints, which is what SQLite stores for a bool anyway: a bool takes sqlite3's slow adaptation path."""
    m, src = plan.metadata, plan.source
    sections: list[Row] = []
    stack = [(s, None) for s in reversed(plan.sections)]
    while stack:  # depth-first, parents before children (the parent foreign key)
        sec, parent = stack.pop()
        sections.append((sec.id, parent, len(sections) + 1, sec.level, sec.family, sec.marker, sec.number, sec.title, *sec.span.root, sec.page))
        stack.extend((c, sec.id) for c in reversed(sec.children))
    ids = {row[0] for row in sections}
    # the writer checks no foreign keys (store.py): a plan from a custom parser naming a section it
    # lacks fails here, alone, as the database would have refused it
    for kind, records in (("task", plan.tasks), ("target", plan.targets)):
        for r in records:
            if r.section_id is not None and r.section_id not in ids:
                raise ValueError(f"{kind} {getattr(r, 'id', '')} names section {r.section_id!r}, which the plan does not have")
    tasks, units, milestones = [], [], []
    for i, t in enumerate(plan.tasks, 1):
        d = t.deadline
        due = (d.raw, d.kind, d.date, d.start_year, d.end_year) if d else (None,) * 5
        tasks.append((t.id, i, t.section_id, "".join(t.path), t.title, *due, *t.span.root, t.page, ",".join(t.topics)))
        for field, role in ROLES:
            for j, u in enumerate(getattr(t, field), 1):
                units.append((t.id, role, j, u.name, u.canonical, u.scope, int(u.placeholder), int(u.collective), *u.span.root))
        for j, ms in enumerate(t.milestones, 1):
            milestones.append((t.id, j, ms.raw, ms.kind, ms.date, ms.commitment, *ms.span.root))
    targets = [
        (i, g.indicator, g.comparator, g.value, g.unit, g.year, g.raw, g.section_id, int(g.placeholder), *g.span.root, g.page, g.rule, g.value_max)
        for i, g in enumerate(plan.targets, 1)
    ]
    warnings = [(i, w.code, w.message, *(w.span.root if w.span else (None, None))) for i, w in enumerate(plan.warnings, 1)]
    period = m.period or (None, None)
    head = (src.format, src.pages, src.encoding, m.title, m.doc_number, m.issuer, m.date, m.region, m.admin_level, *period, int(m.draft))
    counts = (len(sections), len(tasks), len(targets), len(warnings))
    return PlanRows(head + counts, sections, tasks, units, milestones, targets, warnings)


@dataclass(frozen=True)
class NewPlan:
    """A parsed plan waiting for the database: where it came from, its JSON file's name, its rows."""

    sha256: str
    path: str  # absolute
    file: str
    json: str
    rows: PlanRows


def now() -> str:
    """UTC timestamps with microseconds: they sort as text, and tell this run's failures from older ones."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


@dataclass(frozen=True)
class FailureRow:
    """A file (or folder) that could not be ingested: where, at which stage, and why."""

    path: str
    file: str
    sha256: str | None
    stage: str
    code: str
    reason: str
