"""Quantitative targets: ``全区森林覆盖率达到 31.48%以上`` → (森林覆盖率, >=, 31.48, %, year).

A value (``values``: a number or a placeholder ``XX`` with its unit) is a target when a comparator governs it in the same clause: a ``before`` phrase right before the
number, an ``after`` phrase right after the unit (which wins: ``提高到17%左右`` is ≈), or a
reduction verb (``下降3%``). A count of works (``完成102个入河排污口整治``) is a target with ``=``
when a work verb precedes it in the clause. The indicator is the clause's text before the
comparator, with places, years and hedges stripped from its front.

>>> from planparse.grammar import load_grammars
>>> t = find_targets("到 2026 年，全区森林覆盖率达到 31.48%以上；", load_grammars())[0][0]
>>> (t.indicator, t.comparator, t.value, t.unit, t.year, t.raw)
('森林覆盖率', '>=', 31.48, '%', 2026, '森林覆盖率达到 31.48%以上')
"""

from __future__ import annotations

import regex

from planparse import rx
from planparse.extract import target_context
from planparse.extract.target_context import bound_left, bound_right, comparator_before, goal_sentence, share_of_whole, verbs_from
from planparse.extract.target_frame import CLAUSE_BOUND, Frames, reached_in, stands_now, target_year
from planparse.extract.target_indicator import indicator_range as _indicator
from planparse.extract.target_indicator import named_before, of_place, place_only
from planparse.extract.target_nouns import JOIN_BEFORE as _JOIN_BEFORE
from planparse.extract.target_nouns import NOUN as _NOUN
from planparse.extract.target_nouns import NOUN_AFTER as _NOUN_AFTER
from planparse.extract.target_nouns import NOUN_CHAR as _NOUN_CHAR
from planparse.extract.target_nouns import NOUN_HAS_HAN as _NOUN_HAS_HAN
from planparse.extract.target_nouns import OF_NOUN as _OF_NOUN
from planparse.extract.target_nouns import in_note as _in_note
from planparse.extract.target_nouns import noun_run as _noun_run
from planparse.extract.target_nouns import noun_to as _noun_to
from planparse.extract.target_series import distribute
from planparse.extract.values import NUMBER, SPACES, Value, values
from planparse.grammar import Grammars
from planparse.models import Issue, Span, Target

_CLAUSE_BOUND = CLAUSE_BOUND
_POINTS = ("个百分点", "百分点")  # a change in a share given in %: 达到60.5%，较2020年提高2个百分点
# the lookahead names the first characters, so the engine skips to them (rx: 3x faster scan)
_NEXT_NUMBER = rx.compile(NUMBER + r"[^，。；;]{0,12}?")
_HAN_OR_DE = rx.compile(r"[\p{Han}的]")
_LIST_MARK = rx.compile("、|等(?![ \t]*[0-9])")  # "大凌河等6条河流": 等 before the count closes its examples
_WORD_CHAR = rx.compile(r"[\p{Han}A-Za-z0-9]")
# a value whose subject is left out takes the previous one's up to the end of the sentence, across
# ；: "…装机容量达到400万千瓦；到2030年，力争达到700万千瓦"
_DIGIT = rx.compile(r"[0-9]")
_NEXT_VALUE = rx.compile(r"[ \t]*[0-9]")
_SHARE_OF = rx.compile(r"[ \t]*的[ \t]*(?=\p{Han})")
_PARAGRAPH_STOP = rx.compile(r"[。！？!?\n]")
_PAIRED = rx.compile(r"[ \t]*[和、及与][ \t]*")
_NEXT_COUNT = rx.compile(r"(?:以及|[和及与])[ \t]*[0-9]")  # "10个重点实验室和5个创新中心": the next count begins
_ITEM_END = rx.compile(r"[ \t]*(?:[（(][^（()）\n]{1,30}[）)][ \t]*)?(?:[，,、。；;）)]|$)")  # a value that ends its list item (a note in brackets may follow)
_LIST_GOVERNORS = ("reach", "cap")  # comparators before a number that a list after it shares
_LISTED_ITEM = rx.compile(r"[、；;][ \t]*" + _NOUN_HAS_HAN + _NOUN + r"{2,12}[ \t]*")  # 、充电桩
_TRAILING_ACTION = rx.compile(r"(?:整治|改造|建设|治理|任务|工作|项目建设|的?目标)$")


_HAN = rx.compile(r"\p{Han}")
_STAT_SUBJECT = rx.compile(r"[^\P{Han}年月]{2,4}")  # 城镇 (新增就业), not a time (每年, 当年)


def _ends_unitless(text: str, start: int, end: int, unitless: regex.Pattern[str]) -> bool:
    """The indicator ends with a coefficient or ratio word, or with one in brackets: 能源利用效率（PUE）."""
    if end - start > 2 and text[end - 1] in "）)":
        end -= 1
    return any(m.end() == end for m in unitless.finditer(text, max(start, end - 8), end))


def find_targets(text: str, g: Grammars, frames: Frames | None = None, min_year: int | None = None) -> tuple[list[Target], list[Issue]]:
    """Every target in document order (section ids are filled in by the caller). ``frames``: the plan's
    sections (goals sections, years in headings); ``min_year``: the plan's first year, before which a
    year stood in is a result (target_frame.stands_now)."""
    out: list[Target] = []
    warnings: list[Issue] = []
    tp = g.target_patterns
    before = [c for c in g.comparators if c.attrs["position"] == "before"]
    after = [c for c in g.comparators if c.attrs["position"] == "after"]
    reduce = [c for c in g.comparators if c.attrs["position"] == "reduction"]
    count_units = set(g.targets.values.count_units)
    durations = set(g.targets.values.duration_units)
    comparator_units = set(g.targets.values.comparator_units)
    prev: Target | None = None
    prev_end = -1
    prev_before: tuple[str, str] | None = None  # the before comparator (id, comparator) of prev
    subject = ""  # the indicator of the last value that named one: a place's level after it is of it
    unitless = tp["unitless_indicator"]
    # (indicator start, comparator start, targets, end of items named in a clause before) of 分别 lists
    series: list[tuple[int, int, list[int], int | None]] = []
    for v in values(text, g):
        if v.unit in count_units and v.unit != "名" and text[v.start - 1 : v.start] in ("第", "届"):
            continue  # an ordinal (第13项, 第2批, 七届44次会议) counts nothing; a rank (第1名) is a value
        clause_start = bound_left(text, v.start, _CLAUSE_BOUND)
        if v.unit in count_units and tp["contents_count"].search(text, clause_start, v.start):
            continue  # "主要有5项任务", "包括3个方面": what the plan holds, no goal
        if v.unit is None and not v.placeholder and not unitless.search(text, clause_start, v.start):
            continue  # a bare number with no coefficient or ratio before it: not a value
        clause_end = bound_right(text, v.end, _CLAUSE_BOUND)
        if tp["exclude_context"].search(text, clause_start, clause_end) or tp["condition_clause"].match(text, clause_start, clause_end):
            continue
        if tp["baseline"].search(text, max(clause_start, v.start - 16), v.start) or tp["baseline_after"].match(text, v.end, clause_end):
            continue  # "由2020年的30%提高到35%", "在现有62项服务的基础上": where it starts, not the target
        comparator = None
        rule = ""
        before_rule: tuple[str, str] | None = None  # the comparator before the number, when one is
        ind_end = v.start
        raw_end = v.end
        attributive = False
        v_end = SPACES.match(text, v.end).end()  # "0.75 以下": the comparator may follow a space
        if _PAIRED.fullmatch(text, v.end, min(clause_end, v.end + 3)) is None:
            after_from = v_end
        else:
            after_from = v.end  # "15%和18%以上": the comparator after the pair applies to both
            nxt = _NEXT_NUMBER.match(text, v.end + 1)
            after_from = nxt.end() if nxt else v.end
        for c in after:
            m = c.pattern.match(text, v_end, clause_end) or (c.pattern.match(text, after_from, clause_end) if after_from != v_end else None)
            if m:
                comparator, rule, raw_end = c.attrs["comparator"], c.id, m.end()
                # "1万吨及以上项目": a threshold qualifying a noun, not a target by itself
                attributive = m.end() < clause_end and _HAN_OR_DE.match(text, m.end()) is not None
                break
        year_in = None  # "提高到2025年的30%": the year it is reached in stands between
        for c in before + reduce:
            # the comparator right before the number (spaces allowed, or the year), leftmost-longest
            for m in c.pattern.finditer(text, max(clause_start, v.start - 18), v.start + 4):
                year_in = reached_in(text, m.end(), v.start) if m.end() < v.start else None
                if m.end() <= v.start and (year_in or not text[m.end() : v.start].strip(" \t")):
                    ind_end = m.start()
                    before_rule = (c.id, c.attrs["comparator"])
                    if comparator is None:
                        comparator, rule = c.attrs["comparator"], c.id
                    break
            if ind_end != v.start:
                break
        # "目前，全县森林覆盖率为30%，到2025年提高到35%": a level stated (为, 是) is no goal, but the
        # subject of the goal after it that leaves its noun out; read, never kept (as a status value)
        level = tp["stated"].search(text, max(clause_start, v.start - 4), v.start) if comparator is None and ind_end == v.start else None
        stated = level is not None
        if level is not None:
            comparator, rule, ind_end = "=", "stated", level.start()
        if v.unit is None and (ind_end == v.start or comparator is None):
            continue  # a bare number is a target only right after a comparator (系数提高到0.6395)
        # a goal's sentence, section or opener: a count of people there is a goal, 在…以上 a level to reach
        goal_ctx = (frames is not None and frames.goal_at(v.start)) or goal_sentence(text, v.start, tp) or tp["goal_opener"].match(text, clause_start) is not None
        if ind_end == v.start and v.unit in comparator_units and not goal_ctx:
            continue  # "吸纳脱贫劳动力10人以上": people counted with no comparator before them are a condition
        # "公共充电站达到5000座左右、充电桩9.5万台左右" (or ；专用充电站…): one comparator before the first
        # item of a list governs the items after it, each a noun and its value ending its item
        listed = (
            ind_end == v.start
            and not attributive
            and _ITEM_END.match(text, raw_end) is not None
            and prev_before is not None
            and prev_before[0] in _LIST_GOVERNORS
            and _LISTED_ITEM.fullmatch(text, prev_end, v.start) is not None
        )
        # 一、预期目标 over "粮食产量73万吨": the noun right before its value (not 调整为12374.6公顷, a fact)
        in_goals = frames is not None and frames.goal_at(v.start) and not text[_indicator(text, clause_start, v.start, g)[1] : v.start].strip(" \t")
        framed = listed or (
            ind_end == v.start
            and not attributive
            and v.unit is not None
            and (v.unit != "%" or in_goals)  # 一、主要目标 over "森林覆盖率增速0.15%": a share listed as a goal
            and v.unit not in durations
            and ("元" not in v.unit or in_goals)  # money spent is no goal, but a goals section's 投资150亿元 is
            and _ITEM_END.match(text, raw_end) is not None
            and not tp["count_verbs"].search(text, clause_start, v.start)
            and not (prev is not None and _PAIRED.fullmatch(text, prev_end, v.start))  # "降低20个、10个百分点": the pair's own
            and (in_goals or goal_sentence(text, v.start, tp) or tp["goal_opener"].match(text, clause_start) is not None)
            and not tp["count_in"].search(text, text.rfind("、", clause_start, v.start) + 1 or clause_start, v.start)  # 分别超过90家和870家: no noun
        )
        if listed and prev_before is not None:
            comparator, rule = comparator or prev_before[1], prev_before[0]
            before_rule = prev_before  # "达到800辆、出租车300辆、货车200辆": on down the list
        if framed:  # "到2025年，全市充电站3000座、充电桩16万个以上": a list of goals with no verb
            comparator, rule = comparator or "=", rule or "goal-frame"
            clause_start = max(clause_start, text.rfind("、", clause_start, v.start) + 1)
        # "截至2023年底，累计建成…", "2018年以来，…下降22%": a result reported, no goal; read all the same,
        # as the subject a goal after it leaves out (…累计建成5G基站1200个，到2025年达到2000个)
        status = stands_now(text, v.start, g, min_year) or bool(year_in and min_year and year_in < min_year)  # 增长到2023年的28%
        if v.unit == "%" and not stated and (ind_end != v.start or comparator is None or attributive):  # 不少于35%的行政村: a share too
            share = _share_target(text, v, ind_end, raw_end, comparator, rule, clause_start, clause_end, g, frames)
            if share is not None:
                if not status:
                    out.append(share)
                prev, prev_end, prev_before = share, share.span.end, None
                continue
        if comparator is None and v.unit == "%" and ind_end == v.start and share_of_whole(text, clause_start, v.start, tp):
            comparator, rule = "=", "share-of"  # "到2025年，…增加值占GDP的12%": 占 states the share to reach
        if comparator is not None and tp["condition_after"].match(text, raw_end):
            continue  # "建筑面积大于2万平方米的公共建筑": a condition on a noun
        if ind_end == v.start and tp["condition_before"].search(text, max(clause_start, v.start - 8), v.start) and not goal_ctx:
            continue  # "面积在144平方米以下": a range a thing falls in, not a level to reach (覆盖面在95%以上 in a goal's sentence is one)
        if (
            attributive
            and ind_end == v.start
            and not (v.unit in count_units and tp["count_verbs"].search(text, clause_start, v.start))  # "培育100家以上企业" is counted work
        ):
            if v.placeholder:
                warnings.append(Issue(code="placeholder-value", message=f"placeholder value {text[v.start : v.end]!r}", span=Span((v.start, v.end))))
            continue
        count = follow_on = False
        named: tuple[int, int] | None = None  # a 分别 list's items named in the clause before
        noun_from = -1  # where a counted noun before the number starts
        # "新增学位800人以上": people a goal counts after a verb, like any count (人 is no count unit elsewhere)
        after_only = comparator is not None and ind_end == v.start and (v.unit in count_units or (v.unit in comparator_units and goal_ctx))
        if (comparator is None or after_only) and v.unit is not None and v.unit != "%" and v.unit not in durations:
            verb = tp["count_verbs"].search(text, verbs_from(text, clause_start, v.start), v.start)
            # searched up to the value's end, so that 等's look at the number after it sees the number
            marks = [m for m in _LIST_MARK.finditer(text, verb.end(), v.end) if m.end() <= v.start and not _in_note(text, m.start(), v.start)] if verb else []
            if verb and not marks:
                # "完成102个入河排污口整治", "新增造林面积1.2万亩": a quantity of work committed
                if v.unit in count_units or _noun_run(text, verb.end(), _noun_to(text, verb.end(), v.start), tp):
                    count, noun_from = True, verb.end()
                elif SPACES.fullmatch(text, verb.end(), v.start) and "元" not in v.unit and _NOUN_AFTER.match(text, raw_end, clause_end):
                    count, noun_from = True, v.start  # "新建15公里污水管网": the measured noun after the quantity
            elif verb and _noun_run(text, marks[-1].end(), _noun_to(text, marks[-1].end(), v.start), tp) and not _WORD_CHAR.match(text, raw_end):
                # "培育体验店 360 家、示范店 40 家": each item of the list is counted after its noun
                count, noun_from = True, marks[-1].end()
            elif verb and v.unit in count_units and _JOIN_BEFORE.search(text, marks[-1].start(), v.start) and _NOUN_CHAR.match(text, v.end):
                # "新建5个口袋公园、3个健身广场": the list's next count, its noun after it as the first one's
                count, noun_from = True, v.start
            if count and verb is not None:  # "推广应用工业机器人8000台以上": the comparator after the count stands; 至少建立30个: ≥
                comparator, rule = comparator or comparator_before(text, clause_start, verb.start(), before) or "=", "count"
        elif comparator is not None and v.unit in count_units and _NOUN_CHAR.match(text, v.end):
            verb = tp["count_verbs"].search(text, max(clause_start, ind_end - 6), ind_end)
            if verb is not None and verb.end() == ind_end:
                # "组织发布不少于100场培训课程": the verb stands before the comparator, the noun after the count
                count, rule = True, "count"
        # "分别降低15%和18%": the second value shares the first's indicator (a counted noun follows its own count)
        paired = prev is not None and prev.rule != "count" and _PAIRED.fullmatch(text, prev_end, v.start) is not None
        if comparator is None and not paired:
            if v.placeholder:  # "X蒸吨/小时以下": not a target, but a placeholder all the same
                warnings.append(Issue(code="placeholder-value", message=f"placeholder value {text[v.start : v.end]!r}", span=Span((v.start, v.end))))
            continue
        if count:
            after_count = raw_end if after_only else v.end  # "8000台以上工业机器人": the noun follows 以上
            noun_end = after_count
            while (
                v.unit in count_units
                and noun_end < clause_end
                and _NOUN_CHAR.match(text, noun_end)
                and not _NEXT_COUNT.match(text, noun_end)
                and not (noun_end == after_count and text[noun_end] in "和及与")  # "检测4800批次和…检测30万批次": the next item
                and not (_HAN.match(text, noun_end - 1) and tp["measure_at"].match(text, noun_end))
            ):
                noun_end += 1  # a counted noun follows its number, up to another value (104家总投资60亿元); a measured one (万亩) comes before
            act = _TRAILING_ACTION.search(text, after_count, noun_end)
            if act and tp["count_predicate"].search(text, after_count, act.start()):
                act = None  # "15个村开展村庄污水治理": the villages do the work, whole; 治理 is no work done on them
            i_start, i_end = after_count, act.start() if act and act.start() > after_count else noun_end
            raw_start, raw_end = min(v.start, ind_end), max(i_end, raw_end if after_only else v.end)
            of = _OF_NOUN.match(text, after_count, clause_end) if v.unit not in count_units else None
            if of is None and noun_from == v.start and v.unit not in count_units:
                of = _NOUN_AFTER.match(text, after_count, clause_end)
            if of and noun_from >= 0:  # "形成全市392吨/日的医废处置能力": what is measured follows 的
                i_start, i_end, raw_start, raw_end = of.start("n"), of.end("n"), v.start, of.end("n")
                plan_word = tp["plan_word"].search(text, i_start, i_end)
                i_end = plan_word.start() if plan_word and plan_word.start() - i_start >= 2 else i_end
            elif i_end - i_start < 2 and noun_from >= 0 and _noun_run(text, noun_from, _noun_to(text, noun_from, v.start), tp):
                # "淘汰老旧车辆1200辆": the noun stands between the verb (or the list mark) and the number
                i_start, i_end = noun_from, _noun_to(text, noun_from, v.start)
                while i_start < i_end and text[i_start] in "和及与并":
                    i_start += 1  # "新增和改造污水收集管网": the second verb's joiner
                lead = tp["count_verbs"].match(text, i_start + (text[i_start] in "新再"), i_end)  # 新打造品质首店: 新 is the verb's
                if lead and i_end - lead.end() >= 2:
                    i_start = lead.end()  # "新建改造农村公路300公里": the second verb is no part of the noun
                while i_end > i_start and text[i_end - 1] in " \t":
                    i_end -= 1
                raw_start, raw_end = i_start, after_count
                if tp["count_action"].fullmatch(text, i_start, i_end):
                    # "城镇老旧小区改造累计完成1500个": what stands there is the work done; the thing is before it
                    n_start, n_end = _indicator(text, clause_start, i_start, g)
                    if n_end - n_start >= 2:
                        i_start, i_end, raw_start = n_start, i_start, n_start
                elif verb is not None and noun_from == verb.end() and g.target_patterns["stat_verb"].fullmatch(verb.group()):
                    # "城镇新增就业1.9万人": an increase in a stock is named with whose stock it is
                    n_start, n_end = _indicator(text, clause_start, verb.start(), g)
                    if n_end == verb.start() and _STAT_SUBJECT.fullmatch(text, n_start, n_end) and not g.target_patterns["goal_word"].search(text, n_start, n_end):
                        i_start = raw_start = n_start
            if i_end - i_start < 2 or (i_start >= after_count and i_end - i_start <= 4 and _NEXT_VALUE.match(text, i_end)):
                continue  # "104家总投资60亿元…企业": what follows the count is another value, not its noun
        elif paired:
            i_start = i_end = raw_start = v.start
        else:
            i_start, i_end = _indicator(text, clause_start, ind_end, g)
            if i_end - i_start < 2 and (named := named_before(text, clause_start, ind_end, _CLAUSE_BOUND, g)) is not None:
                i_start, i_end = named  # "A和B实现倍增，分别超过90家和800家": the clause before names the items
            if prev is not None and i_start < prev_end < i_end:
                i_start, i_end = _indicator(text, prev_end, i_end, g)  # "回收利用率达到45%、资源化利用率": after the last item
            follow_on = (
                i_end - i_start < 2
                and prev is not None
                # the same measure, or a verb before the number says what it does (达到35微克/立方米以下)
                # with no other number between (…比例超过20%，保有量60万辆，力争达到80万辆: not the 比例's)
                and (
                    prev.unit == v.unit
                    or (prev.unit == "%" and v.unit in _POINTS)
                    or (ind_end != v.start and not _DIGIT.search(text, prev_end, v.start))
                )
                # in its sentence; or, measured alike after a comparator, the next one's opening clause
                and (
                    not _PARAGRAPH_STOP.search(text, prev_end, v.start)
                    or (ind_end != v.start and (prev.unit == v.unit or (prev.unit == "%" and v.unit in _POINTS)) and target_context.subject_left_out(text, prev_end, clause_start, tp))
                )
            )
            if follow_on:
                # "单位GDP能耗下降14%，力争下降14.5%": the sentence's subject, left out the second time
                i_start = i_end = ind_end if ind_end != v.start else v.start
            elif i_end - i_start < 2 or (v.unit is None and not _ends_unitless(text, i_start, i_end, unitless)):
                continue
            raw_start = i_start
        if v.unit in count_units and not count and not framed and rule in ("at-least-after", "at-most-after", "about-after") and ind_end == v.start:
            continue  # "10个以上": a count with no verb or comparator before it is a condition
        while count and i_end > i_start + 2 and text[i_end - 1] in "和及与":
            i_end -= 1  # "10个重点实验室和5个创新中心": the list goes on after the noun
        indicator = text[i_start:i_end]
        placed = bool(subject) and not count and ind_end != v.start and prev is not None and prev.unit == v.unit and place_only(text, i_start, i_end, g)
        if placed and not _PARAGRAPH_STOP.search(text, prev_end, v.start):
            indicator = of_place(indicator, subject, g)  # "…处理率达到50%以上，东部地区达到60%以上": the place's level of that measure
        if indicator.startswith("占") and prev is not None and not count and not _PARAGRAPH_STOP.search(text, prev_end, v.start):
            indicator = prev.indicator + indicator  # "增加值达到10000亿元，占GDP比重达56%以上": the share of that
        subject = subject if placed else indicator
        if (follow_on or tp["anaphor"].fullmatch(indicator)) and prev is not None:  # "该比例达到45%": the one before
            indicator = prev.indicator
        if paired and prev is not None and ind_end == v.start:
            # "分别降低15%和18%": the second value shares the first one's indicator and comparator
            indicator, comparator, rule = prev.indicator, comparator or prev.comparator, rule or prev.rule
            raw_start = v.start
        span = Span((raw_start, raw_end))
        target = Target(
            indicator=indicator,
            comparator=comparator,
            value=v.value,
            value_max=v.value_max,
            unit=v.unit,
            year=year_in or target_year(text, v.start, frames),
            raw=text[raw_start:raw_end],
            placeholder=v.placeholder,
            span=span,
            rule=rule,
        )
        if status or stated:
            prev, prev_end, prev_before = target, raw_end, before_rule
            continue
        if paired and prev is not None and ind_end == v.start and series and series[-1][2][-1] == len(out) - 1:
            series[-1][2].append(len(out))
            if prev.unit and v.unit and v.unit != prev.unit and v.unit.startswith(prev.unit):
                out[-1] = prev.model_copy(update={"unit": v.unit})  # "降低20个、10个百分点": the unit is said once
        elif not count:
            series.append((i_start, ind_end, [len(out)], named[1] if named else None))
        out.append(target)
        prev, prev_end, prev_before = target, raw_end, before_rule
        if v.placeholder:
            warnings.append(Issue(code="placeholder-value", message=f"placeholder value in target {target.raw!r}", span=span))
    distribute(text, out, series, tp["measure_tail"], tp["measure_head"], tp["in_word"])
    return out, warnings


def _share_target(
    text: str, v: Value, ind_end: int, raw_end: int, comparator: str | None, rule: str, clause_start: int, clause_end: int, g: Grammars, frames: Frames | None
) -> Target | None:
    """"全市90%的重点领域市场主体纳入信用监管", "55%以上的行政村生活污水得到治理", "不少于35%的行政村…":
    a share of the things named after it, when nothing but places, years and hedges stands before the
    number or the comparator before it (``ind_end``)."""
    de = _SHARE_OF.match(text, raw_end)
    if de is None:
        return None
    a, b = _indicator(text, clause_start, ind_end, g, adverbs_only_none=False)
    if b > a:  # "按20%的税率": the share of something said before it
        return None
    end = clause_end
    while end > de.end() and text[end - 1] in " \t\u3000":
        end -= 1
    if end - de.end() < 2 or _DIGIT.search(text, de.end(), end):
        return None  # "95%的省级、90%的市级…机关": shares of a list, not one thing
    return Target(
        indicator=text[de.end() : end],
        comparator=comparator or "=",
        value=v.value,
        value_max=v.value_max,
        unit=v.unit,
        year=target_year(text, v.start, frames),
        raw=text[ind_end:end],
        placeholder=v.placeholder,
        span=Span((ind_end, end)),
        rule="share" if comparator is None else rule,
    )
