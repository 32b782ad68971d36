"""Inputs a real user hits, through every entry point: each gets a clear error naming the file and
the reason (or is read), never a traceback; a batch keeps every other file's result and reports
every bad file. Files are built here, small and real: no mocks where a file can do."""

from __future__ import annotations

from pathlib import Path

import planparse

PLAN = "一、总体要求\n（一）加强领导。（牵头单位：县生态环境局；完成时限：2025年底前）\n".encode()


def test_html_nested_past_the_recursion_limit_is_read(tmp_path: Path) -> None:
    # a page of 100 000 unclosed <div> gave RecursionError (an internal error) from the tree walk
    page = tmp_path / "deep.html"
    page.write_bytes(b"<html><body>" + b"<div>" * 100_000 + "<p>一、总体要求</p>".encode() + b"</div>" * 100_000 + b"</body></html>")
    assert planparse.parse(page).sections[0].title == "总体要求"


def test_html_deep_nesting_keeps_later_text_in_place() -> None:
    # end tags of the elements kept flat past the depth cap close nothing above them
    inner = "<p>（一）加强领导。（牵头单位：县生态环境局；完成时限：2025年底前）</p>".encode()
    page = b"<html><body><div>" + b"<span>" * 500 + inner + b"</span>" * 500 + "<p>二、保障措施</p>".encode() + b"</div></body></html>"
    plan = planparse.parse(b"<html><body><p>" + "一、总体要求".encode() + b"</p>" + page[12:])
    assert [s.title for s in plan.sections] == ["总体要求", "保障措施"]
    assert [u.name for u in plan.tasks[0].lead_units] == ["县生态环境局"]
