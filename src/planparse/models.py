"""The records planparse produces: the output contract (../OUTPUT_CONTRACT.md) as Pydantic models.

These models are the only thing the pipeline stages share. Field names are part of the
contract: add fields freely, never rename or remove one without bumping ``schema_version``.

>>> Span.model_validate([3, 7]).root
(3, 7)
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

SCHEMA_VERSION = "1"

Comparator = Literal[">=", "<=", "=", "≈", ">", "<"]
DeadlineKind = Literal["by", "ongoing", "recurring", "period", "relative", "deferred"]
AdminLevel = Literal["province", "city", "county", "district"]
Role = Literal["lead_units", "responsible_units", "cooperating_units"]


class Span(RootModel[tuple[int, int]]):
    """``[start, end]``: 0-based, end-exclusive offsets into ``Plan.text``."""

    @model_validator(mode="after")
    def _ordered(self) -> Span:
        start, end = self.root
        if not 0 <= start <= end:
            raise ValueError(f"span must satisfy 0 <= start <= end, got {self.root}")
        return self

    @property
    def start(self) -> int:
        return self.root[0]

    @property
    def end(self) -> int:
        return self.root[1]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Source(_Record):
    """Where the plan came from."""

    path: str | None = Field(None, description="Path of the input file as given, null for text passed in memory.")
    format: Literal["txt", "docx", "pdf", "html"] = Field("txt", description="Detected input format.")
    sha256: str = Field(description="SHA-256 of the input bytes (of the UTF-8 text for in-memory text).")
    pages: int | None = Field(None, description="Page count for PDF/DOCX, null for text.")
    encoding: str | None = Field(None, description="Detected text encoding (utf-8, utf-8-sig, gb18030, utf-16) or null.")


class Metadata(_Record):
    """Document-level facts."""

    title: str | None = Field(None, description="The plan's title, joined when it spans lines; inside a notice, the plan's own title.")
    title_span: Span | None = Field(None, description="Where the title's first line starts and its last line ends.")
    doc_number: str | None = Field(None, description="The plan's own document number, e.g. 回政发〔2022〕28号, not one it cites.")
    issuer: str | None = Field(None, description="Issuing body, e.g. 回民区人民政府.")
    date: str | None = Field(None, description="Sign-off or issue date, ISO 8601.")
    region: str | None = Field(None, description="Administrative region the plan covers, e.g. 回民区.")
    admin_level: AdminLevel | None = Field(None, description="province / city / county / district, from the region's suffix.")
    period: tuple[int, int] | None = Field(None, description="[start, end] years the plan covers, e.g. (2024—2026年) → [2024, 2026].")
    draft: bool = Field(False, description="True for a draft (征求意见稿).")


class Section(_Record):
    """One numbered heading and everything under it."""

    id: str = Field(description="Stable id within the plan: s + the 1-based position at each depth, e.g. s3.1.2.")
    level: int = Field(description="Numbering-family level: 1 一、 2 （一） 3 1. 4 （1） 5 ①; 0 for a labelled division: 第X章/节/条, a 专栏 box, a 附件 annex, a 第X阶段 stage.")
    family: str = Field(description="Id of the heading family (grammars/headings.toml) that matched.")
    marker: str = Field(description="The numbering marker as written, e.g. （一）.")
    number: int = Field(description="The marker's number: 三→3, （十二）→12, ⑤→5.")
    title: str = Field(description="Heading text up to the first 。, or the whole line; no marker, no **.")
    title_span: Span = Field(description="Span of the title in Plan.text.")
    span: Span = Field(description="The whole section: from its marker to the start of the next heading that is not its descendant.")
    page: int | None = Field(None, description="1-based page of the marker; null for text input.")
    children: list[Section] = Field(default_factory=list, description="Sub-sections in document order.")


class Unit(_Record):
    """An organisation named in an assignment block."""

    name: str = Field(description="The unit as written, line breaks removed.")
    canonical: str | None = Field(None, description="Full official name when grammars/unit_aliases.toml knows the short form.")
    scope: str | None = Field(None, description="A qualifier such as 高耗能项目 or 措施①.")
    placeholder: bool = Field(False, description="True for template placeholders such as XXX.")
    collective: bool = Field(False, description="True for collective units such as 七办一镇 or 各乡镇人民政府.")
    span: Span = Field(description="Span of name in Plan.text.")
    rule: str = Field("", description="Id of the grammar rule that found the unit's block.")


class Deadline(_Record):
    """A deadline or dated commitment."""

    raw: str = Field(description="The date phrase as written.")
    kind: DeadlineKind = Field(description="by / ongoing / recurring / period / relative / deferred.")
    date: str | None = Field(None, description="ISO end date for kind 'by'; null otherwise.")
    span: Span = Field(description="Span of raw in Plan.text.")
    start_year: int | None = Field(None, description="First year for a 'period' (十五五期间 → 2026).")
    end_year: int | None = Field(None, description="Last year for a 'period'.")
    commitment: str | None = Field(None, description="For milestones: the clause the date governs, e.g. 完成全部排污口溯源及整治任务.")
    rule: str = Field("", description="Id of the deadline rule that matched.")


class Task(_Record):
    """A section that carries an assignment block (or a table row of a 任务分工表)."""

    id: str = Field(description="t + 1-based position in document order.")
    section_id: str | None = Field(description="Id of the section the assignment belongs to.")
    path: list[str] = Field(description="Markers from the root to the section, e.g. ['二、', '（一）', '1.'].")
    title: str = Field(description="Title of the section (or the row's task text).")
    lead_units: list[Unit] = Field(default_factory=list, description="牵头单位 and equivalents.")
    responsible_units: list[Unit] = Field(default_factory=list, description="责任单位 and equivalents.")
    cooperating_units: list[Unit] = Field(default_factory=list, description="配合单位 and equivalents.")
    deadline: Deadline | None = Field(None, description="From the task's own deadline field only, never guessed from prose.")
    milestones: list[Deadline] = Field(default_factory=list, description="Dated commitments inside the task's text.")
    span: Span = Field(description="The whole task: heading to end of its (last) assignment block.")
    page: int | None = Field(None, description="1-based page where the task starts; null for text input.")
    topics: list[str] = Field(default_factory=list, description="Domain tags from grammars/topics.toml.")


class Target(_Record):
    """A quantitative target."""

    indicator: str = Field(description="The noun phrase the number belongs to, e.g. 森林覆盖率.")
    comparator: Comparator = Field(description="达到/以上/不低于 → >=, 不超过/控制在/以下 → <=, 左右 → ≈, counts → =.")
    value: float | None = Field(description="The number; null for placeholders such as XX%.")
    value_max: float | None = Field(None, description="The upper end when the value is a range (14%—15% → value 14, value_max 15); null otherwise.")
    unit: str | None = Field(None, description="%, 微克/立方米, 万亩 … or null.")
    year: int | None = Field(None, description="Target year from the sentence or its paragraph.")
    raw: str = Field(description="The target phrase as written, indicator to unit.")
    section_id: str | None = Field(None, description="Innermost section containing the target.")
    placeholder: bool = Field(False, description="True when the value is a template placeholder (XX%).")
    span: Span = Field(description="Span of raw in Plan.text.")
    page: int | None = Field(None, description="1-based page; null for text input.")
    rule: str = Field("", description="Id of the comparator rule that matched.")


class Issue(_Record):
    """Something that looked wrong. Codes are stable."""

    code: str = Field(description="Stable code, e.g. placeholder-unit, task-without-lead, bad-year, unknown-heading-gap.")
    message: str = Field(description="Plain-language explanation.")
    span: Span | None = Field(None, description="Where, when it has a place in the text.")


class Plan(_Record):
    """A parsed plan. ``Plan.model_dump_json()`` is the contract JSON."""

    schema_version: str = Field(SCHEMA_VERSION, description="Version of the output contract.")
    source: Source
    metadata: Metadata
    text: str = Field(description="The normalised text; every span indexes into it.")
    sections: list[Section] = Field(default_factory=list, description="The heading tree, top level first.")
    tasks: list[Task] = Field(default_factory=list, description="Every section that carries an assignment block, document order.")
    targets: list[Target] = Field(default_factory=list, description="Every quantitative target, document order.")
    warnings: list[Issue] = Field(default_factory=list, description="What looked wrong; never silently dropped.")

    def iter_sections(self) -> list[Section]:
        """All sections, depth-first in document order."""
        out: list[Section] = []
        stack = list(reversed(self.sections))
        while stack:
            sec = stack.pop()
            out.append(sec)
            stack.extend(reversed(sec.children))
        return out
