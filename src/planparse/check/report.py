"""How ``planparse check`` shows its findings: a rich table on a terminal, plain text otherwise, or JSON.

All three render the same ``PlanReport``: the plan, its findings in text order, and the
verdict under the run's failing severity (error by default, warning with ``--strict``). Plain
text is what a log, a pipe or an e-mail gets; it keeps one fact per line so ``grep`` works.

>>> from planparse.models import Span
>>> f = Finding(code="placeholder-text", severity="warning", message="正文中残留模板占位符“XX”",
...             span=Span((3, 10)), section_path=["二、", "（一）"], quote="打造XX生态经济带", hint="替换占位符")
>>> r = PlanReport(path="a.txt", title="某方案", findings=[f], fail_on="error")
>>> print(render_text(r))
a.txt — 某方案
  [警告] placeholder-text  二、（一）
      正文中残留模板占位符“XX”
      原文：打造XX生态经济带
      建议：替换占位符
结论：通过 — 警告 1
>>> PlanReport(path="a.txt", title=None, findings=[f], fail_on="warning").verdict_line
'结论：不通过 — 警告 1'
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from planparse.check.config import Severity
from planparse.check.finding import Finding

LABEL: dict[str, str] = {"error": "错误", "warning": "警告", "info": "提示"}
_STYLE: dict[str, str] = {"error": "bold red", "warning": "yellow", "info": "cyan"}
JSON_FORMAT = "planparse-check/1"


@dataclass
class PlanReport:
    """One plan's findings and the verdict under ``fail_on``."""

    path: str
    title: str | None
    findings: list[Finding]
    fail_on: Severity = "error"
    counts: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.counts = Counter(f.severity for f in self.findings)

    @property
    def failed(self) -> bool:
        return any(f.fails(self.fail_on) for f in self.findings)

    @property
    def verdict_line(self) -> str:
        """One line: 结论：通过 / 不通过, with the counts by severity."""
        tally = "，".join(f"{LABEL[s]} {self.counts[s]}" for s in ("error", "warning", "info") if self.counts[s])
        if not self.findings:
            return "结论：通过 — 未发现问题"
        return f"结论：{'不通过' if self.failed else '通过'} — {tally}"

    def by_code(self) -> dict[str, int]:
        """Findings per rule code, most frequent first."""
        return dict(Counter(f.code for f in self.findings).most_common())

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "title": self.title,
            "verdict": "fail" if self.failed else "pass",
            "counts": {s: self.counts[s] for s in ("error", "warning", "info")},
            "by_code": self.by_code(),
            "findings": [f.model_dump(mode="json") for f in self.findings],
        }


def _heading(report: PlanReport) -> str:
    return f"{report.path} — {report.title}" if report.title else report.path


def render_text(report: PlanReport) -> str:
    """Plain text: a heading line, three or four lines per finding (the quote when the message
    does not already hold it), the verdict line."""
    lines = [_heading(report)]
    for f in report.findings:
        lines.append(f"  [{LABEL[f.severity]}] {f.code}  {f.location}")
        lines.append(f"      {f.message}")
        if f.quote and f.quote not in f.message:
            lines.append(f"      原文：{f.quote}")
        lines.append(f"      建议：{f.hint}")
    lines.append(report.verdict_line)
    return "\n".join(lines)


def render_rich(report: PlanReport, console: Any) -> None:
    """A rich table per plan (for a terminal), then the verdict line in colour."""
    from rich.table import Table
    from rich.text import Text

    console.print(Text(_heading(report), style="bold"))
    if report.findings:
        table = Table("级别", "代码", "位置", "原文", "问题与建议", show_lines=True, expand=True)
        for f in report.findings:
            table.add_row(
                Text(LABEL[f.severity], style=_STYLE[f.severity]),
                f.code,
                f.location,
                f.quote or "",
                Text.assemble(f.message, "\n", ("建议：" + f.hint, "dim")),
            )
        console.print(table)
    style = "bold red" if report.failed else "bold green"
    console.print(Text(report.verdict_line, style=style))


def render_json(reports: list[PlanReport], failed_inputs: list[dict[str, str]], fail_on: Severity) -> str:
    """The whole run as one JSON object: each plan's report, and the inputs that could not be read."""
    data = {
        "format": JSON_FORMAT,
        "fail_on": fail_on,
        "verdict": "fail" if failed_inputs or any(r.failed for r in reports) else "pass",
        "plans": [r.to_dict() for r in reports],
        "failed_inputs": failed_inputs,
    }
    return json.dumps(data, ensure_ascii=False, indent=2)
