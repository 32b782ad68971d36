"""Real published plans as PDF, DOCX and legacy .doc in ../shared/corpus (see its README.md).

Every file must load; those with assignments must yield tasks, those without must yield none:
jiangmen_* names 牵头 only in prose (a distractor), minxi_* and 121_* assign no units, and the
shenyang .doc assigns duties per unit ("市房产局：负责牵头…", the layout ../realplans/109 marks
"none"). The .doc goes through LibreOffice when ``soffice`` is on PATH; without it, loading must
fail with ``unsupported-format`` naming soffice (tested on every machine by hiding soffice).
Skipped with the reason when ../shared is absent (it lives beside the checkout on the project's
machines only). The files are read in place, never copied into the repository.
"""

from __future__ import annotations

import shutil
from functools import cache
from pathlib import Path

import pytest
from conftest import SHARED

import planparse
from planparse import InputError, Plan

CORPUS = SHARED / "corpus"
FILES: list[str] = sorted(p.name for p in CORPUS.iterdir() if p.is_file() and p.name != "README.md") if CORPUS.is_dir() else []

pytestmark = pytest.mark.skipif(
    not FILES, reason=f"{CORPUS} is absent: the shared corpus of real plans lives beside the checkout on the project's machines only"
)

NO_TASKS = {
    "jiangmen_rencai_fangpiao_fangan_2026.pdf": "工作方案 where 牵头 appears only in prose: a distractor",
    "minxi_county_fangdichan_cuoshi_2022.pdf": "no units assigned",
    "121_tianjin_haihe_water_pilot_nounits.pdf": "no units assigned",
    "shenyang_fangwu_tijian_gongzuo_fangan.doc": "a duty list keyed by unit (六、职责分工), no per-task assignment",
}
WITH_TASKS = [n for n in FILES if n not in NO_TASKS]
HAS_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
LEGACY = [n for n in FILES if n.endswith(".doc")]


@cache
def _plan(name: str) -> Plan:
    return planparse.parse(CORPUS / name)


def _loadable(names: list[str]) -> list[object]:
    skip = pytest.mark.skip(reason="a legacy .doc needs LibreOffice (soffice) on PATH; the error without it is tested below")
    return [pytest.param(n, id=n, marks=[skip] if n.endswith(".doc") and not HAS_SOFFICE else []) for n in names]


def test_corpus_is_what_the_readme_lists() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert len(FILES) == 25
    assert all(f"| {n} |" in readme for n in FILES), [n for n in FILES if f"| {n} |" not in readme]
    assert {Path(n).suffix for n in FILES} == {".pdf", ".docx", ".doc"}
    assert set(NO_TASKS) <= set(FILES)


@pytest.mark.parametrize("name", _loadable(FILES))
def test_loads(name: str) -> None:
    plan = _plan(name)
    assert plan.text.strip()
    assert plan.source.path == str(CORPUS / name)
    assert plan.source.format == ("pdf" if name.endswith(".pdf") else "docx")
    assert plan.sections, "no heading found"


@pytest.mark.parametrize("name", _loadable(WITH_TASKS))
def test_plans_with_assignments_yield_tasks(name: str) -> None:
    plan = _plan(name)
    assert plan.tasks
    assert all(t.lead_units or t.responsible_units or t.cooperating_units or t.deadline for t in plan.tasks)


@pytest.mark.parametrize("name", _loadable(sorted(NO_TASKS)))
def test_plans_without_assignments_yield_no_tasks(name: str) -> None:
    assert [t.title for t in _plan(name).tasks] == [], NO_TASKS[name]


@pytest.mark.parametrize("name", [n for n in FILES if n.endswith(".pdf")])
def test_pdf_pages(name: str) -> None:
    """Source.pages is the PDF's page count; every section, task and target has a page in range, in order."""
    pdfium = pytest.importorskip("pypdfium2")
    doc = pdfium.PdfDocument((CORPUS / name).read_bytes())
    try:
        count = len(doc)
    finally:
        doc.close()
    plan = _plan(name)
    assert plan.source.pages == count
    for kind, records in (("section", plan.iter_sections()), ("task", plan.tasks), ("target", plan.targets)):
        pages = [r.page for r in records]
        assert all(isinstance(p, int) and 1 <= p <= count for p in pages), (kind, pages)
        assert pages == sorted(pages), f"{kind} pages go backwards"


@pytest.mark.parametrize("name", _loadable(FILES))
def test_spans_map_back(name: str) -> None:
    plan = _plan(name)
    text = plan.text
    bad = []
    for task in plan.tasks:
        for role in ("lead_units", "responsible_units", "cooperating_units"):
            bad += [(task.id, u.name) for u in getattr(task, role) if text[u.span.start : u.span.end].replace("\n", "") != u.name]
        bad += [
            (task.id, d.raw)
            for d in ([task.deadline] if task.deadline else []) + task.milestones
            if text[d.span.start : d.span.end] != d.raw
        ]
    bad += [("target", t.raw) for t in plan.targets if text[t.span.start : t.span.end] != t.raw]
    bad += [(s.id, s.title) for s in plan.iter_sections() if text[s.title_span.start : s.title_span.end] != s.title]
    assert not bad, bad[:5]


@pytest.mark.parametrize("name", LEGACY)
def test_legacy_doc_without_libreoffice(name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice, no libreoffice
    with pytest.raises(InputError) as info:
        planparse.parse(CORPUS / name)
    assert info.value.code == "unsupported-format"
    assert "soffice" in str(info.value) and str(CORPUS / name) in str(info.value)
