"""分别 lists: "货物贸易、对外投资和实际利用外资分别占比达30%、20%和10%" gives one value per listed item.

``targets.find_targets`` reads the values in order; here each value of a 分别 series gets the item
of the list before 分别 that it belongs to.
"""

from __future__ import annotations

import regex

from planparse import rx
from planparse.extract.target_context import sentence_start
from planparse.models import Target
from planparse.textindex import split_top_level

# a base year, 同比, 累计 or 年均 closing an indicator: what it is compared with, not what it measures;
# the base may be a range of years and a season of it (较2017-2018年秋冬季), or a five-year period (较“十三五”末)
BASE_YEAR = rx.compile(
    r"(?:较|比|相比|与|在)[ \t]*(?:19|20)[0-9]{2}(?:[ \t]*年?[ \t]*[-—–~～至到][ \t]*(?:19|20)?[0-9]{2})?[ \t]*年?(?:秋冬季|同期|底|末)?(?:相比|基础上|水平)?$"
    r"|(?:较|比|相比|与)[ \t]*“?十[一二三四五六七八九]?五”?(?:末|期末|时期|期间)?(?:相比|水平)?$|同比$|(?:累计|年均)$"
    r"|(?:较|比|与)[ \t]*(?:上年|去年|上一年|前一年)(?:同期)?(?:相比)?$"  # 比上年增长13%: the year before, named by no year
)
# "化学需氧量、氨氮、氮氧化物等主要污染物排放总量": the last item ends its examples with 等 and names their
# kind (等主要污染物, 等4项主要污染物) before the measure they share; the kind is no part of the item
_ETC = rx.compile(r"等(?![级于同次第])[0-9一二三四五六七八九十]*[项种类个]?[^、，,]*$")


# the years a 分别 series runs over, listed before it: 到2025年、2035年，…分别达到26%以上、30%以上
_YEAR_LIST = rx.compile(r"(?:19|20)[0-9]{2}[ \t]*年(?:底|末)?(?:[ \t]*[、和及与][ \t]*(?:到|至)?[ \t]*(?:19|20)[0-9]{2}[ \t]*年(?:底|末)?)+")
_LISTED_YEAR = rx.compile(r"(?:19|20)[0-9]{2}")
# a further value of the series after the one read (分别达到98%和50万元: the second, in another unit, was not)
_MORE_VALUES = rx.compile(r"[ \t]*(?:以及|[、，,和及与])[ \t]*[0-9]")
_NUMBER = rx.compile(r"[0-9]+(?:[.．][0-9]+)?")


def _items(text: str, start: int, end: int, in_word: regex.Pattern[str]) -> list[tuple[int, int]]:
    """The items of a list (、，和及与 outside brackets), a joiner that is part of a word left in it:
    "集中供水率和自来水普及率" → 集中供水率, 自来水普及率."""
    out: list[tuple[int, int]] = []
    for a, b in split_top_level(text, start, end, "、，,和及与"):
        sep = out[-1][1] if out else -1  # the joiner between the last item and this one
        if sep + 1 == a and (in_word.fullmatch(text, sep - 1, sep + 1) or in_word.fullmatch(text, sep, sep + 2)):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _joined(item: str, measure: str) -> str:
    """An item with the measure the last item names, said once where the item ends with its start:
    城镇居民 + 居民人均可支配收入 → 城镇居民人均可支配收入 (城镇居民和农村居民人均可支配收入)."""
    overlap = next((k for k in range(min(len(item), len(measure) - 1), 0, -1) if item.endswith(measure[:k])), 0)
    return item + measure[overlap:]


def distribute(
    text: str,
    out: list[Target],
    series: list[tuple[int, int, list[int], int | None]],
    measure: regex.Pattern[str],
    head: regex.Pattern[str],
    in_word: regex.Pattern[str],
) -> None:
    """"货物贸易、对外投资和实际利用外资分别占比达30%、20%和10%": the k-th value is the k-th item's
    (with what stands between 分别 and the comparator), when the list has as many items as values.
    A measure only the last item names is every item's (PM2.5和PM10浓度 → PM2.5浓度, PM10浓度), and so
    is a per-output head only the first names (单位GDP能耗和二氧化碳排放 → 单位GDP二氧化碳排放)."""
    for start, end, idx, named_end in reversed(series):  # from the last: a value shared by a list is copied in place
        cut = text.rfind("分别", start, end)
        if cut < 0:
            continue
        # 用水量比2020年分别下降…, 收入同比分别增长…: the base year before 分别 is no part of the last item
        lead = BASE_YEAR.search(text[start:cut].rstrip(" \t\u3000"))
        # the items end at 分别, or where a clause before names them ends (A和B实现倍增，分别…: named_end)
        items_end = named_end if named_end is not None else start + lead.start() if lead else cut
        items = [text[a:b].strip(" \t\u3000") for a, b in _items(text, start, items_end, in_word)]
        tail = text[cut + 2 : end].strip(" \t\u3000")
        base = BASE_YEAR.search(tail)  # 分别比2020年下降14%和18%: the base year is no part of the indicators
        if base:
            tail = tail[: base.start()].rstrip(" \t\u3000")
        shared = measure.search(items[-1]) if items else None
        if shared and shared.start() > 0 and not any(measure.search(i) for i in items[:-1]):
            # an item that is a rate of its own (生活垃圾及时清运率、污水处理率) takes no shared measure
            items = [i if i.endswith("率") else _joined(i, shared.group()) for i in items[:-1]] + items[-1:]
        etc = _ETC.search(items[-1]) if items else None
        if etc and etc.start() >= 2:
            kept = measure.search(items[-1])
            items[-1] = items[-1][: etc.start()] + (kept.group() if kept and kept.start() > etc.start() else "")
        first = head.match(items[0]) if items else None
        if first and first.end() < len(items[0]) and not any(head.match(i) for i in items[1:]):
            items = items[:1] + [first.group() + i for i in items[1:]]
        years = _years_listed(text, start)
        if len(years) == len(idx) > 1 and len(items) != len(idx):
            for k, i in enumerate(idx):  # "到2025年、2035年，森林覆盖率分别达到26%、30%": the k-th value is the k-th year's
                out[i] = out[i].model_copy(update={"year": years[k]})
        if len(items) == len(idx) > 1 and all(len(i) >= 2 for i in items):
            for k, i in enumerate(idx):
                out[i] = out[i].model_copy(update={"indicator": items[k] + tail})
        elif len(idx) == 1 and len(items) > 1 and all(len(i) >= 2 for i in items):
            one = out[idx[0]]
            if _MORE_VALUES.match(text, one.span.end):
                # "粮食产量和农民收入分别达到50万吨和2万元": the values go on, only the first was read; it is
                # the first item's, never every item's
                if len(_NUMBER.findall(text, cut, one.span.end)) == 1:
                    out[idx[0]] = one.model_copy(update={"indicator": items[0] + tail})
                continue
            # "地区生产总值、财政收入分别增长5%左右": one value, every item's
            out[idx[0] : idx[0] + 1] = [one.model_copy(update={"indicator": i + tail}) for i in items]


def _years_listed(text: str, start: int) -> list[int]:
    """The years listed together in the sentence before ``start`` (到2025年、2035年), in order; [] when none are."""
    found = list(_YEAR_LIST.finditer(text, sentence_start(text, start), start))
    return [int(y) for y in _LISTED_YEAR.findall(found[-1].group())] if found else []
