"""Assignment blocks: where the text says who does a task and by when.

Three shapes, all found in one pass over the text:
- labelled fields, inline in brackets ``（牵头单位：…；责任单位：…）`` or on their own lines
  ``责任单位：…`` (grammars/fields.toml ``[[label]]``);
- verb style inside brackets ``（省商务厅牵头，合肥海关配合）`` (``[[verb]]``), accepted only when
  every clause is units + verb and every unit looks like an organisation;
- conventions stated once for the plan (``[[convention]]``), returned separately (extract/conventions.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from planparse import rx
from planparse.extract.brackets import at_top_level, bracket_pairs, enclosing
from planparse.extract.clauses import UNIT_FIELDS, Field, trim, verb_fields
from planparse.extract.conventions import Convention
from planparse.extract.deadlines import holds_date
from planparse.extract.label_lines import bare_labels, continuation_lines
from planparse.extract.units import RawUnit, looks_like_unit, plain_unit, prose_unit, split_units
from planparse.grammar import Grammars
from planparse.textindex import LineIndex, split_top_level

_SENTENCE_END = rx.compile("[。]")
_TAIL_END = rx.compile(r"[。；;\n]")
# a tab ends it: a table row is cells, not one sentence; "以上任务由…负责" after the items it
# covers starts at 由, and so do "此项工作由市教育局负责" (the measure it closes), "燃气安全监管工作由县住建局
# 负责" (the work named, then who does it) and "具体由县农业农村局负责"
_BY_SENTENCE = rx.compile(
    r"(?:(?<=[。；;\n])|^)(?:(?:以上|上述|此|该|这|本)(?:各项|项)?(?:任务|工作|措施)均?|(?P<named>\p{Han}{2,16}?(?:任务|工作|措施|事项))均?|具体)?(?P<by>由[^。；;\n\t]{2,120}?)(?=[。；;]|$)", regex.MULTILINE
)
_MAX_BRACKET = 400  # a bracket longer than this is prose, not an annotation
_MAX_VERB_BRACKET = 240  # verb-style annotations are unit lists, shorter still


@dataclass
class Block:
    start: int
    end: int
    kind: str  # "bracket", "line", "verb"
    fields: list[Field] = field(default_factory=list)
    prefix: tuple[int, int] | None = None  # unlabelled text before the first label inside a bracket
    tail: int = 0  # where the sentence it opens ends: 由市发改委牵头筹备组建…，2025年底前建成。 is the task's text too


def find_blocks(text: str, g: Grammars, conventions: list[Convention]) -> list[Block]:
    """Every labelled or verb-style block, in document order."""
    pairs = bracket_pairs(text, g)
    lines = LineIndex(text)
    # labels with a colon, and labels alone on their line with the value on the next (a form flattened)
    labels = sorted([*g.label.finditer(text), *bare_labels(text, g)], key=lambda m: m.start())
    around = enclosing([m.start() for m in labels], pairs)
    blocks: list[Block] = []
    by_bracket: dict[int, Block] = {}
    for i, m in enumerate(labels):
        fld = g.label_field[m.group("label")]
        line_end = lines.bounds(m.end())[1]  # a bare label's value is the next line
        o = around[m.start()]
        nxt = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        if o is not None and pairs[o] - o <= _MAX_BRACKET:
            close = pairs[o]
            block = by_bracket.get(o)
            if block is None:
                block = Block(o, close + 1, "bracket")
                pre = trim(text, o + 1, m.start())
                if pre[1] > pre[0]:
                    block.prefix = pre
                by_bracket[o] = block
                blocks.append(block)
            v_end = min(nxt, close)
            sent = _SENTENCE_END.search(text, m.end(), v_end)
            if sent:
                v_end = sent.start()
        else:
            # a label at a line start, after a heading marker, or mid-sentence: the value runs
            # to the next label, the end of the line or the end of the sentence
            v_end = min(nxt, line_end)
            sent = _SENTENCE_END.search(text, m.end(), v_end)
            if sent:
                v_end = sent.start()
            prev = blocks[-1] if blocks else None
            if prev is not None and prev.kind == "line" and _only_space_between(text, prev.end, m.start()):
                block = prev
            else:
                block = Block(m.start(), v_end, "line")
                blocks.append(block)
            block.end = max(block.end, v_end)
        v_start, v_stop = trim(text, m.end(), v_end)
        if fld in UNIT_FIELDS:  # "责任单位：县直有关部门，各乡镇，以下均需各乡镇落实，不再逐一列出": the note ends the list
            v_stop = trim(text, v_start, min([c.start for c in conventions if v_start < c.start < v_stop and at_top_level(text, v_start, c.start)], default=v_stop))[1]
        timed = _timed_tail(text, v_start, v_stop, g) if fld in UNIT_FIELDS else None
        if timed is not None:
            v_stop = trim(text, v_start, timed)[1]
        value = text[v_start:v_stop]
        hinted = fld in UNIT_FIELDS and any(v in value for v in g.fields.block.verb_hints)
        for n, (ps, pe) in enumerate(split_top_level(text, v_start, v_stop, "；;") if hinted else [(v_start, v_stop)]):
            verb = verb_fields(text, split_top_level(text, ps, pe), g, []) if hinted else []
            if any(f.field != fld and (n or f.field in ("lead_units", "cooperating_units")) for f in verb):
                # "责任部门：监测处牵头，财审处配合": the verbs inside the value give the roles; so does
                # a later part with a verb of its own ("配合单位：市发改委；各县政府负责落实")
                block.fields.extend(verb)
            else:
                block.fields.append(Field(fld, m.group("label"), *trim(text, ps, pe), "label-" + fld))
        if timed is not None:
            block.fields.append(Field("deadline", m.group("label"), *trim(text, timed, v_end), "unlabelled-deadline"))
        elif block.kind == "line" and v_end == line_end < nxt and fld in UNIT_FIELDS:  # lines of units under the value
            block.fields.extend(Field(fld, m.group("label"), cs, ce, "label-" + fld) for cs, ce in continuation_lines(text, line_end + 1, nxt, g))
            block.end = max(block.end, *(f.end for f in block.fields))
    notes = [(c.start, c.end) for c in conventions]
    first_listed = min((c.start for c in conventions if c.effect == "first-is-lead"), default=None)
    blocks.extend(_verb_blocks(text, g, pairs, set(by_bracket), notes, first_listed))
    blocks.extend(_verb_sentences(text, g, notes, [(b.start, b.end) for b in blocks]))
    # a block of "other" labels only (备注：, 办理时限：) assigns nothing; one that names the people in charge
    # (fields.toml label "person": 牵头责任人：张某) marks its item as a task all the same
    people = {a for lab in g.fields.label if lab.id == "person" for a in lab.aliases}
    blocks = [b for b in blocks if any(f.field != "other" or f.label in people for f in b.fields)]
    blocks.sort(key=lambda b: b.start)
    return blocks


def _timed_tail(text: str, start: int, end: int, g: Grammars) -> int | None:
    """Where a units value's unlabelled time part begins: ``县住建局；2023年起长期坚持``,
    ``市水利局，2024年12月底前完成`` (after a top-level ； or ，, a part that holds a deadline phrase
    and is no unit name), the time the block gives without a 完成时限 label. None when it has none."""
    for n, (ps, pe) in enumerate(split_top_level(text, start, end, "；;，,")):
        ps, pe = trim(text, ps, pe)
        if n and pe > ps and not looks_like_unit(text[ps:pe], g) and holds_date(text, ps, pe, g):  # (the cheap test first)
            return ps
    return None


def _only_space_between(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip(" \t\u3000\n。；;，,")


def _verb_blocks(
    text: str, g: Grammars, pairs: dict[int, int], taken: set[int], notes: list[tuple[int, int]], first_listed: int | None = None
) -> list[Block]:
    """Verb-style brackets; and, from where the plan says the first listed unit leads (``first_listed``:
    列第一位者为牵头部门), brackets that only list units at the end of a paragraph."""
    out: list[Block] = []
    for o, c in pairs.items():
        if o in taken or c - o > _MAX_VERB_BRACKET or c - o < 4:
            continue
        # a clause ending with a role verb (else none is units + verb); or a bare list after the convention,
        # whose own note (列第一位者为牵头部门) holds a role word too
        fields = verb_fields(text, split_top_level(text, o + 1, c), g, notes) if _verb_end(g).search(text, o + 1, c + 1) else []
        if not fields and first_listed is not None and c > first_listed:
            fields = _bare_units(text, o, c, g, notes)
        if fields:
            out.append(Block(o, c + 1, "verb", fields))
    return out


_PARAGRAPH_END = rx.compile(r"[ \t\u3000。；;]*(?:\n|$)")


def _bare_units(text: str, o: int, c: int, g: Grammars, notes: list[tuple[int, int]]) -> list[Field]:
    """"（省经信委、省发改委）" closing a paragraph, in a plan whose convention makes the first listed unit
    the lead: every clause a list of organisations named with their place (a bracket of prose, or of
    places, is none), the list the task's units. [] otherwise."""
    if not _PARAGRAPH_END.match(text, c + 1):
        return []  # a bracket inside the sentence glosses a word
    clauses = [(cs, ce) for cs, ce in split_top_level(text, o + 1, c) if not any(ns < ce and cs < ne for ns, ne in notes)]
    for cs, ce in clauses:
        units = split_units(text, cs, ce, g)
        if not units or not all(looks_like_unit(u.name, g) and prose_unit(u.name, g) for u in units):
            return []
    return [Field("responsible_units", "", *trim(text, cs, ce), "bare-units") for cs, ce in clauses]


def _verb_end(g: Grammars) -> regex.Pattern[str]:
    """A role verb (grammars/fields.toml verb_hints) closing a clause: before ，；。 or the bracket's end, or
    a few words after it saying how (牵头协调, 牵头组织实施): the verb rules decide, this only sifts."""
    return _verb_end_for(tuple(g.fields.block.verb_hints))


@lru_cache(maxsize=4)
def _verb_end_for(verb_hints: tuple[str, ...]) -> regex.Pattern[str]:
    hints = "|".join(regex.escape(v) for v in verb_hints)
    return rx.compile(f"(?:{hints})\\p{{Han}}{{0,4}}[ \\t]*[，,；;。）)〕】\\]〉]")


def _verb_sentences(text: str, g: Grammars, notes: list[tuple[int, int]], held: list[tuple[int, int]]) -> list[Block]:
    """Assignments in unbracketed prose.

    A sentence made only of assignments ("由市发改委牵头，各县（市、区）政府负责。"): every clause
    units + a role verb, every unit an organisation. And a sentence that opens with who does it
    (``sentence_start`` verb rules: "由市发改委、市生态环境局牵头筹备…"), tried only where the
    rule's trigger word stands; its units must all be organisations too."""
    out: list[Block] = []
    for m in _BY_SENTENCE.finditer(text):
        fields = verb_fields(text, split_top_level(text, m.start("by"), m.end()), g, notes)
        if fields and m.group("named") and not all(prose_unit(u.name, g) for u in _units_in(text, fields, g)):
            continue  # 认定工作由购房人所在乡镇负责: after a work named in prose, only bodies named with their place
        if fields:
            out.append(Block(m.start(), m.end(), "verb", fields))
        elif opening := _opening_clauses(text, split_top_level(text, m.start("by"), m.end()), g, notes):
            out.append(Block(m.start(), max(f.end for f in opening), "verb", opening, tail=m.end()))
    taken = {b.start for b in out}
    # without 由 the sentence must end with a role verb, hold no labelled or bracketed block, touch no
    # convention, and name only plain organisations free of prose marks (prose says 各区人民政府根据…制定…并
    # 落实, 各单位要抓好落实)
    verb_ends = list(_verb_end_for_sentence(tuple(g.fields.block.verb_hints)).finditer(text))  # both searches start here
    spans = held + notes
    for a, b in _sentences_ending_in_verbs(text, verb_ends):
        if a in taken or any(s < b and a < e for s, e in spans):
            continue
        fields = verb_fields(text, split_top_level(text, a, b), g, notes)
        # 各单位要抓好落实, 各乡镇要认真落实: a modal makes the sentence an exhortation (fields.toml prose_marks)
        if fields and all(plain_unit(u.name, g) and not (g.prose_marks and g.prose_marks.search(u.name)) for u in _units_in(text, fields, g)):
            out.append(Block(a, b, "verb", fields))
            taken.add(a)
    out.extend(_trailing_clauses(text, g, notes, held, out, verb_ends))
    taken = {b.start for b in out}
    for rule in g.verbs:
        if not rule.attrs["sentence_start"]:
            continue
        starts: set[int] = set()
        word = rule.attrs["trigger"] or "。"
        at = text.find(word)
        while at >= 0:  # only the sentences that hold the rule's word are tried
            floor = max(0, at - _MAX_VERB_BRACKET)
            start = _sentence_start(text, floor, at)
            if start > 0 or floor == 0:
                starts.add(start)
            at = text.find(word, at + len(word))
        for start in sorted(starts - taken):
            m = _at_sentence_start(rule.pattern.pattern, g.heading_start.pattern).match(text, start)
            if m is None:
                continue
            us, ue = m.span("units")
            if any(ns < ue and us < ne for ns, ne in notes):
                continue
            units = split_units(text, us, ue, g)
            if units and all(looks_like_unit(u.name, g) for u in units):
                stop = _TAIL_END.search(text, m.end())
                tail = stop.start() if stop else len(text)
                out.append(Block(m.start(), m.end(), "verb", [Field(rule.attrs["role"], "", us, ue, rule.id)], tail=tail))
                taken.add(start)
    return out


def _opening_clauses(text: str, clauses: list[tuple[int, int]], g: Grammars, notes: list[tuple[int, int]]) -> list[Field]:
    """Assignment clauses opening a sentence with 由, the work after them: "由省经贸委负责，省农业厅配合，加快
    基地建设。" — the longest run of units + verb clauses before at least one clause of prose, the units
    after 由 organisations named as prose names one (:func:`units.prose_unit`: 由此造成的… names none).
    Once they open the run, the later clauses' units need only be units (省财政厅、人行郑州中心支行配合:
    a body named without its level). [] otherwise."""
    for k in range(len(clauses) - 1, 0, -1):
        fields = verb_fields(text, clauses[:k], g, notes)
        if fields and all(prose_unit(u.name, g) for u in _units_in(text, fields[:1], g)):
            return fields
    return []


def _units_in(text: str, fields: list[Field], g: Grammars) -> list[RawUnit]:
    """The units the unit fields among ``fields`` list."""
    return [u for f in fields if f.field in UNIT_FIELDS for u in split_units(text, f.start, f.end, g)]


def _sentence_start(text: str, floor: int, pos: int) -> int:
    """Where the sentence holding ``pos`` starts: after the last 。；; or line end in ``[floor, pos)``, else 0."""
    return max(text.rfind(c, floor, pos) for c in "。；;\n") + 1


_MAX_TRAILING_SENTENCE = 400  # how far back a sentence closed by assignment clauses is read


def _trailing_clauses(
    text: str, g: Grammars, notes: list[tuple[int, int]], held: list[tuple[int, int]], found: list[Block], verb_ends: list[regex.Match[str]]
) -> list[Block]:
    """Assignment clauses closing a prose sentence: "开展联合执法检查，县生态环境分局牵头，县公安局、县交通
    运输局配合，各乡镇具体落实。", "建立…长效机制，由县发改局牵头负责。" (county plans write who does it
    after the work, in the same sentence).

    The run is the longest tail of the sentence's clauses that are each units + a role verb (a clause of
    bare units takes the next verb), with prose before it. The sentence holds no other block, touches no
    convention and no table cell, does not name the plan itself (fields.toml ``plan_itself``), and every unit is a plain organisation that reads as one
    (:func:`units.prose_unit`): prose also ends with 负责 (各级党委政府要切实负责)."""
    out: list[Block] = []
    spans = held + notes + [(b.start, b.end) for b in found]
    # a role verb right before a sentence's end, or before one last clause that only says when (县住建局负责，
    # 尽快完成; …配合，2025年底前完成): a date is the task's deadline, a manner of time (not_a_unit) names nobody
    timed = _verb_then_time_for(tuple(g.fields.block.verb_hints)).finditer(text)
    for m, tail in [*((m, None) for m in verb_ends), *((m, _time_tail(text, *m.span("tail"), g)) for m in timed)]:
        b = m.end()
        end = b if tail is None else m.end("tail")
        floor = max(0, b - _MAX_TRAILING_SENTENCE)
        a = _sentence_start(text, floor, b) or floor
        if tail is False or "\t" in text[a:end] or any(s < end and a < e for s, e in spans) or (g.plan_itself and g.plan_itself.search(text, a, end)):
            continue
        clauses = split_top_level(text, a, b)
        best: list[Field] = []
        for k in range(1, len(clauses)):  # the prose before the run is at least one clause
            fields = verb_fields(text, clauses[-k:], g, notes)
            if not fields or any(f.field == "deadline" for f in fields):
                break  # a clause that is no assignment (or a dated one) ends the run
            units = [f for f in fields if f.field in UNIT_FIELDS]
            if any(v in text[f.start : f.end] for f in units for v in g.fields.block.verb_hints):
                break  # …办公室负责组织推进相关决策落实: a duty, its units cut short at 负责
            if not all(prose_unit(u.name, g) for f in units for u in split_units(text, f.start, f.end, g)):
                break
            best = fields
        if best:
            out.append(Block(min(f.start for f in best), end, "verb", best + ([tail] if isinstance(tail, Field) else [])))
    return out


def _time_tail(text: str, start: int, end: int, g: Grammars) -> Field | bool:
    """The last clause after an assignment: its deadline field, True for a manner of time, False for prose."""
    if not looks_like_unit(text[start:end], g) and holds_date(text, start, end, g):
        return Field("deadline", "", start, end, "verb-deadline")
    return not split_units(text, start, end, g)


@lru_cache(maxsize=4)
def _verb_then_time_for(verb_hints: tuple[str, ...]) -> regex.Pattern[str]:
    """A role verb, then one short clause up to the sentence's end (``tail``)."""
    hints = "|".join(regex.escape(v) for v in verb_hints)
    return rx.compile(f"(?:{hints})(?=[ \\t]*[，,][ \\t]*(?P<tail>[^，,。；;\\n\\t]{{2,30}}?)[ \\t]*(?:[。；;]|$))", regex.MULTILINE)


@lru_cache(maxsize=4)
def _verb_end_for_sentence(verb_hints: tuple[str, ...]) -> regex.Pattern[str]:
    """A role verb right before a sentence's end (。；; or the line's end)."""
    hints = "|".join(regex.escape(v) for v in verb_hints)
    return rx.compile(f"(?:{hints})(?=[ \\t]*(?:[。；;]|$))", regex.MULTILINE)


_MAX_VERB_SENTENCE = 120  # the longest sentence before its role verb read as assignments alone


def _sentences_ending_in_verbs(text: str, verb_ends: list[regex.Match[str]]) -> Iterator[tuple[int, int]]:
    """Sentences that end with a role verb, as (start, end of the verb): "市城管局牵头，市住建局、市商务局
    配合。" — the same assignments as in brackets, written as prose without 由; verb_fields accepts
    one only when every clause is units + verb. Found from the verbs at sentence ends (few), back to
    the sentence's start within ``_MAX_VERB_SENTENCE`` characters, with no tab (a table cell) in it."""
    for m in verb_ends:
        floor = max(0, m.start() - _MAX_VERB_SENTENCE - 1)
        # after a colon too: "部门分工：市发改委牵头，各区配合" — the word before it is a label, no unit
        a = max(_sentence_start(text, floor, m.start()), text.rfind("：", floor, m.start()) + 1, text.rfind(":", floor, m.start()) + 1)
        if (a == 0 and floor > 0) or m.start() - a < 2 or "\t" in text[a : m.start()]:
            continue
        yield a, m.end()


@lru_cache(maxsize=8)
def _at_sentence_start(pattern: str, marker: str) -> regex.Pattern[str]:
    """``pattern`` at the start of a sentence, after a heading marker if the line opens with one."""
    return rx.compile(f"(?:{marker})?(?:{pattern})")
