"""Document-level facts from the text before the first heading and the sign-off at the end.

- title: the short lines that end in a document-type word (方案, 意见 …), joined; inside a
  notice ``关于印发《X》的通知`` the plan's own title X (its own line when the plan repeats it);
- doc_number: a number standing on its own line or labelled 文号, never one cited in brackets;
- issuer: the body before ``关于印发``, a labelled issuer, or the line above the sign-off date;
- date: the sign-off date line (Arabic or Chinese numerals), else a labelled date;
- region/admin_level from the title or issuer (a town's plan: its town, no level); period from the
  title; draft from 征求意见稿.
"""

from __future__ import annotations

import datetime as dt
import itertools

import regex

from planparse import rx
from planparse.extract import metadata_title
from planparse.extract.metadata_title import Line, clean_title, find_title, number_after_notice, number_before_title, split_lines
from planparse.grammar import Grammars
from planparse.models import Metadata
from planparse.numerals import cn_to_int

_BARE_LABEL = rx.compile(r"\p{Han}{2,6}")  # a label alone on its line, its value below
_COLUMN_GAP = rx.compile(r"[ \t\u3000\u2002-\u200a]{2,}")
_CELL_GAP = rx.compile(r"[ \t\u3000\u2002-\u200a]{2,}|[ \t\u3000]*[|｜][ \t\u3000]*")
_BULLETS = "•·■□▪◆◇●-"  # a web page's list of fields sets a bullet before each value (• 某政办规〔2024〕1号)
_HEAD_LINES = 25
_TAIL_LINES = 15
_NOTICE_LINES = 80
_NOT_A_NAME = rx.compile(r"^(?:为|根据|按照|依据|经|现将|各)")
_COMMITTEE_END = rx.compile(r"委(?:办公室|办公厅)?")  # where a party committee's name ends
_PLACELESS = ("省", "市", "县", "区", "州", "盟", "旗")  # a body's name that opens with its level, not its place
# who a notice is sent to (主送机关): towns (乡, 镇, 街道) and counties or districts; a zone's 区 (开发区, 高新区,
# 园区, 景区, 社区) is no district. Rules of this module that the grammar schema has no key for yet.
_ZEROS = str.maketrans(dict.fromkeys("○Ｏ0O", "〇"))  # a zero typed as a circle, a digit or a letter (二0一0年)


def _cn_or_int(s: str) -> int | None:
    s = s.strip()
    return int(s) if s.isdigit() else cn_to_int(s.translate(_ZEROS))


def _iso(y: str, m: str, d: str) -> str | None:
    year, month, day = _cn_or_int(y), _cn_or_int(m), _cn_or_int(d)
    if not (year and month and day):
        return None
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _period(title: str | None, g: Grammars) -> tuple[int, int] | None:
    """From the plan's own title only: (2022-2025年), “十四五”, or one year (2022年行动计划)."""
    if not title:
        return None
    meta = g.meta
    m = meta["period"].search(title)
    if m and int(m.group("start")) <= int(m.group("end")):
        return int(m.group("start")), int(m.group("end"))
    f = meta["fyp_period"].search(title)
    if f:
        n = cn_to_int(f.group("nth") or f.group("fyp")[:-1]) or 0  # 十四五 and 第十四个五年 are the 14th
        if n:
            return 1951 + 5 * n, 1955 + 5 * n
    y = meta["single_year"].search(title)
    if y:
        return int(y.group("year")), int(y.group("year"))
    return None


def _issued_period(text: str, head_end: int, title: str | None, g: Grammars) -> tuple[int, int] | None:
    """A notice title that leaves the period out (关于印发《某某县…行动方案》的通知) while the
    sentence issuing the plan carries it (现将《某某县…行动方案（2024—2027年）》印发给你们)."""
    if not title:
        return None
    m = regex.search(f"《{regex.escape(title)}(?P<period>[（(][^（）()《》]{{4,20}}[）)])》", text[: min(head_end, 3000)])
    return _period(m.group("period"), g) if m else None


def _region(s: str | None, g: Grammars) -> str | None:
    if not s:
        return None
    s = g.meta["region_lead"].sub("", s)
    town = _town(s, 0, g)  # a town opening the text (三甲镇2024年…; 新市镇…, where 新市 is no city)
    m = g.meta["region"].match(s)
    if town and m and town.startswith(m.group("region")):
        town = None  # no town named after its county: 龙陵县镇安镇 is 龙陵县's 镇安镇, not a town 龙陵县镇
    m = None if town else m
    if m is None:
        return town
    region = m.group("region")
    if g.meta["region_stop"].search(region) and not g.meta["region_seat"].match(s, m.end()):
        region = m.group("top")  # 北京市数据专区 → 北京市; 济宁市老旧小区 → 济宁市
        return None if g.meta["region_stop"].search(region) else region
    return region + (_town(s, m.end(), g) or "")  # the county's or district's town (蓬溪县三凤镇人民政府)


def _town(s: str, pos: int, g: Grammars) -> str | None:
    m = g.meta["town"].match(s, pos)
    return m.group("town") if m and not g.meta["town_stop"].search(m.group("town")) else None


def _admin_level(region: str | None, g: Grammars) -> str | None:
    md = g.metadata.metadata
    if not region or region in md.province_level:
        return "province" if region else None
    return next((level for suffix, level in md.admin_suffix if region.endswith(suffix)), None)  # a town: none


def _draft_mark(line: str, g: Grammars) -> bool:
    """A head line that ends with a draft's mark (（征求意见稿）, …方案草案): a contents line of a rule on
    drafts (第三章 地方性法规草案的审议) names one, marks none."""
    return any(line.rstrip(" \t\u3000）)】]").endswith(m.group()) for m in g.meta["draft"].finditer(line))


def _addressed_to_towns(lines: list[Line], g: Grammars) -> bool:
    """The notice is sent (主送机关) to towns and streets and to no county or district (各乡（镇）人民政府、
    街道办事处，市政府各部门：): the city that sends it governs towns itself, a county-level city's government."""
    for k, ln in enumerate(lines):
        text = ln.text.strip()
        if not text.startswith("各") or "。" in text:
            continue
        addressee = (text + (lines[k + 1].text.strip() if k + 1 < len(lines) else "")).split("：")[0].split(":")[0]
        return bool(g.meta["addressee_town"].search(addressee)) and not g.meta["addressee_county"].search(addressee)
    return False


def _imprint(text: str, date: str | None, issuer: str | None, g: Grammars) -> tuple[str | None, str | None]:
    """The date and printer of the imprint (版记) at the end, where the plan has no sign-off."""
    tail = split_lines(text, max(0, len(text) - 1500), len(text))
    for k in range(len(tail) - 1, -1, -1):
        m = g.meta["imprint"].match(tail[k].text)
        if m is None:
            continue
        name = m.group("issuer")
        above = g.meta["issuer_line"].match(tail[k - 1].text) if k and not name else None
        name = name or (above.group("issuer").strip() if above else None)
        return date or _iso(m.group("year"), m.group("month"), m.group("day")), issuer or name
    return date, issuer


def _signoff(lines: list[Line], k: int, g: Grammars) -> regex.Match[str] | None:
    """Line k as a sign-off date; one in figures only (2023.5.10) right under an issuer's name."""
    m = g.meta["signoff_date"].match(lines[k].text)
    if m is None and k and g.meta["issuer_line"].match(lines[k - 1].text):
        m = g.meta["signoff_figures"].match(lines[k].text)
    return m


def _wrapped_name(upper: str, lower: str, g: Grammars) -> bool:
    """Two lines of one issuer's name: a lower line that opens with a place is a name of its own
    (平邑县人民政府), and a heading (二、工作措施) or a sentence above is no part of it."""
    if len(upper) > 30 or g.heading_at(upper) or g.meta["region"].match(lower):
        return False
    return g.meta["issuer_line"].match(upper + lower) is not None


def _joint(names: list[str], g: Grammars) -> str | None:
    """Two bodies issuing together (两办: 中共××县委办公室　××县人民政府办公室) are both the
    issuer, 、 between them; a longer list is led by the body named first (None: not two)."""
    found: list[str] = []
    for name in names:
        parts = name.split()  # side by side, apart by spaces
        if len(parts) > 1 and all(g.meta["issuer_line"].match(p) for p in parts):
            found += parts
        else:
            found.append(clean_title(name))
    return "、".join(found) if len(found) == 2 else None


def _issuer_over_notice(head: list[Line], k: int, g: Grammars) -> str | None:
    """The issuers on lines of their own over a notice title broken into lines (GB/T 9704 sets
    某市人民政府办公室 / 关于印发某市…三年行动 / 计划（2023-2025年）的通知): line k opens the title, with
    关于 or, as a party committee's notice does, with 印发 (中共某市委　某市人民政府 / 印发《…》的通知)."""
    if not k or not head[k].text.lstrip().startswith(("关于", "印发")) or not g.meta["notice"].search(clean_title("".join(ln.text for ln in head[k : k + 3]))):
        return None
    top = k
    while top > max(0, k - 4) and g.meta["issuer_line"].match(head[top - 1].text):
        top -= 1
    names = [g.meta["issuer_line"].match(ln.text).group("issuer") for ln in head[top:k]]
    return (_joint(names, g) or clean_title(names[0])) if names else None


def _run_together(name: str, g: Grammars) -> str:
    """A party committee and a government issuing together, run into one name (中共宿州市委宿州市人民政府): both."""
    if not name.startswith("中共") or "、" in name:
        return name
    for m in _COMMITTEE_END.finditer(name):
        right = name[m.end() :]
        if right and g.meta["region"].match(right) and g.meta["issuer_line"].match(right):
            return f"{name[: m.end()]}、{right}"
    return name


def _cover_issuer(head: list[Line], g: Grammars) -> str | None:
    """The body named over a cover page's month (天津市发展和改革委员会 / 二〇二二年一月)."""
    for above, line in itertools.pairwise(head):
        if g.meta["cover_date"].match(line.text):
            m = g.meta["issuer_line"].match(above.text)
            return m.group("issuer").strip() if m else None
    return None


def _placed(issuer: str | None, text: str, g: Grammars) -> str | None:
    """A sign-off that leaves the place out (市人民政府办公室) is the body a line of its own names in
    full: the masthead (银川市人民政府办公室文件) or the imprint (银川市人民政府办公室 2024年3月2日印发).
    The place must be of the level the name starts with (a 市's office is no 县's)."""
    if not issuer or _region(issuer, g) or not issuer.startswith(_PLACELESS):
        return issuer
    for m in regex.finditer(rf"(?m)^[ \t\u3000]*((?:中共)?\p{{Han}}{{2,12}}?{regex.escape(issuer)})", text):
        place = _region(m.group(1), g)
        if place and place.endswith(issuer[0]):
            return m.group(1)
    return issuer


def _issuer_level(issuer: str | None, g: Grammars) -> str | None:
    """A plan that never names its place may still say its level: 省完善促进消费体制机制厅际联席会议 → province."""
    m = g.unit_patterns["admin_prefix"].match(issuer) if issuer else None
    return _admin_level(m.group(0), g) if m else None


def _named_province(text: str, g: Grammars) -> str | None:
    """The province a provincial body's text names most often (at least twice, more than any other)."""
    md = g.metadata.metadata
    counts = []
    for full in [*md.provinces, *md.province_level]:
        short = full.removesuffix("省").removesuffix("市")
        for suffix in ("壮族自治区", "回族自治区", "维吾尔自治区", "自治区", "特别行政区"):
            short = short.removesuffix(suffix)
        counts.append((text.count(short), full))
    counts.sort(reverse=True)
    best, second = counts[0], counts[1]
    return best[1] if best[0] >= 2 and best[0] > second[0] else None


def _issuer_wrapped(head: list[Line], k: int, g: Grammars) -> str | None:
    """An issuer's name broken over the title's first two lines (成都市规划 / 和自然资源局关于印发…的通知,
    某县市场监督管理 / 局关于…): the upper line opens with the place and is no name of its own, the
    lower line goes on with the rest of the name, not with a place of its own."""
    own = g.meta["issuer_notice"].match(head[k].text.lstrip())
    if not k or head[k].text.lstrip().startswith("关于") or (own and g.meta["region"].match(own.group("issuer"))):
        return None
    upper = head[k - 1].text.strip()
    if not upper or len(upper) > 20 or not g.meta["region"].match(upper) or g.meta["issuer_line"].match(upper):
        return None
    m = g.meta["issuer_notice"].match(upper + head[k].text.lstrip())
    return clean_title(m.group("issuer")) if m and len(m.group("issuer")) > len(upper) else None


def _head_issuer(head: list[Line], fields: list[str], rule: str, g: Grammars) -> str | None:
    """The issuer a head line names by ``rule``: a notice's title (某县人民政府关于印发…, or the
    issuers on lines over it) or a labelled field (发文机关：…)."""
    for k, text_line in enumerate([ln.text for ln in head] + fields):
        if len(text_line) > 100 or "。" in text_line or _NOT_A_NAME.match(text_line):
            continue  # a sentence of the body, not a title or a labelled field
        if rule == "issuer_notice" and k < len(head) and (over := _issuer_over_notice(head, k, g) or _issuer_wrapped(head, k, g)):
            return _run_together(over, g)
        if rule == "issuer_notice":
            text_line = g.meta["title_field"].sub("", text_line, count=1)  # 标  题 某区人民政府办公室关于印发…
        m = g.meta[rule].search(text_line)
        if m:
            issuer = m.group("issuer").strip()
            parts = issuer.split()  # two issuers side by side take the first; a name with a space in it stays whole
            issuer = _joint([issuer], g) or clean_title(parts[0] if all(g.meta["issuer_line"].match(x) for x in parts) else issuer)
            return _run_together(issuer, g)
    return None


def extract_metadata(text: str, first_heading: int | None, g: Grammars) -> Metadata:
    meta = g.meta
    head_end = first_heading if first_heading is not None else min(len(text), 3000)
    above_body = split_lines(text, 0, head_end)
    head = above_body[:_HEAD_LINES]
    lead_number = None
    for k, ln in enumerate(head):  # 财科教【2017】6号 财政部…的通知: the number, then the title
        if found := number_before_title(ln, g):
            lead_number, head[k] = lead_number or found[0], found[1]
    title, title_span = find_title(head, g)

    doc_number = None
    # the line, else each of its columns: a report (上行文, GB/T 9704) sets 签发人 beside the number, a
    # web page's index table flattened to text sets its cells apart by | (文号 | 某政〔2020〕72号 |)
    # and the number a web copy runs on after the masthead (某市人民政府办公室文件 某政办发〔2023〕5号 某市…关于印发…)
    after_masthead = [n.group() for ln in head if (m := metadata_title.inline_masthead(ln.text, g)) and (n := meta["doc_number"].match(ln.text[m[1] :].strip()))]
    for cell in itertools.chain(after_masthead, (c for ln in head for c in (ln.text, *_CELL_GAP.split(ln.text)))):
        stripped = cell.strip().lstrip(_BULLETS).strip().strip("（()）")
        lab = meta["doc_number_label"].search(stripped)
        glued = lab and lab.start() == 0 and meta["doc_number"].fullmatch(stripped, lab.end())  # 发文字号皖交发〔2021〕63号
        m = glued or meta["doc_number"].fullmatch(stripped) or (lab and meta["doc_number"].match(stripped, lab.end()))
        if m:
            doc_number = regex.sub(r"[ \t]+", "", m.group("num"))
            break
    if doc_number is None:  # a web page sets the number in brackets after the notice's title: its own
        doc_number = lead_number or next((n for ln in head if (n := number_after_notice(ln.text, g))), None)

    # web pages put a field's label on one line and its value on the next ("发文日期\n2022-10-12")
    fields = [f"{a.text.strip()}：{b.text.strip()}" for a, b in itertools.pairwise(head) if _BARE_LABEL.fullmatch(a.text.strip())]
    # and an index table flattened with | sets them in cells side by side (成文日期 | 2023-07-18 |)
    cells = [c.strip() for ln in head if "|" in ln.text for c in ln.text.split("|")]
    fields += [f"{a}：{b}" for a, b in itertools.pairwise(cells) if _BARE_LABEL.fullmatch(a) and b]
    # the notice's own title first, a labelled field after: a web page's 发布机构 is who posted the
    # page (某县人民政府办公室), the notice names who issues it (某县人民政府关于印发…) — unless it
    # leaves its place out (县人民政府关于印发…) that the label names (发布机构：某县人民政府)
    found = {rule: _head_issuer(head, fields, rule, g) for rule in ("issuer_notice", "issuer_label")}
    issuer, labelled = found["issuer_notice"], found["issuer_label"]
    issuer = labelled if labelled and (issuer is None or labelled.endswith(issuer)) else issuer

    date = None
    # the sign-off at the end (before any annex or table), else the notice's sign-off before the plan
    last_signoff = None
    for last_signoff in meta["signoff_date"].finditer(text, head_end):  # noqa: B007 - the last one is wanted
        pass
    tail_start = max(0, len(text) - 2000) if last_signoff is None else text.rfind("\n", 0, max(0, last_signoff.start() - 600)) + 1
    tail_end = len(text) if last_signoff is None else last_signoff.end()
    # the notice's sign-off may stand below a web page's block of fields: look further than the title does
    notice = above_body[:_NOTICE_LINES]
    for lines in (split_lines(text, tail_start, tail_end)[-_TAIL_LINES:], notice):
        for k in range(len(lines) - 1, -1, -1):
            m = _signoff(lines, k, g)
            if m:
                date = _iso(m.group("year"), m.group("month"), m.group("day"))
                if issuer is None and m.groupdict().get("issuer"):
                    issuer = m.group("issuer")  # "巴中市恩阳区人民政府    2022年7月25日" on one line
                # stacked co-issuers above the date: the first one leads (climbed over the whole
                # text: a list of 9 issuers runs past the window the date was found in)
                from_pos = max(0, lines[k].start - 3000)
                above = split_lines(text, from_pos, lines[k].start)[1 if from_pos else 0 :]  # whole lines only
                names = [ln.text for ln in above]
                top = len(names)
                while top > 0:
                    if meta["issuer_line"].match(names[top - 1]):
                        top -= 1
                    elif top < len(names) and _wrapped_name(names[top - 1], names[top], g):
                        # a long name wrapped over two lines (中国银行保险监督管理 / 委员会佛山监管分局)
                        names[top - 1] += names[top]
                        top -= 1
                    else:
                        break
                signed = meta["issuer_line"].match(names[top]).group("issuer").strip() if top < len(names) else ""
                if issuer and signed != issuer and signed.endswith(issuer):
                    issuer = signed  # the notice's title left the place out (区人民政府办公室关于印发…)
                if issuer is None and top < len(names):
                    issuer = _joint([meta["issuer_line"].match(n).group("issuer") for n in names[top:]], g)
                if issuer is None and top < len(names):
                    first = meta["issuer_line"].match(names[top]).group("issuer")
                    left = _COLUMN_GAP.split(first)[0].split()[0]  # two issuers side by side: the left one
                    issuer = clean_title(left if meta["issuer_line"].match(left) else _COLUMN_GAP.split(first)[0])
                break
        if date:
            break
    if date is None:
        for text_line in [ln.text for ln in head] + fields:
            m = meta["date_label"].search(text_line)
            if m:
                date = _iso(m.group("year"), m.group("month"), m.group("day"))
                break

    if issuer is None and (masthead := metadata_title.find_masthead(head, g)):
        issuer = _joint([masthead], g) or clean_title(masthead)  # 某市人民政府办公室文件: the body issuing it
    if date is None or issuer is None:
        date, issuer = _imprint(text, date, issuer, g)
    if issuer is None:
        issuer = _cover_issuer(head, g)
    issuer = _placed(issuer, text, g)
    seat = _region(issuer, g)
    region = _region(title, g) or seat
    if region and seat and len(seat) > len(region) and g.meta["region_lead"].sub("", title or "").startswith(seat):
        region = seat  # the title names the issuer's own district (济宁市任城区…, by 济宁市任城区人民政府)
    if region is None and _issuer_level(issuer, g) == "province":
        region = _named_province(text, g)  # 省完善促进消费体制机制厅际联席会议: the province its text names
    level = _admin_level(region, g) or _issuer_level(issuer if region is None else None, g)
    if level == "city" and region and region.endswith("市") and region not in g.metadata.metadata.cities_of_towns and _addressed_to_towns(notice, g):
        level = "county"  # a county-level city (县级市): 荥阳市 sends its notices to 各乡镇人民政府、各街道办事处
    period = _period(title, g) or _issued_period(text, head_end, title, g)
    draft = any(_draft_mark(ln.text, g) for ln in head if len(ln.text) <= 40) or bool(title and meta["draft"].search(title))
    return Metadata(
        title=title,
        title_span=title_span,
        doc_number=doc_number,
        issuer=issuer,
        date=date,
        region=region,
        admin_level=level,
        period=period,
        draft=draft,
    )
