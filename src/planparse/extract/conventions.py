"""Conventions a plan states once (grammars/fields.toml ``[[convention]]``): 排在第一位的为牵头单位 (the first
listed unit leads, here and later), 以下工作任务均需各区人民政府落实，不再列出 (units every later task has).
Split from blocks.py, which reads the blocks these conventions qualify."""

from __future__ import annotations

from dataclasses import dataclass

from planparse.grammar import Grammars


@dataclass
class Convention:
    effect: str
    start: int
    end: int
    rule: str
    units: tuple[int, int] | None = None  # value range holding the implicit units


def find_conventions(text: str, g: Grammars) -> list[Convention]:
    out: list[Convention] = []
    for rule in g.conventions:
        for m in rule.pattern.finditer(text):
            units = (m.start("units"), m.end("units")) if "units" in m.re.groupindex and m.group("units") else None
            out.append(Convention(rule.attrs["effect"], m.start(), m.end(), rule.id, units))
    out.sort(key=lambda c: c.start)
    return out
