"""Writing results: atomic file writes and per-plan counts."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from planparse.errors import InputError
from planparse.models import Plan


def write_atomic(path: Path, data: str) -> None:
    """Write via a temp file in the same folder, then rename: never a half-written file."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".planparse-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as err:
        raise InputError(str(path), "write-failed", f"cannot write output: {err.strerror or err}") from None


def plan_counts(plan: Plan) -> dict[str, int]:
    """How many headings, tasks, units, deadlines (task deadlines + milestones), targets, warnings."""
    units = sum(len(t.lead_units) + len(t.responsible_units) + len(t.cooperating_units) for t in plan.tasks)
    deadlines = sum((1 if t.deadline else 0) + len(t.milestones) for t in plan.tasks)
    return {
        "sections": len(plan.iter_sections()),
        "tasks": len(plan.tasks),
        "units": units,
        "deadlines": deadlines,
        "targets": len(plan.targets),
        "warnings": len(plan.warnings),
    }
