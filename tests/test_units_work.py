"""A short task that only ends as a place or a body does (巡查林区, 治理城区, 整治景区: a verb and its object)
is no unit. In a task table flattened one cell per line (extract/flat_rows.py) a line goes to a column by
what it holds, so such a title cell read as a unit left its row without a task. The fragment is written
for this test after the county task lists of the pages corpus; no page text is copied.
"""

from __future__ import annotations

import planparse
from planparse.extract.units import looks_like_unit
from planparse.grammar import load_grammars

FLAT = (
    "序号\n重点任务\n牵头单位\n配合单位\n完成时限\n"
    "1\n巡查林区\n县林草局\n各乡镇\n2024年底前\n"
    "2\n治理城区\n县住建局\n县财政局、县城管局\n2024年底前\n"
    "3\n整治景区\n县文旅局\n各乡镇人民政府\n持续推进\n"
)


def test_short_work_titles_keep_their_rows() -> None:
    tasks = planparse.parse_text(FLAT).tasks
    assert [t.title for t in tasks] == ["巡查林区", "治理城区", "整治景区"]
    assert [[u.name for u in t.lead_units] for t in tasks] == [["县林草局"], ["县住建局"], ["县文旅局"]]


def test_work_against_names() -> None:
    g = load_grammars()
    for work in ("巡查林区", "治理城区", "整治景区", "创建示范村", "建设文化馆", "提升城区"):
        assert not looks_like_unit(work, g), work
    # names that open with such a word, or whose office word ends them, stay units
    for name in ("新建区", "开发区", "组织部", "整治办公室", "建设银行", "发展改革委", "县林草局", "各乡镇", "七办一镇"):
        assert looks_like_unit(name, g), name
