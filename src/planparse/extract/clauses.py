"""Clauses of an assignment: ``省商务厅牵头，合肥海关配合`` → one Field per clause (its units and role),
read by the verb rules of grammars/fields.toml. Split from blocks.py, which finds where such clauses
stand (brackets, label values, prose sentences); tables.py reads a cell's clauses through it too."""

from __future__ import annotations

from dataclasses import dataclass

from planparse.extract.deadlines import holds_date
from planparse.extract.units import looks_like_unit, split_units
from planparse.grammar import Grammars

UNIT_FIELDS = ("lead_units", "responsible_units", "cooperating_units")  # the Task fields that hold units


@dataclass
class Field:
    """One labelled value: ``field`` is a Task field name or "deadline"/"other"."""

    field: str
    label: str
    start: int  # value start
    end: int  # value end (exclusive)
    rule: str


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\u3000":
        start += 1
    while end > start and text[end - 1] in " \t\u3000。；;，,、：:":
        end -= 1
    return start, end


def verb_fields(text: str, clauses: list[tuple[int, int]], g: Grammars, notes: list[tuple[int, int]]) -> list[Field]:
    """Fields of a verb-style bracket, or [] when any clause is not units + verb.

    A clause of bare units (``各区人民政府``, a tier before ``，``) takes the role of the next verb.
    """
    fields: list[Field] = []
    pending: list[tuple[int, int]] = []
    for cs, ce in clauses:
        if any(ns < ce and cs < ne for ns, ne in notes):
            continue  # a plan-wide convention inside the bracket ("以下均需…落实，不再列出")
        clause = text[cs:ce]
        hit = next(((rule, m) for rule in g.verbs if not rule.attrs["sentence_start"] and (m := rule.pattern.fullmatch(clause))), None)
        if hit is None and not pending and not looks_like_unit(clause.strip(), g) and holds_date(text, cs, ce, g):
            fields.append(Field("deadline", "", *trim(text, cs, ce), "verb-deadline"))  # （市水利局负责，长期坚持）
            continue
        if hit is None:
            units = split_units(text, cs, ce, g)
            if not units and fields and not pending:
                continue  # （县住建局负责，尽快完成）: a manner of time after the assignment names no unit (not_a_unit)
            if not units or not all(looks_like_unit(u.name, g) for u in units):
                return []
            pending.append((cs, ce))
            continue
        rule, m = hit
        us, ue = cs + m.start("units"), cs + m.end("units")
        units = split_units(text, us, ue, g)
        if not units or not all(looks_like_unit(u.name, g) for u in units):
            return []
        role = rule.attrs["role"]
        fields.extend(Field(role, "", ps, pe, rule.id) for ps, pe in pending)
        fields.append(Field(role, "", us, ue, rule.id))
        pending = []
    # every clause read, and someone given the task (a time or an overseer alone assigns nothing)
    return fields if not pending and any(f.field in UNIT_FIELDS for f in fields) else []
