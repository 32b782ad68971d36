"""planparse.unglue: line breaks restored in text a web page copied without them.

The phrase rows are in tests/cases/headings.toml and metadata.toml (``glued/…``). Here the
whole-document check: each sample's lines joined into one (its newlines dropped, as a web copy
loses them) must give the plan the line-broken file gives. What a glued text cannot give back
is where a heading's title ended when the title stood alone on its line with no full stop
(``三、全面加强党的领导`` + the body on the next line): the title then runs on into the body. So a
title must start with the original title, and everything else must be equal: the heading tree
(marker paths), each task's units, the metadata. Plus the offset map: every character of the
unglued text maps back to the same character of the loader text.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import SAMPLE_PATHS

import planparse
from planparse.grammar import load_grammars
from planparse.normalize import normalize
from planparse.unglue import glued_breaks

Paths = list[tuple[str, ...]]


def _tree(plan: planparse.Plan) -> tuple[Paths, list[str]]:
    paths: Paths = []
    titles: list[str] = []

    def walk(sections: list[planparse.Section], path: tuple[str, ...]) -> None:
        for s in sections:
            paths.append((*path, s.marker))
            titles.append(s.title)
            walk(s.children, (*path, s.marker))

    walk(plan.sections, ())
    return paths, titles


def _units(plan: planparse.Plan) -> dict[tuple[str, ...], list[list[str]]]:
    return {tuple(t.path): [[u.name for u in us] for us in (t.lead_units, t.responsible_units, t.cooperating_units)] for t in plan.tasks}


def _joined(path: Path) -> str:
    return "".join(line.strip() for line in path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name)
def test_joined_sample_gives_the_same_plan(path: Path) -> None:
    plan = planparse.parse(path)
    glued = planparse.parse_text(_joined(path))
    paths, titles = _tree(plan)
    g_paths, g_titles = _tree(glued)
    assert g_paths == paths
    same = sum(a == b for a, b in zip(titles, g_titles, strict=True))
    print(f"{path.name}: {len(paths)} headings, {same} titles equal; {len(plan.tasks)} tasks")
    assert all(b.startswith(a) for a, b in zip(titles, g_titles, strict=True)), "a title must start as the original does"
    assert _units(glued) == _units(plan)
    assert all(b.title.startswith(a.title) for a, b in zip(plan.tasks, glued.tasks, strict=True))
    for key in ("title", "doc_number", "issuer", "date", "region", "period", "draft"):
        assert getattr(glued.metadata, key) == getattr(plan.metadata, key), key


@pytest.mark.parametrize("per_line", [2, 3])
@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name)
def test_paragraphs_run_together_give_the_same_tree(path: Path, per_line: int) -> None:
    """A web copy that keeps some breaks: every ``per_line`` paragraphs run into one line."""
    plan = planparse.parse(path)
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    glued = planparse.parse_text("\n".join("".join(lines[i : i + per_line]) for i in range(0, len(lines), per_line)))
    assert _tree(glued)[0] == _tree(plan)[0]
    assert _units(glued) == _units(plan)


@pytest.mark.parametrize("path", SAMPLE_PATHS, ids=lambda p: p.name)
def test_line_broken_sample_is_not_glued(path: Path) -> None:
    text = normalize(path.read_text(encoding="utf-8")).text
    assert glued_breaks(text, load_grammars()) == []


def test_offset_map_survives_the_inserted_breaks() -> None:
    raw = "为改善环境，制定本方案。一、工作目标到 2025 年，环境明显改善。 二、主要任务（一）加强治理。（二）推进改厕。"
    norm = normalize(raw)
    assert norm.text.count("\n") == 4
    for pos, ch in enumerate(norm.text):
        if ch != "\n":
            assert raw[norm.to_raw(pos)] == ch, pos


def test_nothing_to_break_in_line_broken_text() -> None:
    text = "一、主要任务\n（一）加强监管。建立台账。1.完善制度。\n（二）推进改厕"
    assert glued_breaks(text, load_grammars()) == []


@pytest.mark.parametrize(
    ("key", "text", "hit"),
    [
        ("signoff", "请认真贯彻执行。某县人民政府办公室2023年5月6日某县实施方案", "某县人民政府办公室2023年5月6日"),
        ("signoff", "请认真贯彻执行。某县人民政府办公室 二〇二三年五月六日", "某县人民政府办公室 二〇二三年五月六日"),
        ("signoff", "积极参与。2022年4月30日", "2022年4月30日"),
        ("signoff", "加强领导。县政府2023年5月6日召开会议", None),  # a date inside a sentence
        ("annex", "附件：某区实施方案", "附件："),
        ("annex", "附件2某区实施方案", "附件2"),
        ("annex", "附件内容", None),
        ("draft", "某区实施方案（2024—2026年）征求意见稿", "征求意见稿"),
        ("draft", "某区实施方案（征求意见稿）", None),
    ],
)
def test_glued_rules_in_noise_toml(key: str, text: str, hit: str | None) -> None:
    from planparse.unglue import _rules

    rule = _rules(load_grammars())[key]
    assert rule is not None
    m = rule.search(text)
    assert (m.group(0) if m else None) == hit
