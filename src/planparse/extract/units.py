"""Unit lists: ``区工信局(高耗能项目)、生态环境分局(高排放项目)`` → Units with names, scopes, spans.

Lists split on the separators of grammars/unit_aliases.toml at bracket depth 0, so
``各县（市、区）人民政府`` stays one unit. A trailing bracket is a scope note unless it is part of
the name; a ``措施①`` prefix scopes the units after it.

>>> from planparse.grammar import load_grammars
>>> s = "区工信局(高耗能项目)、各县（市、区）人民政府等"
>>> [(u.name, u.scope) for u in split_units(s, 0, len(s), load_grammars())]
[('区工信局', '高耗能项目'), ('各县（市、区）人民政府', None)]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from planparse import rx
from planparse.grammar import Grammars

_OPEN = "（([〔【〈<"
_CLOSE = "）)]〕】〉>"
_STRIP = " \t\u3000\n。.：:*"
NOTE_AT_END = rx.compile(r"[（(][^（）()]*[）)]$")  # 区工信局(高耗能项目): the note is not the name
_MAX_NAME = 64  # longer "units" are sentences swept into a list


@dataclass
class RawUnit:
    name: str
    start: int
    end: int
    scope: str | None
    placeholder: bool
    collective: bool
    canonical: str | None
    role: str | None = None  # a role a note in the list gives it (其中…为牵头单位): a Task field


@lru_cache(maxsize=8)
def _splitter(seps: str) -> regex.Pattern[str]:
    return rx.compile("[" + regex.escape(seps + _OPEN + _CLOSE) + "]")


def _pieces(text: str, start: int, end: int, seps: str) -> list[tuple[int, int]]:
    """Split at separators outside brackets; only separator and bracket characters are visited."""
    out: list[tuple[int, int]] = []
    depth = 0
    s = start
    for m in _splitter(seps).finditer(text, start, end):
        i, ch = m.start(), m.group()
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
        elif depth == 0 and ch in seps:
            out.append((s, i))
            s = i + 1
    out.append((s, end))
    return out


def _brackets(text: str, start: int, end: int) -> tuple[int, bool]:
    """(brackets left open at ``end``, whether a bracket closed that ``text[start:end]`` never opened)."""
    depth, stray = 0, False
    for ch in text[start:end]:
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            if depth:
                depth -= 1
            else:
                stray = True
    return depth, stray


def _is_collective(name: str, g: Grammars) -> bool:
    return any(c.pattern.search(name) for c in g.collective)


def _memo(g: Grammars, kind: str) -> dict[str, Any]:
    """A per-grammar cache of facts about names, emptied when it grows past any plan's vocabulary."""
    memo: dict[str, Any] = g.memo.setdefault(kind, {})
    if len(memo) > 100_000:
        memo.clear()
    return memo


def canonical_name(name: str, g: Grammars) -> str | None:
    """Full name for a known short form, the prefix kept: 区发改委 → 区发展和改革委员会."""
    memo = _memo(g, "canonical")
    if name not in memo:
        memo[name] = _canonical(name, g)
    result: str | None = memo[name]
    return result


def _name_facts(name: str, g: Grammars) -> tuple[bool, bool, bool, str | None]:
    """(not a unit, placeholder, collective, canonical name) of a listed name."""
    memo = _memo(g, "unit-name")
    facts = memo.get(name)
    if facts is None:
        up = g.unit_patterns
        facts = memo[name] = (
            not any(ch.isalnum() for ch in name) or _never_listed(name, g) or len(name) > _MAX_NAME,
            up["placeholder"].fullmatch(name) is not None,
            _is_collective(name, g),
            canonical_name(name, g),
        )
    return facts  # type: ignore[no-any-return]


def _never_listed(name: str, g: Grammars) -> bool:
    """A piece a list drops (``not_a_unit``), except a work (its group ``work``: 加强日常巡查), kept so
    that a clause of prose still reads as one and is refused by :func:`looks_like_unit`."""
    m = g.unit_patterns["not_a_unit"].search(name)
    return m is not None and not ("work" in m.re.groupindex and m.group("work"))


def _canonical(name: str, g: Grammars) -> str | None:
    m = g.unit_patterns["alias"].search(name)
    if not m:
        return None
    short = m.group(0)
    full = next(a.canonical for a in g.units.alias if a.short == short)
    prefix = name[: m.start()]
    if full.endswith(short) and prefix + full == name:
        return None
    return prefix + full


def looks_like_unit(name: str, g: Grammars) -> bool:
    """An organisation by its ending, a collective unit, or a known alias; never a piece that is no unit
    (unit_aliases.toml ``not_a_unit``: 巡查林区 is a work that only ends as a place does)."""
    if len(name) < 2 or len(name) > 40 or g.unit_patterns["not_a_unit"].search(name):
        return False
    if _is_collective(name, g):
        return True
    bare = NOTE_AT_END.sub("", name)  # 县纪委（监委）, 省发改委（省能源局）: a bracket kept in the name
    return bool(g.unit_patterns["suffix"].search(bare) or g.unit_patterns["alias"].search(bare))


def split_units(text: str, start: int, end: int, g: Grammars) -> list[RawUnit]:
    """Units named in ``text[start:end]``, in order.

    A plan repeats its unit lists (省生态环境厅、省发展改革委 under task after task): a list is split
    once per grammar, read from the list's own text, and its units placed at ``start``.
    """
    value = text[start:end]
    memo = _memo(g, "split")
    found = memo.get(value)
    if found is None:
        found = memo[value] = tuple(
            (u.start, u.end, u.name, u.scope, u.placeholder, u.collective, u.canonical, u.role) for u in _split(value, 0, len(value), g)
        )
    return [RawUnit(name, start + s, start + e, scope, ph, coll, canon, role) for s, e, name, scope, ph, coll, canon, role in found]


def _split(text: str, start: int, end: int, g: Grammars) -> list[RawUnit]:
    up = g.unit_patterns
    out: list[RawUnit] = []
    scope_prefix: str | None = None
    pieces = _pieces(text, start, end, g.units.units.separators)
    merged: list[tuple[int, int]] = []
    for ps, pe in [part for piece in pieces for part in _conjoined(text, *piece, g)]:
        if (
            merged
            and text[merged[-1][1]] == "、"
            and up["shared_head"].fullmatch(text[merged[-1][0] : merged[-1][1]].strip())
            and up["shared_tail"].match(text[ps:pe].strip())
        ):
            merged[-1] = (merged[-1][0], pe)  # 各市、县人民政府: one collective unit
        elif merged and (j := up["joint_body"].search(text, merged[-1][0], pe)) and j.start() < merged[-1][1]:
            merged[-1] = (merged[-1][0], pe)  # 各县（市、区）党委、政府: one body of the same places (the 、 inside the match)
        else:
            merged.append((ps, pe))
    duty_work = False  # the pieces after a unit's duty ("窗口负责收件、受理、发证"): its work, not units
    notes: list[tuple[str, int, int]] = []  # role notes in the list: (role, where the units they name stand)
    for ps, pe in merged:
        if duty_work and text[ps - 1 : ps] == "、":
            continue
        duty_work = False
        duty = up["duty"].search(text, ps, pe)
        if duty and duty.start() > ps and not _brackets(text, ps, duty.start())[0]:  # not in a scope note: 区农牧局（负责安全利用）
            pe, duty_work = duty.start(), True
        # strip spaces and the trailing noise words (等, 按职责分工负责)
        while ps < pe and text[ps] in _STRIP:
            ps += 1
        while pe > ps and text[pe - 1] in _STRIP:
            pe -= 1
        note = _role_note(text, ps, pe, g, verbs=False)
        if note is not None:
            notes.append(note)  # "其中各街道办事处为牵头单位": a role for a listed unit, no unit itself
            continue
        m = up["scope_prefix"].match(text, ps, pe)
        if m:
            scope_prefix = m.group("scope")
            ps = m.end()
        noise = up["trailing_noise"].search(text, ps, pe)
        if noise and noise.start() > ps:
            pe = noise.start()
        while pe > ps and text[pe - 1] in _STRIP:
            pe -= 1
        if pe <= ps:
            continue
        scope = scope_prefix
        if text[pe - 1] in _CLOSE and _brackets(text, ps, pe)[1]:
            pe -= 1  # a closing bracket of the block that wrapped into the value
            while pe > ps and text[pe - 1] in _STRIP:
                pe -= 1
        if pe > ps and text[pe - 1] in _CLOSE:
            depth = 0
            o = pe - 1
            while o >= ps:
                if text[o] in _CLOSE:
                    depth += 1
                elif text[o] in _OPEN:
                    depth -= 1
                    if depth == 0:
                        break
                o -= 1
            note = _role_note(text, o + 1, pe - 1, g, verbs=True) if o > ps else None
            if note is not None:
                notes.append(note)  # 各乡镇人民政府（县应急局为牵头单位）, 街道办事处（县应急局指导）: no scope
                pe = o
            elif o > ps:
                inner = text[o + 1 : pe - 1]
                if not up["name_part_bracket"].fullmatch(inner) and not _second_name(inner, g):
                    scope = _without_convention(inner, g).strip() or scope
                    pe = o
            elif o == ps:
                continue  # the whole piece is a bracketed note, not a unit
        while pe > ps and text[pe - 1] in _STRIP:
            pe -= 1
        if pe <= ps:
            continue
        name = text[ps:pe].replace("\n", "")
        skip, placeholder, collective, canonical = _name_facts(name, g)
        if canonical is None and text[pe - 1] in _CLOSE and (head := NOTE_AT_END.sub("", name)) != name:
            canonical = (full := canonical_name(head, g)) and full + name[len(head) :]  # 县发改局（县粮食局）
        if not skip:
            out.append(RawUnit(name, ps, pe, scope, placeholder, collective, canonical))
    _share_prefixes(out, g)
    for role, us, ue in notes:
        for named in _split(text, us, ue, g) if role != "other" else []:
            listed = next((u for u in out if (u.canonical or u.name) == (named.canonical or named.name)), None)  # 区住建局 = 区住房和城乡建设局
            if listed is None:
                out.append(RawUnit(named.name, named.start, named.end, None, named.placeholder, named.collective, named.canonical, role))
            else:
                listed.role = role
    return out


def _second_name(note: str, g: Grammars) -> bool:
    """A bracket after a unit that is the same body's other name (一套人马两块牌子): 县发改局（县粮食局）,
    市委宣传部（市文明办） — one organisation named as plans name it, kept in the name, not a scope.
    It names one organisation and nothing more: a list, a collective, a duty, a reach (含…) or a body
    under the unit (unit_aliases.toml scope_note) is a note."""
    note = note.strip()
    up = g.unit_patterns
    if len(note) > 16 or up["scope_note"].search(note) or any(ch in note for ch in "、，,；;（()）"):
        return False
    return plain_unit(note, g) and not _is_collective(note, g) and up["conjunct"].search(note) is not None and not up["not_a_unit"].search(note)


def _role_note(text: str, start: int, end: int, g: Grammars, verbs: bool) -> tuple[str, int, int] | None:
    """(role, units start, units end) when ``text[start:end]`` names who takes a role among the listed
    units: a fields.toml ``role_clause`` (其中各街道办事处为牵头单位, 以县水利局为主) or, with ``verbs``
    (a bracket note: a piece of the list ending in 负责 is a unit and its noise), a verb clause (县应急局
    牵头; 县应急局指导 gives role "other": an overseer, no unit of the task). Its units must all look like
    organisations (以预防为主 names none)."""
    clause = text[start:end]
    if not any(ch in clause for ch in "为牵配协负落实指督"):
        return None  # the cheap test first: most pieces are plain names
    for rule in g.role_clauses:
        m = rule.pattern.fullmatch(clause)
        if m:
            return _named(text, start + m.start("units"), start + m.end("units"), rule.attrs["role"], g)
    for rule in g.verbs if verbs else []:
        m = None if rule.attrs["sentence_start"] else rule.pattern.fullmatch(clause)
        if m:
            return _named(text, start + m.start("units"), start + m.end("units"), rule.attrs["role"], g)
    return None


def _named(text: str, start: int, end: int, role: str, g: Grammars) -> tuple[str, int, int] | None:
    units = _split(text, start, end, g)
    return (role, start, end) if units and all(looks_like_unit(u.name, g) for u in units) else None


def _conjoined(text: str, start: int, end: int, g: Grammars) -> list[tuple[int, int]]:
    """An item split at 及/和/与 or spaces outside brackets, when every part names a body on its
    own (县农业农村局及各乡镇); else the item whole (住房和城乡建设局)."""
    up = g.unit_patterns
    parts: list[tuple[int, int]] = []
    s = start
    for m in up["conjunction"].finditer(text, start, end):
        if m.start() > s and m.end() < end and _brackets(text, s, m.start())[0] == 0:
            parts.append((s, m.start()))
            s = m.end()
    if not parts:
        return [(start, end)]
    parts.append((s, end))
    for ps, pe in parts:
        name = text[ps:pe].strip(_STRIP)
        scope = up["scope_prefix"].match(name)
        name = NOTE_AT_END.sub("", name[scope.end() :] if scope else name)
        if up["not_a_unit"].search(name) or not (up["conjunct"].search(name) or _is_collective(name, g) or canonical_name(name, g)):
            return [(start, end)]  # "各有关部门和单位": 单位 is no body of its own
    return parts


_TIER_NOUNS = ("部门", "机构")  # a tier's body named by its field alone: 商务部门, 应急管理机构


def _without_convention(note: str, g: Grammars) -> str:
    """A scope note that also states a plan-wide convention keeps only its scope:
    〈含开发区、风景区管委会，以下工作任务均需各区人民政府落实，不再列出〉 → 含开发区、风景区管委会."""
    for rule in g.conventions:
        m = rule.pattern.search(note)
        if m:
            return note[: m.start()].rstrip(" \t，,；;。")
    return note


def _share_prefixes(units: list[RawUnit], g: Grammars) -> None:
    """Canonical names from the list itself: 市林业局、住建局 → 市住房和城乡建设局;
    马尾区、闽侯县人民政府 → 马尾区人民政府. Names stay as written."""
    up = g.unit_patterns
    prefix = ""
    tier = ""  # 各区消防救援部门、商务部门: every listed department is the districts' own
    for i, u in enumerate(units):
        m = up["admin_prefix"].match(u.name)
        if m:
            prefix, tier = m.group(0), ""
            continue
        each = up["shared_head"].match(u.name)
        if each and u.name.endswith(_TIER_NOUNS):
            prefix, tier = "", each.group(0)
            continue
        if tier and u.name.endswith(_TIER_NOUNS):
            u.canonical = tier + u.name
            continue
        tier = ""
        if prefix and up["inherit_prefix"].search(u.name) and not up["no_inherit"].search(u.name):
            u.canonical = canonical_name(prefix + u.name, g) or prefix + u.name
        nxt = units[i + 1] if i + 1 < len(units) else None
        if nxt is not None and up["bare_place"].fullmatch(u.name):
            head = up["shared_head_noun"].search(nxt.name)
            if head:
                u.canonical = u.name + head.group(0)


def prose_unit(name: str, g: Grammars) -> bool:
    """A unit of an assignment clause after prose: plain (:func:`plain_unit`), ending as an organisation
    does once a bracket note is set aside (各镇（街道）), starting with its place or collective, and free
    of the marks of prose (fields.toml ``prose_marks``: 要, 将, 由此…的)."""
    if not plain_unit(name, g) or (g.prose_marks is not None and g.prose_marks.search(name)):
        return False
    bare = NOTE_AT_END.sub("", name)
    if g.unit_patterns["suffix"].search(bare) is None:
        return False
    # and it names its place (县…, 市…) or is a collective (各乡镇): prose names bodies without one
    # (引入第三方专业机构, 乡镇干部, 政府负责)
    return bool(g.unit_patterns["admin_prefix"].match(bare)) or any(c.pattern.search(bare) for c in g.collective)


_MAX_PROSE_UNIT = 20


def plain_unit(name: str, g: Grammars) -> bool:
    """An organisation named and nothing more: short, no role verb inside (…小组办公室负责组织推进), and
    ending as an organisation does (局, 政府, 办事处 …) or a collective unit (各镇（街道）)."""
    if len(name) > _MAX_PROSE_UNIT or any(v in name for v in g.fields.block.verb_hints):
        return False
    bare = NOTE_AT_END.sub("", name)  # 省发改委（省能源局）: it ends as its first name does
    return bool(g.unit_patterns["conjunct"].search(bare) or any(c.pattern.search(name) for c in g.collective))
