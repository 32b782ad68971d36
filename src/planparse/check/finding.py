"""``Finding``: one thing ``planparse check`` reports, with everything a reviewer needs to act.

A finding carries its evidence the way every planparse record does (style rule 6): the
stable ``code`` of the rule that produced it, the ``span`` into ``Plan.text``, and a short
``quote`` of that text; plus where a person finds it on paper (``section_path``, ``page``) and
how to fix it (``hint``, in Chinese, from grammars/check/checks.toml). ``to_issue()`` turns it
into the contract's ``Issue`` so the same findings can sit in ``Plan.warnings``.

>>> f = Finding(code="bad-year", severity="error", message="“22020年底前”中的年份 22020 不可能",
...             span=Span((3, 10)), hint="核对年份")
>>> f.to_issue().model_dump(mode="json")
{'code': 'bad-year', 'message': '“22020年底前”中的年份 22020 不可能', 'span': [3, 10]}
>>> f.fails("error"), f.fails("warning"), Finding(code="x", severity="info", message="", hint="").fails("warning")
(True, True, False)
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from planparse.check.config import Severity
from planparse.models import Issue, Span

#: Higher is worse; a run fails on findings at or above its threshold.
SEVERITY_RANK: dict[str, int] = {"info": 0, "warning": 1, "error": 2}


class Finding(BaseModel):
    """One rule violation in one plan."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(description="Stable rule code (grammars/check/checks.toml), e.g. task-without-lead.")
    severity: Severity = Field(description="error / warning / info.")
    message: str = Field(description="What is wrong, in Chinese, naming the task, unit or text concerned.")
    span: Span | None = Field(None, description="Where in Plan.text; null for a plan-level finding.")
    section_path: list[str] = Field(
        default_factory=list, description="Heading markers from the root to the innermost section, e.g. ['二、', '（一）']."
    )
    section_title: str | None = Field(None, description="Title of the innermost section, for the report.")
    page: int | None = Field(None, description="1-based page when the input had pages (PDF/DOCX), else null.")
    quote: str | None = Field(None, description="A short, single-line quote of the text at span.")
    hint: str = Field(description="How to fix it, in Chinese.")
    task_id: str | None = Field(None, description="The task concerned, when there is one.")

    def to_issue(self) -> Issue:
        """The contract's Issue (code, message, span): how the finding appears in Plan.warnings."""
        return Issue(code=self.code, message=self.message, span=self.span)

    def fails(self, threshold: Severity) -> bool:
        """True when this finding is at or above ``threshold`` (error < warning < info is the order of leniency)."""
        return SEVERITY_RANK[self.severity] >= SEVERITY_RANK[threshold]

    @property
    def location(self) -> str:
        """Section path and page for people: ``二、（一）1. · 第3页``; ``全文`` for a plan-level finding."""
        parts = ["".join(self.section_path) or ("全文" if self.span is None else "正文开头")]
        if self.page is not None:
            parts.append(f"第{self.page}页")
        return " · ".join(parts)
