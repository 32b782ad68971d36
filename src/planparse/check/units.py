"""Unit rules: who does each task, and whether the plan names its units one way.

- ``task-without-units`` / ``placeholder-unit``: the pipeline's own facts (``Unit.placeholder``,
  empty roles), restated per finding; a unit whose name merely *contains* a placeholder
  (``市生态环境局XX分局``) is a placeholder unit too.
- ``task-without-lead``: see ``lead_findings`` for why a plan written with 责任单位 throughout
  does not trip it.
- ``unit-name-variant``: one body written two ways, by the alias table (unit_aliases.toml), the
  renamed-body list of checks.toml, and bare-versus-prefixed names.
- ``unit-typo``: a name one edit away from a known name. Chinese department names often differ
  by one character and are both real (体育局 / 教育局, 供水 / 供电), so only a missing or extra
  character counts in names of ``typo_min_length`` or more, and a changed one only from
  ``typo_min_length_substitution`` (生太环境局 → 生态环境局).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator

from planparse import rx
from planparse.check.context import Context
from planparse.extract.units import canonical_name
from planparse.models import Task, Unit

ADMIN = "省市区县州盟旗"
_PLACE_END = ADMIN + "镇乡"


def _units(task: Task) -> list[Unit]:
    return [*task.lead_units, *task.responsible_units, *task.cooperating_units]


def check(ctx: Context) -> None:
    task_findings(ctx)
    lead_findings(ctx)
    variant_findings(ctx)
    typo_findings(ctx)


def task_findings(ctx: Context) -> None:
    """Tasks with no unit at all, and placeholder units (each unit span once: conventions share units)."""
    seen: set[tuple[int, int]] = set()
    for task in ctx.plan.tasks:
        units = _units(task)
        if not units:
            ctx.add("task-without-units", task.span, task=task, quote_span=(task.span.start, task.span.end))
        for u in units:
            if (u.placeholder or ctx.has_token(u.name)) and u.span.root not in seen:
                seen.add(u.span.root)
                ctx.add("placeholder-unit", u.span, task=task, unit=u.name)


def lead_findings(ctx: Context) -> None:
    """No lead unit where one is expected.

    Many plans use only 责任单位; flagging every task there would drown the real findings. So a
    task is reported when (a) it names neither a lead nor a responsible unit (only cooperating
    ones: the pipeline's ``task-without-lead``), or (b) the plan itself names a lead in at least
    ``lead_convention_share`` of its tasks and this task lists several responsible units (or a
    collective one) without saying which of them leads. One responsible unit leads in practice.
    """
    tasks = ctx.plan.tasks
    if not tasks:
        return
    with_lead = sum(1 for t in tasks if t.lead_units)
    lead_style = with_lead / len(tasks) >= ctx.cfg.settings.lead_convention_share
    for task in tasks:
        if task.lead_units or not _units(task):
            continue
        resp = task.responsible_units
        if not resp:
            why = "只列出配合单位，未明确牵头单位或责任单位"
        elif lead_style and (len(resp) >= 2 or any(u.collective for u in resp)):
            listed = f"列出{len(resp)}个责任单位" if len(resp) >= 2 else f"责任单位为统称“{resp[0].name}”"
            why = f"{listed}，未明确由谁牵头（本方案 {len(tasks)} 项任务中 {with_lead} 项写明了牵头单位）"
        else:
            continue
        ctx.add("task-without-lead", task.span, task=task, why=why)


# -- one body, several names -----------------------------------------------------------------


_LIST_GAP = rx.compile(r"(?:[（(][^（）()]{0,40}[）)])?[ \t\n]*[、，,][ \t\n]*")  # "(负责供热企业)、" between two units


def admin_prefix(name: str, ctx: Context) -> str:
    """The administrative level a name starts with (区住建局 → 区), "" for none.

    The 市 of 市场监督管理局 is part of a department name, not a prefix: a name that starts with a
    known unit word (alias table, checks.toml known names) beginning with that character has none.
    """
    if not name or name[0] not in ADMIN:
        return ""
    known = _known_words(ctx)
    found = known.prefix_of.get(name)
    if found is None:
        found = known.prefix_of[name] = "" if any(name.startswith(w) for w in known.by_first.get(name[0], ())) else name[0]
    return found


class _Words:
    """Every unit word the data knows (alias short and full forms, checks.toml known names), by first
    character, and the prefix worked out for each name so far: the same for every plan."""

    def __init__(self, ctx: Context) -> None:
        aliases = ctx.g.units.alias
        self.words = {a.short for a in aliases} | {a.canonical for a in aliases} | set(ctx.cfg.units.known)
        self.by_first: dict[str, list[str]] = {}
        for w in self.words:
            self.by_first.setdefault(w[0], []).append(w)
        self.prefix_of: dict[str, str] = {}


def _known_words(ctx: Context) -> _Words:
    """Built once per grammar and checks.toml (the memo entry holds the checks, so their id stays theirs)."""
    memo = ctx.g.memo.setdefault("unit-words", {})
    held = memo.get(id(ctx.cfg))
    if held is None or held[0] is not ctx.cfg:
        held = memo[id(ctx.cfg)] = (ctx.cfg, _Words(ctx))
    words: _Words = held[1]
    return words


def _vocabulary(ctx: Context) -> set[str]:
    """Every unit word the data knows: alias short and full forms, checks.toml known names."""
    return _known_words(ctx).words


def inherited_prefix(u: Unit, prev: Unit | None, ctx: Context) -> str:
    """The administrative prefix a unit takes from the unit before it in its list, else "".

    ``区林草分局、住建局``: 住建局 stands for 区住建局 although it is written bare. The pipeline
    says so through the canonical name it gives (planparse.extract.units shares list prefixes);
    a unit right after a prefixed one in the same role list, with only a bracket note and a
    separator between them, inherits too (``区住建局(负责供热企业)、市场监督管理局``).
    """
    if admin_prefix(u.name, ctx):
        return ""
    canon = u.canonical
    if canon and canon[0] in ADMIN and canonical_name(u.name, ctx.g) != canon:
        return canon[0]
    if prev is not None and _LIST_GAP.fullmatch(ctx.plan.text, prev.span.end, u.span.start):
        return admin_prefix(prev.name, ctx)
    return ""


def _full(name: str, ctx: Context) -> str:
    """Full form of a name, renamed bodies mapped to their current name, the plan's region folded."""
    full = canonical_name(name, ctx.g) or name
    for new, *olds in ctx.cfg.units.same_unit:
        for old in olds:
            if full.endswith(old):
                full = full[: -len(old)] + new
    region = ctx.plan.metadata.region
    if region and len(region) >= 2 and full.startswith(region) and len(full) > len(region) + 1:
        full = region[-1] + full[len(region) :]  # 回民区生态环境分局 → 区生态环境分局
    return full


def _comparable(ctx: Context) -> list[tuple[Unit, str, bool, Task]]:
    """(unit, name as meant, prefix inherited?, task) for every named body, each span once."""
    if "comparable" not in ctx.cache:  # variants and typos both read it
        ctx.cache["comparable"] = list(_each_comparable(ctx))
    found: list[tuple[Unit, str, bool, Task]] = ctx.cache["comparable"]
    return found


def _each_comparable(ctx: Context) -> Iterator[tuple[Unit, str, bool, Task]]:
    seen: set[tuple[int, int]] = set()
    for task in ctx.plan.tasks:
        for role in (task.lead_units, task.responsible_units, task.cooperating_units):
            prev: Unit | None = None
            for u in role:
                skip = u.collective or u.placeholder or ctx.has_token(u.name) or u.span.root in seen
                if not skip:
                    seen.add(u.span.root)
                    prefix = inherited_prefix(u, prev, ctx)
                    yield u, prefix + u.name, bool(prefix), task
                    prev = u.model_copy(update={"name": prefix + u.name}) if prefix else u
                else:
                    prev = u


def variant_findings(ctx: Context) -> None:
    """Group units by body; report each written form other than the plan's main one, once.

    A name with an inherited prefix joins its body's group but is not a written form of its own:
    in 省发展改革委、生态环境厅 the plan wrote the shared-prefix way, not "生态环境厅" against "省生态环境厅".
    """
    first: dict[str, tuple[Unit, Task]] = {}
    count: Counter[str] = Counter()
    full_of: dict[str, str] = {}
    for u, name, inherited, task in _comparable(ctx):
        if name not in full_of:  # a plan names the same bodies again and again
            full_of[name] = _full(name, ctx)
        if not inherited:
            count[name] += 1
            first.setdefault(name, (u, task))
    fulls = set(full_of.values())
    # core → prefix ("" for bare) → names as meant
    groups: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name, full in full_of.items():
        if admin_prefix(full, ctx) and full[1:] in fulls:
            groups[full[1:]][full[0]].add(name)
        else:
            groups[full][""].add(name)
    for by_prefix in groups.values():
        bare = by_prefix.pop("", set())
        if len(by_prefix) == 1:
            next(iter(by_prefix.values())).update(bare)  # 生态环境局 beside 县生态环境局 only: the same body
        elif bare:
            by_prefix[""] = bare  # 市X and 区X are two bodies: a bare X is left alone
        for names in by_prefix.values():
            written = [n for n in names if count[n]]
            if len(written) < 2:
                continue
            ordered = sorted(written, key=lambda n: (-count[n], -len(n), first[n][0].span.start))
            main = ordered[0]
            forms = "、".join(f"{n} {count[n]}处" for n in ordered)
            for other in ordered[1:]:
                u, task = first[other]
                ctx.add("unit-name-variant", u.span, task=task, unit=u.name, main=main, forms=forms)


# -- typos -------------------------------------------------------------------------------------


def edit_distance_at_most_one(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion or substitution.

    >>> edit_distance_at_most_one("生太环境局", "生态环境局"), edit_distance_at_most_one("环保局", "环境保护局")
    (True, False)
    """
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _deletions(s: str) -> list[str]:
    """``s`` and every string made by deleting one of its characters."""
    return [s, *(s[:i] + s[i + 1 :] for i in range(len(s)))]


def _normalise(name: str, ctx: Context) -> str:
    for variant, base in ctx.cfg.units.variant_endings:
        if name.endswith(variant):
            return name[: -len(variant)] + base
    return name


def _plausible_head(head: str, ctx: Context) -> bool:
    """What stands before the misspelt part must be a place prefix, not more of a longer name."""
    return not head or head[-1] in _PLACE_END or head == ctx.plan.metadata.region


class _Known:
    """The known names, normalised, indexed for the typo search (built once per grammar and checks.toml)."""

    def __init__(self, ctx: Context) -> None:
        known = sorted({_normalise(v, ctx) for v in _vocabulary(ctx)}, key=len, reverse=True)
        self.names = set(known)
        self.lengths = sorted({len(k) for k in known})
        # one edit apart means sharing a string with at most one character deleted from each side: every
        # such string points to the names it comes from (a symmetric-deletion index), so a name is
        # compared only with the few known names near it, in the order of ``known`` (longest first)
        self.rank = {k: i for i, k in enumerate(known)}
        self.near: dict[str, set[str]] = defaultdict(set)
        for k in known:
            if len(k) >= ctx.cfg.settings.typo_min_length:
                for d in _deletions(k):
                    self.near[d].add(k)

    def candidates(self, n: str) -> list[str]:
        """Known names (ending as ``n`` does: a misspelt name keeps its 局, 委, 中心 …) one edit from a tail of ``n``."""
        found: set[str] = set()
        for length in range(2, len(n) + 1):
            for d in _deletions(n[-length:]):
                found.update(self.near.get(d, ()))
        return sorted((k for k in found if k[-1] == n[-1]), key=self.rank.__getitem__)

    def ends(self, n: str) -> bool:
        """True when ``n`` ends with a known name."""
        return any(n[-L:] in self.names for L in self.lengths if L <= len(n))


def typo_findings(ctx: Context) -> None:
    """Names that are not known but end one edit away from a known name (the alias table, checks.toml)."""
    memo = ctx.g.memo.setdefault("typo-known", {})
    held = memo.get(id(ctx.cfg))
    if held is None or held[0] is not ctx.cfg:  # the entry holds its checks, so their id stays theirs
        held = memo[id(ctx.cfg)] = (ctx.cfg, _Known(ctx))
    index: _Known = held[1]
    min_sub = ctx.cfg.settings.typo_min_length_substitution
    reported: set[str] = set()
    seen: set[str] = set()  # a name is judged once, however often the plan repeats it
    for u, name, _, task in _comparable(ctx):
        if name in seen or canonical_name(name, ctx.g):
            continue
        seen.add(name)
        n = _normalise(name, ctx)
        if not n or index.ends(n):
            continue
        for k in index.candidates(n):
            if len(k) > len(n) + 1:
                continue
            lengths = (len(k), len(k) - 1, len(k) + 1) if len(k) >= min_sub else (len(k) - 1, len(k) + 1)
            hit = next((L for L in lengths if 2 <= L <= len(n) and _typo(n[-L:], k, ctx) and _plausible_head(n[:-L], ctx)), None)
            if hit is not None:
                reported.add(name)
                ctx.add("unit-typo", u.span, task=task, unit=u.name, known=_restore_ending(name, n[:-hit] + k, ctx))
                break


def _restore_ending(name: str, suggestion: str, ctx: Context) -> str:
    """Put back the ending that _normalise folded: 区生太环境分局 → 区生态环境分局, not …局."""
    for variant, base in ctx.cfg.units.variant_endings:
        if name.endswith(variant) and suggestion.endswith(base):
            return suggestion[: -len(base)] + variant
    return suggestion


def _typo(tail: str, known: str, ctx: Context) -> bool:
    """One edit apart, and not only by an optional character (发展改革局 / 发展和改革局)."""
    if tail == known or not edit_distance_at_most_one(tail, known):
        return False
    optional = ctx.cfg.units.optional_chars
    return tail.translate({ord(c): None for c in optional}) != known.translate({ord(c): None for c in optional})
