"""Patterns built from grammars/fragments.toml read lines as the code's own regexes did before them.

``after_body`` (where a plan's body has ended: extract/tables.py) and ``annex_line`` (an annex label
alone on its line: extract/metadata.py) were regexes in code; they are metadata.toml patterns made
of the shared ``annex_label`` and date fragments now. The rows pin what they match.
"""

from __future__ import annotations

import pytest

from planparse.grammar import load_grammars

AFTER_BODY = [
    ("附件", True),
    ("附件2：某县重点任务分工表", True),
    ("  附表1 指标表", True),
    ("附件二．", True),
    ("2023年5月10日", True),
    ("二〇二三年五月十日  ", True),
    ("二O二三年五月十日", True),  # a web copy's letter O for the zero: tables.py's own regex missed it, signoff_date did not
    ("　2023 年 5 月 10 日", True),
    ("附件内容见下", False),  # prose: no number, colon or space after the label
    ("2023年5月10日召开推进会", False),  # a date in a sentence
    ("某县人民政府 2023年5月10日", False),  # with its issuer on the line: not this rule's (as before)
    ("2023年5月", False),
]

ANNEX_LINE = [("附件", True), ("附件3：", True), ("附表 2", True), ("附件：某县实施方案", False), ("附件内容", False)]


@pytest.mark.parametrize(("line", "hit"), AFTER_BODY)
def test_after_body(line: str, hit: bool) -> None:
    assert bool(load_grammars().meta["after_body"].search(line)) is hit


@pytest.mark.parametrize(("line", "hit"), ANNEX_LINE)
def test_annex_line(line: str, hit: bool) -> None:
    assert bool(load_grammars().meta["annex_line"].match(line)) is hit
