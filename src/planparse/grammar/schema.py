"""One Pydantic model per grammar file. ``extra="forbid"``: a misspelt key is an error, not a no-op."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Rule(_Strict):
    """A rule with a stable id, a regex, and the examples it must (not) match."""

    id: str
    pattern: str
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)


class Typo(_Strict):
    """A family's marker written with a wrong separator (一，): a heading only among the family's own."""

    pattern: str
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)


class HeadingFamily(_Rule):
    level: int = Field(ge=0, le=9)
    rank: int
    number: Literal["cn", "arabic", "circled"]
    typo: Typo | None = None
    outline: bool = Field(
        False,
        description="A level of a decimal outline (1 总则, 1.1, 1.1.1): its marker is a heading only where the plan runs through the outline (planparse.outline), never on its own.",
    )


class StandardTitles(_Strict):
    titles: list[str]


class Toc(_Strict):
    pattern: str
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)


class Structure(_Strict):
    paragraph_starts: list[str]
    note_starts: list[str] = Field(default_factory=list, description="Labels of a note under a table (注：1.…): its numbered lines are no headings.")
    colon_title: str = Field("", description="A caption a colon ends, at a title's start: the title is the caption (一、指导思想：以…).")


class HeadingsFile(_Strict):
    fragments: dict[str, str] = Field(default_factory=dict)
    family: list[HeadingFamily]
    standard_titles: StandardTitles
    toc: Toc
    structure: Structure


class FieldLabel(_Strict):
    id: str
    field: Literal["lead_units", "responsible_units", "cooperating_units", "deadline", "other"]
    aliases: list[str] = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)
    counter_examples: list[str] = Field(default_factory=list)


class BlockSettings(_Strict):
    brackets: list[tuple[str, str]]
    verb_hints: list[str]
    role_notes: dict[str, Literal["lead_units", "responsible_units", "cooperating_units"]] = Field(default_factory=dict)
    prose_marks: str = Field(
        "", description="A regex: a would-be unit of an assignment clause closing a prose sentence that it matches is prose (要, 由此…)."
    )
    plan_itself: str = Field(
        "", description="A regex: a prose sentence it matches speaks of the plan as a whole (本方案, 本意见), so its closing clauses assign no task."
    )


class VerbRule(_Rule):
    role: Literal["lead_units", "responsible_units", "cooperating_units", "other"]  # other: a role no Task field holds (指导)
    sentence_start: bool = Field(
        False, description="True: the pattern opens a prose sentence (由市发改委牵头筹备…) instead of making up a whole clause."
    )
    trigger: str = Field("", description="For a sentence_start rule: a word its sentences hold (牵头); only those sentences are tried.")


class RoleClause(_Rule):
    """A note in a unit list naming who takes a role among the units: 其中各街道办事处为牵头单位."""

    role: Literal["lead_units", "responsible_units", "cooperating_units"]


class Convention(_Rule):
    effect: Literal["first-is-lead", "implicit-responsible"]


class FieldsFile(_Strict):
    fragments: dict[str, str] = Field(default_factory=dict)
    label: list[FieldLabel]
    block: BlockSettings
    verb: list[VerbRule]
    role_clause: list[RoleClause] = Field(default_factory=list)
    convention: list[Convention]


class UnitSettings(_Strict):
    separators: str
    trailing_noise: list[str]
    scope_prefix: str
    name_part_bracket: str
    scope_note: str
    shared_head: str
    shared_tail: str
    inherit_prefix: str
    admin_prefix: str
    no_inherit: str
    bare_place: str
    shared_head_noun: str
    joint_body: str
    provincial_body: str
    conjunction: str
    conjunct: str
    duty: str
    not_a_unit: str
    placeholder: str
    suffixes: list[str]
    examples: list[str] = Field(default_factory=list)


class Alias(_Strict):
    short: str
    canonical: str


class UnitAliasesFile(_Strict):
    fragments: dict[str, str] = Field(default_factory=dict)
    units: UnitSettings
    alias: list[Alias]
    collective: list[_Rule]


class DeadlineRule(_Rule):
    kind: Literal["by", "ongoing", "recurring", "period", "relative", "deferred"]
    date: Literal["year-end", "month-end", "day", "quarter-end", "half-end", "fyp-end", "none"]
    in_prose: bool = Field(True, description="False: only a deadline field's value; in prose such a phrase is not a commitment (a validity window).")
    prose_not_next: str = Field(
        "", description="In prose, a match followed by this (matched at its end) qualifies a noun, not a commitment: 2022年度国土变更调查."
    )
    anchor: str = Field(
        "",
        description="A cheap pattern every match of the rule contains: the rule is then tried only in the sentences "
        "(between two `sentence_end` characters) that hold it, not over the whole text.",
    )


class DeadlinesFile(_Strict):
    sentence_end: str = Field(
        "[。；;\\n]", description="A character no rule's match (nor what it looks at after its end) runs across: where anchored rules' sentences end."
    )
    fragments: dict[str, str] = Field(default_factory=dict)
    rule: list[DeadlineRule]


class ComparatorRule(_Rule):
    comparator: Literal[">=", "<=", "=", "≈", ">", "<"]
    position: Literal["before", "after", "reduction"]


class TargetValues(_Strict):
    units: list[str]
    count_units: list[str]
    duration_units: list[str]
    comparator_units: list[str] = Field(
        default_factory=list, description="Units a value carries only right after a comparator (达到3.2人): elsewhere a count of people is a condition (吸纳10人以上)."
    )
    unitless_indicator: str
    condition_after: str
    condition_clause: str
    condition_before: str
    measure_tail: str
    measure_head: str
    count_verbs: str
    count_action: str
    count_predicate: str
    cn_percent: str
    cn_tenths: str
    cn_fraction: str
    scale_unit: str
    share_of: str
    range_joiner: str
    exclude_context: str
    indicator_prefix: str
    indicator_suffix: str
    baseline: str
    retrospective_section: str
    goal_frame: str
    goal_frame_break: str
    anaphor: str
    baseline_tail: str
    baseline_after: str
    region_prefix: str
    examples: list[str] = Field(default_factory=list)
    status: str  # a time up to now (截至…, …以来, 目前): the value says where things stand
    status_done: str  # work done (已建成): a status in a sentence with no goal word
    stat_verb: str  # an increase in a stock (新增): its subject stays in the indicator
    goal_word: str  # what makes a sentence set a goal (到2025年, 力争, 目标)
    goal_title: str  # a heading over goals (预期目标, 主要指标)
    stated: str  # a level stated right before its value (为, 是): no goal, a goal's subject
    goal_opener: str  # a clause opening with it sets goals (确保, 力争)
    contents_count: str  # a count right after it says what the plan holds (主要有, 包括)
    place_only: str  # a place alone where the indicator stands (东部地区达到60%): the level of the measure before
    in_word: str  # a joiner inside a word (普及率, 参与率, 饱和度): no list's joiner
    plan_word: str  # the work a count's noun ends with (…产能淘汰任务): not what the count measures
    series_predicate: str  # what a 分别 list's subjects say of themselves (实现倍增): no part of the last item
    place_head: str  # a place heading that measure's name (市区学前入园率), which the other place's level drops


class TargetsFile(_Strict):
    fragments: dict[str, str] = Field(default_factory=dict)
    comparator: list[ComparatorRule]
    values: TargetValues


class MetadataSettings(_Strict):
    title_suffix: str
    notice: str
    issuer_notice: str
    doc_number: str
    doc_number_label: str
    signoff_date: str
    signoff_figures: str
    date_label: str
    imprint: str
    cover_date: str
    issuer_label: str
    issuer_line: str
    region: str
    region_stop: str
    town: str
    town_stop: str
    region_seat: str
    period: str
    fyp_period: str
    single_year: str
    region_lead: str
    draft: str
    province_level: list[str]
    provinces: list[str] = Field(default_factory=list)
    admin_suffix: list[tuple[str, Literal["province", "city", "county", "district"]]]
    annex_line: str  # an annex label alone on its line (附件2：): no title
    addressee_town: str  # a town or street among a notice's addressees (各乡镇人民政府、各街道办事处)
    addressee_county: str  # a county or district among them: the sender governs counties, not towns only
    cities_of_towns: list[str] = Field(default_factory=list)  # prefecture-level cities that govern towns directly (GB/T 2260)
    masthead_end: str  # the 文件 that ends a masthead (某某市人民政府办公室文件), spaced out or not
    inline_masthead: str  # a masthead run into a line of a web copy, (?P<name>) the body that issues it
    copy_note_line: str  # the note under a sign-off (（此件公开发布）, GB/T 9704 附注) standing alone
    title_field: str  # a web page's field label before the notice's title (标  题：): no part of the issuer's name
    breadcrumb: str  # a web page's navigation trail (首页 > 政策文件 > 正文): no title's line
    after_body: str  # a line after which the plan's body has ended: an annex label, a sign-off date


class MetadataFile(_Strict):
    fragments: dict[str, str] = Field(default_factory=dict)
    metadata: MetadataSettings


class NoiseLine(_Rule):
    needs_break: bool = False  # drop only next to a page break (a blank line or a form feed)


class GluedSettings(_Strict):
    """noise.toml [glued]: text a web page copied without its line breaks (planparse.unglue).
    An empty pattern turns its joint off."""

    long_line: int = Field(1500, gt=0)  # a line this long is no paragraph: the page lost its breaks
    inline_share: int = Field(3, gt=0)  # glued when inline markers × this ≥ headings at line starts
    signoff: str = ""  # a sign-off run on after a sentence: (?P<issuer>…) optional, (?P<date>…), (?P<bare>) when no issuer
    annex: str = ""  # an annex label opening the text (附件：)
    draft: str = ""  # a draft mark run on at a title's end (…实施方案征求意见稿)
    preamble_starts: list[str] = Field(default_factory=list)  # words a preamble opens with, no title


class NoiseFile(_Strict):
    fragments: dict[str, str] = Field(default_factory=dict)
    line: list[NoiseLine]
    glued: GluedSettings = Field(default_factory=GluedSettings)


class TableColumn(_Strict):
    role: Literal["number", "task", "measure", "goal", "problem", "section", "lead_units", "responsible_units", "cooperating_units", "deadline", "other"]
    headers: list[str] = Field(min_length=1)


class TargetTable(_Strict):
    indicator: list[str] = Field(min_length=1)
    unit: list[str] = Field(default_factory=list)
    target: list[str] = Field(default_factory=list)
    base: list[str] = Field(default_factory=list)
    comparators: dict[str, Literal[">=", "<=", "=", "≈", ">", "<"]] = Field(default_factory=dict)
    attributes: dict[str, Literal[">=", "<=", "=", "≈", ">", "<"]] = Field(default_factory=dict)
    attribute: list[str] = Field(default_factory=list)


class TablesFile(_Strict):
    targets: TargetTable | None = None
    qualifiers: list[str] = Field(default_factory=list)
    person_columns: list[str] = Field(default_factory=list)
    sub_labels: dict[str, Literal["lead_units", "responsible_units", "cooperating_units"]] = Field(default_factory=dict)
    column: list[TableColumn]


class FragmentsFile(_Strict):
    """grammars/fragments.toml: fragments every other file's patterns may use (``{name}``)."""

    fragments: dict[str, str]


class Topic(_Strict):
    id: str
    keywords: list[str] = Field(min_length=1)


class TopicsFile(_Strict):
    topic: list[Topic]


FILES: dict[str, type[BaseModel]] = {
    "fragments.toml": FragmentsFile,
    "headings.toml": HeadingsFile,
    "fields.toml": FieldsFile,
    "unit_aliases.toml": UnitAliasesFile,
    "deadlines.toml": DeadlinesFile,
    "targets.toml": TargetsFile,
    "metadata.toml": MetadataFile,
    "noise.toml": NoiseFile,
    "topics.toml": TopicsFile,
    "tables.toml": TablesFile,
}
