"""Real published plans in ../shared/realplans (25 plans, see that folder's README.md).

No expected outputs ship with them; what we check comes from the README's table: every plan
parses, plans whose assignments are "inline" or "separate lines" yield tasks, plans marked
"none" yield none, plus a few plan-specific facts the README spells out. Skipped when ../shared
is absent (it lives beside the checkout on the project's machines only).
"""

from __future__ import annotations

import re
from functools import cache

import pytest
from conftest import REALPLANS, SHARED_MISSING

import planparse
from planparse import Plan

pytestmark = pytest.mark.skipif(not (REALPLANS / "README.md").is_file(), reason=SHARED_MISSING)


def _readme_rows() -> dict[str, str]:
    """file name → the README's 'assignments' column."""
    readme = REALPLANS / "README.md"
    if not readme.is_file():
        return {}
    rows: dict[str, str] = {}
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 7 and cells[0].endswith(".txt"):
            rows[cells[0]] = cells[5]
    return rows


ROWS = _readme_rows()


@cache
def _plan(name: str) -> Plan:
    return planparse.parse(REALPLANS / name)


def _name(number: str) -> str:
    return next(n for n in ROWS if n.startswith(number + "_"))


def test_readme_lists_every_plan() -> None:
    on_disk = sorted(p.name for p in REALPLANS.glob("*.txt"))
    assert on_disk and sorted(ROWS) == on_disk
    assert all(re.match(r"(inline|separate lines|none)\b", a) for a in ROWS.values()), ROWS


@pytest.mark.parametrize("name", sorted(ROWS))
def test_parses(name: str) -> None:
    plan = _plan(name)
    assert plan.text and plan.source.path == str(REALPLANS / name)


WITH_TASKS = sorted(n for n, a in ROWS.items() if a.startswith(("inline", "separate lines")))
WITHOUT_TASKS = sorted(n for n, a in ROWS.items() if a.startswith("none") or "_nounits" in n)


def test_readme_groups() -> None:
    assert {n[:3] for n in WITHOUT_TASKS} == {"104", "109", "121"}
    assert len(WITH_TASKS) + len(WITHOUT_TASKS) == len(ROWS)


@pytest.mark.parametrize("name", WITH_TASKS)
def test_plans_with_assignments_yield_tasks(name: str) -> None:
    assert _plan(name).tasks


@pytest.mark.parametrize("name", WITHOUT_TASKS)
def test_plans_without_assignments_yield_no_tasks(name: str) -> None:
    assert [t.title for t in _plan(name).tasks] == []


def _balanced(s: str) -> bool:
    return s.count("（") == s.count("）") and s.count("(") == s.count(")") and s.count("〔") == s.count("〕")


_UNIT_BUGS: dict[str, str] = {}


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=_UNIT_BUGS[n[:3]]) if n[:3] in _UNIT_BUGS else []) for n in WITH_TASKS],
)
def test_unit_names_are_clean(name: str) -> None:
    """A unit name is a name: brackets balanced, no sentence punctuation, no role verb left on it."""
    bad = [
        u.name
        for t in _plan(name).tasks
        for u in t.lead_units + t.responsible_units + t.cooperating_units
        if not _balanced(u.name) or re.search(r"[。；;：:]|(?:牵头|配合)$", u.name)
    ]
    assert not bad, bad[:5]


def test_105_every_item_has_its_lead() -> None:
    tasks = _plan(_name("105")).tasks
    assert len(tasks) == 80
    assert all(t.lead_units for t in tasks), "牵头责任单位 is a lead label"


def test_108_procedure_time_limit_is_not_a_deadline() -> None:
    raws = [t.deadline.raw for t in _plan(_name("108")).tasks if t.deadline]
    assert not any("工作日" in r for r in raws), raws


def test_110_nine_flat_items() -> None:
    assert len(_plan(_name("110")).tasks) == 9


def test_112_nineteen_tasks() -> None:
    assert len(_plan(_name("112")).tasks) == 19


def test_114_page_footer_inside_unit_list_is_gone() -> None:
    plan = _plan(_name("114"))
    names = [u.name for t in plan.tasks for u in t.responsible_units + t.lead_units + t.cooperating_units]
    assert "各区、市政府" in names
    assert not any("－" in n or "\f" in n for n in names)


def test_118_article_structure() -> None:
    families = {s.family for s in _plan(_name("118")).iter_sections()}
    assert "article" in families


def test_121_table_of_contents_lines_are_not_headings() -> None:
    titles = [s.title for s in _plan(_name("121")).iter_sections()]
    assert titles and not any(re.search(r"[.…·]{3,}", t) for t in titles)


def test_123_ongoing_deadline() -> None:
    kinds = {(t.deadline.raw, t.deadline.kind) for t in _plan(_name("123")).tasks if t.deadline}
    assert ("持续推进", "ongoing") in kinds
