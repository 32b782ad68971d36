"""Where a value's indicator starts and ends in the text before its comparator: places, years and
hedges off its front (全区, 到2025年, 力争), base years and adverbs off its end (较2020年, 同比分别).

``targets.find_targets`` asks this for every value whose indicator stands before it.

>>> from planparse.grammar import load_grammars
>>> text = "到2025年，全区森林覆盖率较2020年提高"
>>> a, b = indicator_range(text, 0, len(text) - 2, load_grammars())
>>> text[a:b]
'森林覆盖率'
"""

from __future__ import annotations

from planparse import rx
from planparse.extract.target_context import bound_left
from planparse.extract.target_series import BASE_YEAR as _BASE_YEAR
from planparse.grammar import Grammars

_CLOSER = {"（": "）", "(": ")", "“": "”", '"': '"'}


def indicator_range(text: str, start: int, end: int, g: Grammars, adverbs_only_none: bool = True) -> tuple[int, int]:
    """Trim the indicator range: prefixes (places, years, hedges), base years, brackets left open.
    With ``adverbs_only_none`` an indicator of adverbs only (同比分别) is none; a share's look at what
    stands before it keeps them (按20%的税率: 按 says the share is something else's)."""
    for lead in ("indicator_prefix", "region_prefix", "indicator_prefix"):
        m = g.target_patterns[lead].match(text, start, end)
        if m and (m.end() < end or lead == "indicator_prefix"):
            start = m.end()  # only hedges and a year ("力争2025年达到50家"): no indicator
    while start < end and (text[start] in " \t\u3000”" or (text[start] in _CLOSER and text.find(_CLOSER[text[start]], start + 1, end) < 0)):
        start += 1  # a bracket or quote opened before (达到25%以上（缺水城市…）), not a term it names (“最多跑一次”事项比例)
    while end > start and text[end - 1] in " \t\u3000":
        end -= 1
    if end - start > 2 and text[start] in "“\"" and text[end - 1] == _CLOSER[text[start]] and text.find(text[end - 1], start + 1, end - 1) < 0:
        start, end = start + 1, end - 1  # the whole indicator quoted: “森林覆盖率”达到30%
    suffix = g.target_patterns["indicator_suffix"]  # on both sides of a base year: 比2020年分别, 分别比2020年; 年均
    for strip in (g.target_patterns["baseline_tail"], _BASE_YEAR, suffix, _BASE_YEAR, suffix):
        b = strip.search(text, start, end)
        # an indicator that is a base year or 累计 only (…，较2020年提高2个百分点) is none: the one before
        # stands; so is one of adverbs only (…死亡1.96万人，同比分别下降11%: a statistic's, no goal)
        if b and (b.start() > start or strip is _BASE_YEAR or (strip is suffix and adverbs_only_none)):
            end = b.start()
            while end > start and text[end - 1] in " \t\u3000":
                end -= 1
    return start, end


def place_only(text: str, start: int, end: int, g: Grammars) -> bool:
    """Whether ``text[start:end]`` names a place and nothing else: "全国农村生活污水处理率达到50%以上，东部
    地区达到60%以上" sets 东部地区's level of the measure before it.

    >>> from planparse.grammar import load_grammars
    >>> g = load_grammars()
    >>> place_only("东部地区", 0, 4, g), place_only("县(市)", 0, 4, g), place_only("污水处理率", 0, 5, g)
    (True, True, False)
    """
    return g.target_patterns["place_only"].fullmatch(text, start, end) is not None


def of_place(place: str, subject: str, g: Grammars) -> str:
    """The indicator of a place's level of ``subject``.

    >>> from planparse.grammar import load_grammars
    >>> g = load_grammars()
    >>> of_place("县(市)", "市区学前入园率", g), of_place("东部地区", "农村生活污水处理率", g)
    ('县(市)学前入园率', '东部地区农村生活污水处理率')
    """
    head = g.target_patterns["place_head"].match(subject)
    return place + (subject[head.end() :] if head else subject)


_SERIES_ONLY = rx.compile(r"[ \t]*(?:均|都)?[ \t]*分别[ \t]*")  # a clause opening with 分别 before its comparator
_JOINER = rx.compile(r"[、和及与]")
_DIGIT = rx.compile(r"[0-9]")


def named_before(text: str, clause_start: int, ind_end: int, bounds: str, g: Grammars) -> tuple[int, int] | None:
    """The subjects of a 分别 list named in the clause before the values' own, which holds 分别 alone
    before its comparator: "高新技术企业和科技型中小企业实现倍增，分别超过90家和800家" → the range of
    高新技术企业和科技型中小企业 (what they say of themselves, targets.toml ``series_predicate``, cut off).
    None when that clause lists nothing or holds values of its own.

    >>> from planparse.grammar import load_grammars
    >>> text = "到2025年，全市A类企业和B类企业实现倍增，分别超过90家和800家。"
    >>> a, b = named_before(text, text.index("分别"), text.index("超过"), "，。", load_grammars())
    >>> text[a:b]
    'A类企业和B类企业'
    """
    if _SERIES_ONLY.fullmatch(text, clause_start, ind_end) is None or clause_start < 2 or text[clause_start - 1] not in "，,":
        return None
    end = clause_start - 1
    start, end = indicator_range(text, bound_left(text, end, bounds), end, g, adverbs_only_none=False)
    cut = g.target_patterns["series_predicate"].search(text, start, end)
    end = cut.start() if cut else end
    if end - start < 5 or _DIGIT.search(text, start, end) or not _JOINER.search(text, start, end):
        return None
    return start, end
