"""``planparse check``: the review a plan gets by hand before it is issued, as lint rules.

Drafters and the reviewing office check that every task has a lead unit and a deadline, that
no template placeholder survived, that dates exist and fall inside the plan period, that
numbering is continuous, that units are named one way and targets say by when, which way and
in what unit. planparse already sees all of this; ``lint`` turns it into ``Finding`` records,
each with a stable code, a severity, a place and a fix hint in Chinese.

Rules live one family per module (units, placeholders, dates, numbering, targets); their
codes, severities, wording and vocabulary are data in ``grammars/check/checks.toml``. Where the
pipeline already decided something (a placeholder unit, a numbering break, an impossible year)
the rules reuse its facts and codes instead of deciding again, so ``lint``'s findings are a
superset of the pipeline's own warnings and ``merge_warnings`` can put them in ``Plan.warnings``.

>>> import planparse
>>> text = "一、主要任务\\n（一）加强监管。（牵头单位：XXX；完成时限：2026年13月底前）\\n（三）强化执法。（牵头单位：县公安局；完成时限：2025年底前）"
>>> [(f.code, f.severity) for f in lint(planparse.parse_text(text))]
[('deadline-missing', 'warning'), ('placeholder-unit', 'error'), ('bad-date', 'error'), ('unparsed-deadline', 'warning'), ('unknown-heading-gap', 'warning')]
>>> [f.code for f in lint(planparse.parse_text(text), ignore={"unparsed-deadline", "deadline-missing"})]
['placeholder-unit', 'bad-date', 'unknown-heading-gap']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from planparse.check import dates, numbering, placeholders, targets, units
from planparse.check.config import Checks, Rule, Severity, checks_path, load_checks
from planparse.check.context import Context
from planparse.check.finding import SEVERITY_RANK, Finding
from planparse.grammar import Grammars, load_grammars
from planparse.models import Issue, Plan

__all__ = ["SEVERITY_RANK", "Finding", "Rule", "Severity", "checks_for", "lint", "merge_warnings", "rules"]

#: One entry per rule family, run in this order (the order only matters for ties in position).
FAMILIES: tuple[Callable[[Context], None], ...] = (units.check, placeholders.check, dates.check, numbering.check, targets.check)


def checks_for(grammars: Grammars | None = None) -> Checks:
    """checks.toml for these grammars (the one beside their directory, else the shipped one)."""
    g = grammars or load_grammars()
    found = _CHECKS.get(g.directory)
    if found is None:  # finding the file costs a stat per plan otherwise
        found = _CHECKS[g.directory] = load_checks(checks_path(g.directory))
    return found


_CHECKS: dict[Path, Checks] = {}


def rules(grammars: Grammars | None = None) -> list[Rule]:
    """Every rule, in checks.toml order: what ``--ignore`` accepts and the docs list."""
    return list(checks_for(grammars).rules.values())


def _order(f: Finding) -> tuple[int, int, str]:
    return (f.span.start if f.span else -1, -SEVERITY_RANK[f.severity], f.code)


def lint(plan: Plan, *, ignore: Iterable[str] = frozenset(), grammars: Grammars | None = None) -> list[Finding]:
    """Every finding for ``plan``, plan-level ones first, then in text order.

    ``ignore`` drops rules by code; an unknown code raises ``ValueError`` (a typo must not
    silently disable nothing). The same (code, span) is reported once.
    """
    g = grammars or load_grammars()
    cfg = checks_for(g)
    ignored = set(ignore)
    unknown = sorted(ignored - cfg.rules.keys())
    if unknown:
        raise ValueError(f"unknown check code(s): {', '.join(unknown)}; known: {', '.join(cfg.rules)}")
    ctx = Context(plan, g, cfg)
    for family in FAMILIES:
        family(ctx)
    seen: set[tuple[str, tuple[int, int] | None]] = set()
    out: list[Finding] = []
    for f in ctx.findings:
        key = (f.code, f.span.root if f.span else None)
        if f.code in ignored or key in seen:
            continue
        seen.add(key)
        out.append(f)
    return sorted(out, key=_order)


def merge_warnings(warnings: list[Issue], findings: list[Finding], grammars: Grammars | None = None) -> list[Issue]:
    """``Plan.warnings`` with the findings in: how the pipeline puts ``lint`` into its output.

    Findings re-derive every pipeline warning whose code is a check code (same code and span,
    or a refined numbering code at the same heading), so those warnings are replaced rather
    than doubled; warnings with other codes are kept. Order: as the pipeline sorts, by position
    then code. Call it with the findings of ``lint(plan)`` without ``ignore``.
    """
    known = checks_for(grammars).rules.keys()
    kept = [w for w in warnings if w.code not in known]
    merged = kept + [f.to_issue() for f in findings]
    return sorted(merged, key=lambda w: (w.span.start if w.span else -1, w.code))
