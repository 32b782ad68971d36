"""Whole-plan golden files: tests/golden/<sample>.json (contract JSON) and <sample>.tree.txt.

The tree file is the diff-friendly view: one line per heading, indented, then the tasks with
their units and deadlines, then the targets. ``PLANPARSE_REGEN_GOLDEN=1`` (``make golden``)
rewrites them on purpose; otherwise a missing golden file FAILS.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

import planparse
from planparse.models import Plan, Section

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))
REGEN = os.environ.get("PLANPARSE_REGEN_GOLDEN") == "1"


def render_tree(plan: Plan) -> str:
    lines: list[str] = [f"title: {plan.metadata.title}", f"metadata: {plan.metadata.model_dump_json(exclude={'title_span'})}", ""]

    def walk(sec: Section, depth: int) -> None:
        lines.append(f"{'  ' * depth}{sec.id} {sec.marker} {sec.title}")
        for child in sec.children:
            walk(child, depth + 1)

    for sec in plan.sections:
        walk(sec, 0)
    lines.append("")
    for t in plan.tasks:
        lines.append(f"{t.id} [{t.section_id}] {''.join(t.path)} {t.title}")
        for role in ("lead_units", "responsible_units", "cooperating_units"):
            units = getattr(t, role)
            if units:
                lines.append(f"    {role}: " + "、".join(u.name + (f"({u.scope})" if u.scope else "") for u in units))
        if t.deadline:
            lines.append(f"    deadline: {t.deadline.raw} → {t.deadline.kind} {t.deadline.date}")
        for m in t.milestones:
            lines.append(f"    milestone: {m.raw} → {m.kind} {m.date}")
    lines.append("")
    for tg in plan.targets:
        lines.append(f"target [{tg.section_id}] {tg.indicator} {tg.comparator} {tg.value} {tg.unit} year={tg.year} | {tg.raw}")
    lines.append("")
    for w in plan.warnings:
        lines.append(f"warning {w.code}: {w.message}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("sample", SAMPLES, ids=[p.stem for p in SAMPLES])
def test_golden(sample: Path) -> None:
    plan = planparse.parse(sample)
    # the path differs between machines; the golden file keeps the sample's name only
    data = json.loads(plan.model_dump_json())
    data["source"]["path"] = sample.name
    got_json = json.dumps(data, ensure_ascii=False, indent=1) + "\n"
    got_tree = render_tree(plan)
    json_path = GOLDEN / f"{sample.stem}.json"
    tree_path = GOLDEN / f"{sample.stem}.tree.txt"
    if REGEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        json_path.write_text(got_json, encoding="utf-8")
        tree_path.write_text(got_tree, encoding="utf-8")
    assert tree_path.exists(), f"missing golden {tree_path.name}: run make golden and review it"
    assert json_path.exists(), f"missing golden {json_path.name}: run make golden and review it"
    assert got_tree == tree_path.read_text(encoding="utf-8")
    assert got_json == json_path.read_text(encoding="utf-8")
