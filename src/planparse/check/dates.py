"""Date rules: every task has a deadline, dates exist, deadlines fall inside the plan's time.

The pipeline already reads every deadline; these rules reuse what it found rather than
reparse: ``Task.deadline`` (its ISO date), and its own warnings ``bad-year``, ``bad-date`` and
``unparsed-deadline``, whose spans only it knows. One addition: a scan of the whole text for
months and days that do not exist (``2026年13月``, ``2月30日``), which no deadline rule matches
and so the pipeline never sees.
"""

from __future__ import annotations

import bisect
import calendar

import regex

from planparse import rx
from planparse.check.context import Context, Spans
from planparse.models import Task

_DIGITS = rx.compile(r"[0-9]{4,}")


def check(ctx: Context) -> None:
    missing_findings(ctx)
    adopted_findings(ctx)
    impossible_date_findings(ctx)
    period_findings(ctx)


def missing_findings(ctx: Context) -> None:
    """Tasks without a 完成时限 field, reported one by one only where the plan lists deadlines.

    A plan that gives no task a deadline field (most plans set dates in their prose) would get a
    warning per task; there, one info finding says how many tasks have none.
    """
    tasks = ctx.plan.tasks
    if not tasks:
        return
    without = [t for t in tasks if t.deadline is None]
    if not without:
        return
    if (len(tasks) - len(without)) / len(tasks) >= ctx.cfg.settings.deadline_convention_share:
        for task in without:
            ctx.add("deadline-missing", task.span, task=task)
    else:
        ctx.add("deadlines-not-listed", None, total=len(tasks), missing=len(without))


def _task_at(tasks: list[Task], starts: list[int], pos: int) -> Task | None:
    i = bisect.bisect_right(starts, pos) - 1
    return tasks[i] if i >= 0 and tasks[i].span.start <= pos <= tasks[i].span.end else None


def adopted_findings(ctx: Context) -> None:
    """The pipeline's own date warnings, restated with the task and section they fall in."""
    tasks = sorted(ctx.plan.tasks, key=lambda t: t.span.start)
    starts = [t.span.start for t in tasks]
    for w in ctx.issues("bad-year", "bad-date", "unparsed-deadline"):
        if w.span is None:
            continue
        task = _task_at(tasks, starts, w.span.start)
        raw = ctx.plan.text[w.span.start : w.span.end]
        year = _DIGITS.search(raw)
        ctx.add(w.code, w.span, task=task, year=year.group() if year else raw)


def _impossible(m: regex.Match[str]) -> bool:
    month = int(m.group("month"))
    year, day = m.group("year"), m.group("day")
    if year is None and day is None:
        return False  # "13月" alone may be a count or a range end; only dates are checked
    if not 1 <= month <= 12:
        return True
    if day is None:
        return False
    last = (
        calendar.monthrange(int(year), month)[1]
        if year and 1 <= int(year) <= 9999
        else (29 if month == 2 else calendar.monthrange(2001, month)[1])
    )
    return not 1 <= int(day) <= last


def impossible_date_findings(ctx: Context) -> None:
    """Months and days that do not exist, anywhere in the text (not only in deadline fields); a
    date inside a deadline the pipeline already called impossible is not reported twice."""
    text = ctx.plan.text
    tasks = sorted(ctx.plan.tasks, key=lambda t: t.span.start)
    starts = [t.span.start for t in tasks]
    known = Spans([w.span.root for w in ctx.issues("bad-date") if w.span is not None])
    for m in ctx.cfg.date.finditer(text):
        if _impossible(m) and not known.overlaps(m.start(), m.end()):
            ctx.add("bad-date", (m.start(), m.end()), task=_task_at(tasks, starts, m.start()))


def period_findings(ctx: Context) -> None:
    """Task deadlines outside the plan period (the pipeline's rule: the year before the start is
    allowed, for plans issued late in the year before), or before the plan's own date."""
    meta = ctx.plan.metadata
    for task in ctx.plan.tasks:
        d = task.deadline
        if d is None or d.date is None:
            continue
        if meta.period:
            lo, hi = meta.period
            if not lo - 1 <= int(d.date[:4]) <= hi:
                ctx.add("deadline-outside-period", d.span, task=task, start=lo, end=hi)
        if meta.date and d.date < meta.date:
            ctx.add("deadline-before-plan-date", d.span, task=task, date=meta.date)
