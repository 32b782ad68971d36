"""The only reader of ``grammars/``: validated, compiled rules, cached per directory.

>>> g = load_grammars()
>>> g.label_field["牵头单位"]
'lead_units'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
from pydantic import BaseModel, ValidationError

from planparse import rx
from planparse.errors import GrammarError
from planparse.grammar.compile import any_of, check_unique_ids, compile_pattern, expand, literal_alternation
from planparse.grammar.schema import (
    FILES,
    DeadlinesFile,
    FieldsFile,
    FragmentsFile,
    HeadingsFile,
    MetadataFile,
    NoiseFile,
    TablesFile,
    TargetsFile,
    TopicsFile,
    UnitAliasesFile,
)

__all__ = ["Grammars", "default_grammar_dir", "load_file", "load_grammars"]


def default_grammar_dir() -> Path:
    """grammars/ inside the installed package (wheel), else beside src/ (a checkout)."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "grammars", here.parent.parent / "grammars"):
        if (candidate / "headings.toml").is_file():
            return candidate
    raise GrammarError("grammars/", "", "grammar directory not found in the package or the checkout")


def load_file(path: Path) -> BaseModel:
    """Read and validate one grammar file against its schema."""
    name = path.name
    model = FILES.get(name)
    if model is None:
        raise GrammarError(f"grammars/{name}", "", "unknown grammar file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise GrammarError(f"grammars/{name}", "", str(err)) from None
    return validate(name, data)


def validate(name: str, data: dict[str, Any]) -> BaseModel:
    """Validate parsed TOML; the first error reads ``grammars/NAME: [loc -> 2 -> key] message``."""
    try:
        return FILES[name].model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = " -> ".join(str(p) for p in first["loc"])
        raise GrammarError(f"grammars/{name}", loc, first["msg"]) from None


@dataclass(frozen=True)
class Heading:
    id: str
    level: int
    rank: int
    number: str
    pattern: regex.Pattern[str]  # anchored at a line start, as written
    at: regex.Pattern[str]  # the same without the anchor: matched at a given position
    typo: regex.Pattern[str] | None = None  # MULTILINE: the marker with a wrong separator (一，), see segment

@dataclass(frozen=True)
class Compiled:
    """A compiled rule: its id, its compiled pattern and the attributes the stage needs."""

    id: str
    pattern: regex.Pattern[str]
    attrs: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Grammars:
    """Everything the stages read from grammars/, compiled once."""

    directory: Path
    headings: HeadingsFile
    fields: FieldsFile
    units: UnitAliasesFile
    deadlines: DeadlinesFile
    targets: TargetsFile
    metadata: MetadataFile
    noise: NoiseFile
    topics: TopicsFile
    tables: TablesFile
    heading_families: list[Heading]
    standard_title: regex.Pattern[str]
    colon_title: regex.Pattern[str] | None  # headings.toml [structure] colon_title
    toc: regex.Pattern[str]  # MULTILINE: one pass finds every table-of-contents line
    heading_start: regex.Pattern[str]  # any family's marker at a position (one pass instead of one per family)
    heading_first: frozenset[str] | None  # the characters a marker can start with (None: any)
    noise_any: regex.Pattern[str]  # any noise line, to test a line once before finding which rule
    label: regex.Pattern[str]
    label_field: dict[str, str]
    verbs: list[Compiled]
    conventions: list[Compiled]
    role_clauses: list[Compiled]  # fields.toml [[role_clause]]: a note naming a listed unit's role
    prose_marks: regex.Pattern[str] | None  # fields.toml [block] prose_marks (None: left empty)
    plan_itself: regex.Pattern[str] | None  # fields.toml [block] plan_itself (None: left empty)
    collective: list[Compiled]
    deadline_rules: list[Compiled]
    deadline_sentence_end: regex.Pattern[str]  # no deadline rule's match runs across one (see ``anchor``)
    deadline_sentence_end_back: regex.Pattern[str]  # the same, searched from the end backwards
    comparators: list[Compiled]
    noise_lines: list[Compiled]
    meta: dict[str, regex.Pattern[str]]
    unit_patterns: dict[str, regex.Pattern[str]]
    target_patterns: dict[str, regex.Pattern[str]]
    topic_ids: list[str]
    topic_keywords: regex.Pattern[str]  # every topic's keywords, the longest first
    keyword_topics: dict[str, tuple[tuple[tuple[int, int], ...], bool]]  # see _keyword_topics
    # what the extractors learn about a name (canonical form, collective…), kept per grammar:
    # a plan names the same units again and again
    memo: dict[str, dict[Any, Any]] = field(default_factory=dict, repr=False, compare=False)

    def heading_at(self, text: str, pos: int = 0, end: int | None = None) -> regex.Match[str] | None:
        """Any family's marker at ``pos`` (most lines: one set lookup, no regex)."""
        if pos >= len(text) or (self.heading_first is not None and text[pos] not in self.heading_first):
            return None
        return self.heading_start.match(text, pos, len(text) if end is None else end)

    def rules(self) -> list[tuple[str, str, list[str], list[str], regex.Pattern[str]]]:
        """(file, id, examples, counter_examples, pattern) of every rule that carries examples."""
        out = []
        for h, src in zip(self.heading_families, self.headings.family, strict=True):
            out.append(("headings.toml", h.id, src.examples, src.counter_examples, h.pattern))
            if h.typo is not None and src.typo is not None:
                out.append(("headings.toml", h.id + "/typo", src.typo.examples, src.typo.counter_examples, h.typo))
        out.append(("headings.toml", "toc", self.headings.toc.examples, self.headings.toc.counter_examples, self.toc))
        colon = self.fields.fragments.get("colon", _COLON)
        for lab in self.fields.label:
            p = label_pattern(lab.aliases, colon)
            out.append(("fields.toml", lab.id, lab.examples, lab.counter_examples, p))
        for group, srcs, file in (
            (self.verbs, self.fields.verb, "fields.toml"),
            (self.conventions, self.fields.convention, "fields.toml"),
            (self.role_clauses, self.fields.role_clause, "fields.toml"),
            (self.collective, self.units.collective, "unit_aliases.toml"),
            (self.deadline_rules, self.deadlines.rule, "deadlines.toml"),
            (self.comparators, self.targets.comparator, "targets.toml"),
            (self.noise_lines, self.noise.line, "noise.toml"),
        ):
            for c, src in zip(group, srcs, strict=True):
                out.append((file, c.id, src.examples, src.counter_examples, c.pattern))
        return out


_COLON = r"[ \t\u3000]*[：:][ \t\u3000]*"


def label_pattern(aliases: list[str], colon: str) -> regex.Pattern[str]:
    """``牵头单位：`` or ``【牵头单位】`` (the colon after the bracket optional); the alias in ``label``."""
    words = literal_alternation(aliases)
    first = regex.escape("".join(sorted({"【", "［", *(a[0] for a in aliases)})))  # lets the engine skip ahead
    return rx.compile(f"(?=[{first}])(?P<open>[【［])?(?P<label>{words})(?(open)[】］](?:{colon})?[ \\t\\u3000]*|{colon})")


def _compile_rules(
    file: str, kind: str, rules: list[Any], fragments: dict[str, str], attrs: tuple[str, ...], patterns: tuple[str, ...] = ()
) -> list[Compiled]:
    """Each rule's pattern compiled, with its ``attrs`` as written and its optional ``patterns``
    attributes compiled too (None where the rule leaves one empty)."""
    check_unique_ids([r.id for r in rules], file, kind)
    out = []
    for i, r in enumerate(rules):
        values = {a: getattr(r, a) for a in attrs}
        for a in patterns:
            values[a] = compile_pattern(getattr(r, a), fragments, file, f"{kind} -> {i} -> {a}") if getattr(r, a) else None
        out.append(Compiled(r.id, compile_pattern(r.pattern, fragments, file, f"{kind} -> {i} -> pattern"), values))
    return out


def _with_units(rules: list[Compiled], kind: str) -> list[Compiled]:
    """Rules whose match names units: each pattern must capture them as ``(?P<units>…)``."""
    for i, r in enumerate(rules):
        if "units" not in r.pattern.groupindex:
            raise GrammarError("grammars/fields.toml", f"{kind} -> {i} -> pattern", "the pattern must capture the units as (?P<units>…)")
    return rules


def _keyword_topics(topics: TopicsFile) -> dict[str, tuple[tuple[tuple[int, int], ...], bool]]:
    """For each keyword: (topic, length) for its own topic and that of every keyword it starts
    with, the length of the shortest such keyword (a scan finds only the longest keyword at a
    place: 大气污染 holds 大气); and whether another keyword can start inside it (水生态 /
    生态保护), which a scan steps over."""
    words = {k for t in topics.topic for k in t.keywords}
    out = {}
    for w in words:
        lengths = [min((len(k) for k in t.keywords if w.startswith(k)), default=0) for t in topics.topic]
        inner = any(k.startswith(w[j:]) or w[j:].startswith(k) for j in range(1, len(w)) for k in words)
        out[w] = (tuple((i, n) for i, n in enumerate(lengths) if n), inner)
    return out


def _compile_settings(file: str, section: str, settings: BaseModel, keys: list[str], fragments: dict[str, str]) -> dict[str, regex.Pattern[str]]:
    return {k: compile_pattern(getattr(settings, k), fragments, file, f"{section} -> {k}", regex.MULTILINE) for k in keys}


_PROBE = "页一、（一）1.① 第一章 2025年12月底前，牵头单位：县局。XX%\n"


def _check_no_empty_matches(g: Grammars) -> None:
    """A rule must never match the empty string anywhere: probe it on its examples and plan-like text."""
    for file, rule_id, examples, counter, pattern in g.rules():
        for s in [_PROBE, *examples, *counter]:
            if any(m.end() == m.start() for m in pattern.finditer(s)):
                raise GrammarError(f"grammars/{file}", rule_id, f"pattern matches the empty string (in {s!r})")


def _share_fragments(models: dict[str, BaseModel]) -> dict[str, BaseModel]:
    """Every file's fragments with grammars/fragments.toml's added, so a piece several files need
    (a date, the words an issuing body's name ends with) is written once. A file may not define a
    shared name again: two definitions would drift apart, which the shared file is there to stop."""
    shared: FragmentsFile = models["fragments.toml"]  # type: ignore[assignment]
    for name, source in shared.fragments.items():  # each must be a regex of its own, used or not (it may match nothing: [ \t]*)
        try:
            rx.compile(expand(source, shared.fragments, "grammars/fragments.toml", f"fragments -> {name}"), regex.V0)
        except regex.error as err:
            raise GrammarError("grammars/fragments.toml", f"fragments -> {name}", f"bad regex: {err}") from None
    out = dict(models)
    for file, model in models.items():
        own = getattr(model, "fragments", None)
        if own is None or file == "fragments.toml":
            continue
        for name in own:
            if name in shared.fragments:
                raise GrammarError(f"grammars/{file}", f"fragments -> {name}", f"fragment {{{name}}} is already defined in grammars/fragments.toml")
        out[file] = model.model_copy(update={"fragments": {**shared.fragments, **own}})
    return out


@lru_cache(maxsize=4)
def load_grammars(directory: Path | str | None = None) -> Grammars:
    """Load, validate and compile every grammar file in ``directory`` (default: the shipped one)."""
    d = Path(directory) if directory is not None else default_grammar_dir()
    models = _share_fragments({name: load_file(d / name) for name in FILES})
    headings: HeadingsFile = models["headings.toml"]  # type: ignore[assignment]
    fields: FieldsFile = models["fields.toml"]  # type: ignore[assignment]
    units: UnitAliasesFile = models["unit_aliases.toml"]  # type: ignore[assignment]
    deadlines: DeadlinesFile = models["deadlines.toml"]  # type: ignore[assignment]
    targets: TargetsFile = models["targets.toml"]  # type: ignore[assignment]
    metadata: MetadataFile = models["metadata.toml"]  # type: ignore[assignment]
    noise: NoiseFile = models["noise.toml"]  # type: ignore[assignment]
    topics: TopicsFile = models["topics.toml"]  # type: ignore[assignment]
    tables: TablesFile = models["tables.toml"]  # type: ignore[assignment]

    check_unique_ids([f.id for f in headings.family], "grammars/headings.toml", "family")
    check_unique_ids([t.id for t in topics.topic], "grammars/topics.toml", "topic")
    families = []
    for i, f in enumerate(headings.family):
        loc = f"family -> {i} -> pattern"
        if not f.pattern.startswith("^"):
            raise GrammarError("grammars/headings.toml", loc, "a heading pattern must start with ^ (headings start a line)")
        anchored = compile_pattern(f.pattern, headings.fragments, "grammars/headings.toml", loc, regex.MULTILINE)
        typo = None
        if f.typo is not None:
            typo_loc = f"family -> {i} -> typo -> pattern"
            if not f.typo.pattern.startswith("^"):
                raise GrammarError("grammars/headings.toml", typo_loc, "a heading pattern must start with ^ (headings start a line)")
            typo = compile_pattern(f.typo.pattern, headings.fragments, "grammars/headings.toml", typo_loc, regex.MULTILINE)
        at = compile_pattern(f.pattern[1:], headings.fragments, "grammars/headings.toml", loc)
        families.append(Heading(f.id, f.level, f.rank, f.number, anchored, at, typo))
    check_unique_ids([lab.id for lab in fields.label], "grammars/fields.toml", "label")
    label_field: dict[str, str] = {}
    for i, lab in enumerate(fields.label):
        for alias in lab.aliases:
            if alias in label_field:
                raise GrammarError("grammars/fields.toml", f"label -> {i} -> aliases", f"alias {alias!r} appears twice")
            label_field[alias] = lab.field
    label = label_pattern(list(label_field), fields.fragments.get("colon", _COLON))
    us = units.units
    unit_patterns = {
        "trailing_noise": rx.compile("|".join(f"(?:{p})" for p in us.trailing_noise)),
        "scope_prefix": compile_pattern(us.scope_prefix, units.fragments, "grammars/unit_aliases.toml", "units -> scope_prefix"),
        "name_part_bracket": compile_pattern(us.name_part_bracket, units.fragments, "grammars/unit_aliases.toml", "units -> name_part_bracket"),
        **{
            k: compile_pattern(getattr(us, k), units.fragments, "grammars/unit_aliases.toml", f"units -> {k}")
            for k in ("scope_note", "shared_head", "shared_tail", "joint_body", "inherit_prefix", "admin_prefix", "no_inherit", "bare_place", "shared_head_noun", "not_a_unit", "conjunction", "conjunct", "provincial_body", "duty")
        },
        "placeholder": compile_pattern(us.placeholder, units.fragments, "grammars/unit_aliases.toml", "units -> placeholder"),
        "suffix": rx.compile(f"(?:{literal_alternation(us.suffixes)})$"),
        "alias": rx.compile(f"(?:{literal_alternation([a.short for a in units.alias])})$"),
    }
    tv = targets.values
    # every pattern of [values] (its str fields; the unit lists are compiled below)
    value_keys = [k for k in type(tv).model_fields if isinstance(getattr(tv, k), str)]
    target_patterns = _compile_settings("grammars/targets.toml", "values", tv, value_keys, targets.fragments)
    target_patterns["unit"] = rx.compile(f"(?:{literal_alternation(tv.units)})")
    target_patterns["count_unit"] = rx.compile(f"(?:{literal_alternation(tv.count_units)})")
    # a count inside a noun (104家总投资): what precedes a number is then no noun of its own
    target_patterns["count_in"] = rx.compile(f"[0-9][ \t]*(?:{literal_alternation(tv.count_units)})")
    # a value with its unit (60亿元): where a counted noun ends
    target_patterns["measure_at"] = rx.compile(f"[0-9]+(?:[.．][0-9]+)?[ \t]*(?:{literal_alternation(tv.units)})")
    noise_lines = _compile_rules("grammars/noise.toml", "line", noise.line, noise.fragments, ("needs_break",))
    meta_keys = [k for k in type(metadata.metadata).model_fields if isinstance(getattr(metadata.metadata, k), str)]
    grammars = Grammars(
        directory=d,
        headings=headings,
        fields=fields,
        units=units,
        deadlines=deadlines,
        targets=targets,
        metadata=metadata,
        noise=noise,
        topics=topics,
        tables=tables,
        heading_families=families,
        heading_start=rx.compile(any_of([h.at.pattern for h in families])),
        heading_first=rx.first_chars(any_of([h.at.pattern for h in families])),
        noise_any=rx.compile(any_of([c.pattern.pattern for c in noise_lines])),
        toc=compile_pattern(headings.toc.pattern, headings.fragments, "grammars/headings.toml", "toc -> pattern", regex.MULTILINE),
        standard_title=rx.compile(f"(?:{literal_alternation(headings.standard_titles.titles)})"),
        colon_title=compile_pattern(headings.structure.colon_title, headings.fragments, "grammars/headings.toml", "structure -> colon_title") if headings.structure.colon_title else None,
        label=label,
        label_field=label_field,
        verbs=_compile_rules("grammars/fields.toml", "verb", fields.verb, fields.fragments, ("role", "sentence_start", "trigger")),
        conventions=_compile_rules("grammars/fields.toml", "convention", fields.convention, fields.fragments, ("effect",)),
        role_clauses=_with_units(_compile_rules("grammars/fields.toml", "role_clause", fields.role_clause, fields.fragments, ("role",)), "role_clause"),
        prose_marks=compile_pattern(fields.block.prose_marks, fields.fragments, "grammars/fields.toml", "block -> prose_marks") if fields.block.prose_marks else None,
        plan_itself=compile_pattern(fields.block.plan_itself, fields.fragments, "grammars/fields.toml", "block -> plan_itself") if fields.block.plan_itself else None,
        collective=_compile_rules("grammars/unit_aliases.toml", "collective", units.collective, units.fragments, ()),
        deadline_rules=_compile_rules(
            "grammars/deadlines.toml", "rule", deadlines.rule, deadlines.fragments, ("kind", "date", "in_prose"), ("prose_not_next", "anchor")
        ),
        deadline_sentence_end=compile_pattern(deadlines.sentence_end, {}, "grammars/deadlines.toml", "sentence_end"),
        deadline_sentence_end_back=compile_pattern(deadlines.sentence_end, {}, "grammars/deadlines.toml", "sentence_end", regex.REVERSE),
        comparators=_compile_rules("grammars/targets.toml", "comparator", targets.comparator, targets.fragments, ("comparator", "position")),
        noise_lines=noise_lines,
        meta=_compile_settings("grammars/metadata.toml", "metadata", metadata.metadata, meta_keys, metadata.fragments),
        unit_patterns=unit_patterns,
        target_patterns=target_patterns,
        topic_ids=[t.id for t in topics.topic],
        topic_keywords=rx.compile(literal_alternation([k for t in topics.topic for k in t.keywords])),
        keyword_topics=_keyword_topics(topics),
    )
    if d.resolve() != default_grammar_dir().resolve():  # the shipped grammars are probed by the tests
        _check_no_empty_matches(grammars)
    return grammars
