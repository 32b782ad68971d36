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
from dataclasses import dataclass

import regex

from planparse import rx
from planparse.grammar import Grammars
from planparse.models import Metadata, Span
from planparse.numerals import cn_to_int

_BARE_LABEL = rx.compile(r"\p{Han}{2,6}")  # a label alone on its line, its value below
_COLUMN_GAP = rx.compile(r"[ \t\u3000\u2002-\u200a]{2,}")
_HEAD_LINES = 25
_TAIL_LINES = 15
_NOTICE_LINES = 80
_BRACKET_LINE = rx.compile(r"[（(][^（）()]{1,20}[）)]")
_TITLE_PUNCT = rx.compile(r"[。；，,：:]")
_DATE_LINE = rx.compile(r"[0-9〇零一二三四五六七八九十○]{1,4}[ \t]*年[ \t]*[0-9〇零一二三四五六七八九十○]{1,2}[ \t]*月[ \t]*[0-9〇零一二三四五六七八九十○]{1,3}[ \t]*日")
_NOT_A_NAME = rx.compile(r"^(?:为|根据|按照|依据|经|现将|各)")
_TITLE_MARKS = rx.compile(r"[《》〈〉<>“”\"]")  # dropped or changed when a notice restates a title
_HALF_BRACKETS = str.maketrans("（）", "()")
_COMMITTEE_END = rx.compile(r"委(?:办公室|办公厅)?")  # where a party committee's name ends
_ZEROS = str.maketrans(dict.fromkeys("○Ｏ0O", "〇"))  # a zero typed as a circle, a digit or a letter (二0一0年)
_CJK_GAP = rx.compile(r"(?<=[\p{Han}）)”])[ \t\u3000]+|[ \t\u3000]+(?=[\p{Han}（(“])")


@dataclass
class _Line:
    start: int
    end: int
    text: str


def _lines(text: str, start: int, end: int) -> list[_Line]:
    out: list[_Line] = []
    pos = start
    while pos < end:
        stop = end if (nl := text.find("\n", pos, end)) == -1 else nl
        out.append(_Line(pos, stop, text[pos:stop]))
        pos = stop + 1
    return out


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


def _clean_title(s: str) -> str:
    return _CJK_GAP.sub("", s).strip()


def _find_title(head: list[_Line], g: Grammars) -> tuple[str | None, Span | None]:
    meta = g.meta
    notice_title: tuple[str, int, int] | None = None
    for ln in head:
        m = meta["notice"].search(ln.text)
        # the notice that wraps the plan is a title line, not a citation inside a paragraph
        if m and len(ln.text) <= 100 and "。" not in ln.text and not ln.text.startswith(("根据", "按照", "依据")):
            notice_title = (m.group("title"), ln.start + m.start("title"), ln.start + m.end("title"))
            break
    if notice_title:
        want = _clean_title(notice_title[0])
        return _own_title(want, head, g) or (want, Span((notice_title[1], notice_title[2])))
    # runs of short lines without sentence punctuation, joined, ending in a document-type word;
    # annex markers, document numbers and draft marks are not part of a title
    # date and issuer lines end a run; annex marks, document numbers and draft marks are skipped
    runs: list[list[_Line]] = [[]]
    for ln in head:
        t = ln.text.strip()
        if meta["annex_line"].match(t) or meta["doc_number"].fullmatch(t.strip("（()）")) or meta["draft"].fullmatch(t):
            continue
        if len(t) > 60 or _TITLE_PUNCT.search(t) or _DATE_LINE.search(t) or meta["issuer_line"].match(t):
            runs.append([])
        elif not (runs[-1] and _clean_title(runs[-1][-1].text) == _clean_title(t)):
            runs[-1].append(ln)  # a web page sets the title twice (its page title, then the document's)
    for run in runs:
        found = _title_in_run(run, head, g)
        if found[0]:
            return found
    return None, None


def _title_in_run(head: list[_Line], all_lines: list[_Line], g: Grammars) -> tuple[str | None, Span | None]:
    """The first title in a run of short lines: up to 3 lines joined, the longest that ends in a
    document-type word (…实施方案 / …实施方案 + 的通知); inside a notice, the plan it issues."""
    meta = g.meta
    for i in range(len(head)):
        found: tuple[str, list[_Line]] | None = None
        for j in range(i, min(i + 3, len(head))):
            joined = _clean_title("".join(p.text for p in head[i : j + 1]))
            if meta["title_suffix"].search(joined) and not meta["draft"].fullmatch(joined):
                found = (joined, head[i : j + 1])
        if found is None:
            continue
        joined, parts = found
        notice = meta["notice"].search(joined)
        if notice:  # a notice title over several lines: the plan is the document it issues
            want = _clean_title(notice.group("title"))
            return _own_title(want, all_lines, g) or (want, Span((parts[0].start, parts[-1].end)))
        return joined, Span((parts[0].start, parts[-1].end))
    return None, None


def _loose(title: str) -> str:
    """A title as a notice may restate it: inner 《》 dropped or turned to 〈〉, brackets of either width."""
    return _TITLE_MARKS.sub("", title).translate(_HALF_BRACKETS)


def _own_title(want: str, lines: list[_Line], g: Grammars) -> tuple[str, Span] | None:
    """The plan's title on its own line below the notice, with the line under it when that is a
    bracket the title goes on with ((2024—2027年)): a notice title often leaves the period out."""
    for k, ln in enumerate(lines):
        if _loose(_clean_title(ln.text)) != _loose(want):
            continue
        want = _clean_title(ln.text)  # the plan's own line keeps the marks a notice drops (《RCEP》 → RCEP)
        below = _clean_title(lines[k + 1].text) if k + 1 < len(lines) else ""
        if _BRACKET_LINE.fullmatch(below) and not g.heading_at(below) and g.meta["title_suffix"].search(want + below):
            return want + below, Span((ln.start, lines[k + 1].end))
        return want, Span((ln.start, ln.end))
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
        n = cn_to_int(f.group("fyp")[:-1]) or 0
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
    m = None if town else g.meta["region"].match(s)
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


def _imprint(text: str, date: str | None, issuer: str | None, g: Grammars) -> tuple[str | None, str | None]:
    """The date and printer of the imprint (版记) at the end, where the plan has no sign-off."""
    tail = _lines(text, max(0, len(text) - 1500), len(text))
    for k in range(len(tail) - 1, -1, -1):
        m = g.meta["imprint"].match(tail[k].text)
        if m is None:
            continue
        name = m.group("issuer")
        above = g.meta["issuer_line"].match(tail[k - 1].text) if k and not name else None
        name = name or (above.group("issuer").strip() if above else None)
        return date or _iso(m.group("year"), m.group("month"), m.group("day")), issuer or name
    return date, issuer


def _signoff(lines: list[_Line], k: int, g: Grammars) -> regex.Match[str] | None:
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
            found.append(_clean_title(name))
    return "、".join(found) if len(found) == 2 else None


def _issuer_over_notice(head: list[_Line], k: int, g: Grammars) -> str | None:
    """The issuers on lines of their own over a notice title broken into lines (GB/T 9704 sets
    某市人民政府办公室 / 关于印发某市…三年行动 / 计划（2023-2025年）的通知): line k opens the title."""
    if not k or not head[k].text.lstrip().startswith("关于") or not g.meta["notice"].search(_clean_title("".join(ln.text for ln in head[k : k + 3]))):
        return None
    top = k
    while top > max(0, k - 4) and g.meta["issuer_line"].match(head[top - 1].text):
        top -= 1
    names = [g.meta["issuer_line"].match(ln.text).group("issuer") for ln in head[top:k]]
    return (_joint(names, g) or _clean_title(names[0])) if names else None


def _run_together(name: str, g: Grammars) -> str:
    """A party committee and a government issuing together, run into one name (中共宿州市委宿州市人民政府): both."""
    if not name.startswith("中共") or "、" in name:
        return name
    for m in _COMMITTEE_END.finditer(name):
        right = name[m.end() :]
        if right and g.meta["region"].match(right) and g.meta["issuer_line"].match(right):
            return f"{name[: m.end()]}、{right}"
    return name


def _cover_issuer(head: list[_Line], g: Grammars) -> str | None:
    """The body named over a cover page's month (天津市发展和改革委员会 / 二〇二二年一月)."""
    for above, line in itertools.pairwise(head):
        if g.meta["cover_date"].match(line.text):
            m = g.meta["issuer_line"].match(above.text)
            return m.group("issuer").strip() if m else None
    return None


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


def extract_metadata(text: str, first_heading: int | None, g: Grammars) -> Metadata:
    meta = g.meta
    head_end = first_heading if first_heading is not None else min(len(text), 3000)
    head = _lines(text, 0, head_end)[:_HEAD_LINES]
    title, title_span = _find_title(head, g)

    doc_number = None
    # the line, else each of its columns: a report (上行文, GB/T 9704) sets 签发人 beside the number
    for cell in (c for ln in head for c in (ln.text, *_COLUMN_GAP.split(ln.text))):
        stripped = cell.strip().strip("（()）")
        lab = meta["doc_number_label"].search(stripped)
        m = meta["doc_number"].fullmatch(stripped) or (lab and meta["doc_number"].match(stripped, lab.end()))
        if m:
            doc_number = regex.sub(r"[ \t]+", "", m.group("num"))
            break

    # web pages put a field's label on one line and its value on the next ("发文日期\n2022-10-12")
    fields = [f"{a.text.strip()}：{b.text.strip()}" for a, b in itertools.pairwise(head) if _BARE_LABEL.fullmatch(a.text.strip())]
    issuer = None
    for k, text_line in enumerate([ln.text for ln in head] + fields):
        if len(text_line) > 100 or "。" in text_line or _NOT_A_NAME.match(text_line):
            continue  # a sentence of the body, not a title or a labelled field
        if k < len(head) and (over := _issuer_over_notice(head, k, g)):
            issuer = over
            break
        m = meta["issuer_notice"].search(text_line) or meta["issuer_label"].search(text_line)
        if m:
            issuer = m.group("issuer").strip()
            parts = issuer.split()  # two issuers side by side take the first; a name with a space in it stays whole
            issuer = _joint([issuer], g) or _clean_title(parts[0] if all(meta["issuer_line"].match(x) for x in parts) else issuer)
            issuer = _run_together(issuer, g)
            break

    date = None
    # the sign-off at the end (before any annex or table), else the notice's sign-off before the plan
    last_signoff = None
    for last_signoff in meta["signoff_date"].finditer(text, head_end):  # noqa: B007 - the last one is wanted
        pass
    tail_start = max(0, len(text) - 2000) if last_signoff is None else text.rfind("\n", 0, max(0, last_signoff.start() - 600)) + 1
    tail_end = len(text) if last_signoff is None else last_signoff.end()
    # the notice's sign-off may stand below a web page's block of fields: look further than the title does
    notice = _lines(text, 0, head_end)[:_NOTICE_LINES]
    for lines in (_lines(text, tail_start, tail_end)[-_TAIL_LINES:], notice):
        for k in range(len(lines) - 1, -1, -1):
            m = _signoff(lines, k, g)
            if m:
                date = _iso(m.group("year"), m.group("month"), m.group("day"))
                if issuer is None and m.groupdict().get("issuer"):
                    issuer = m.group("issuer")  # "巴中市恩阳区人民政府    2022年7月25日" on one line
                # stacked co-issuers above the date: the first one leads (climbed over the whole
                # text: a list of 9 issuers runs past the window the date was found in)
                from_pos = max(0, lines[k].start - 3000)
                above = _lines(text, from_pos, lines[k].start)[1 if from_pos else 0 :]  # whole lines only
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
                if issuer is None and top < len(names):
                    issuer = _joint([meta["issuer_line"].match(n).group("issuer") for n in names[top:]], g)
                if issuer is None and top < len(names):
                    first = meta["issuer_line"].match(names[top]).group("issuer")
                    left = _COLUMN_GAP.split(first)[0].split()[0]  # two issuers side by side: the left one
                    issuer = _clean_title(left if meta["issuer_line"].match(left) else _COLUMN_GAP.split(first)[0])
                break
        if date:
            break
    if date is None:
        for text_line in [ln.text for ln in head] + fields:
            m = meta["date_label"].search(text_line)
            if m:
                date = _iso(m.group("year"), m.group("month"), m.group("day"))
                break

    if date is None or issuer is None:
        date, issuer = _imprint(text, date, issuer, g)
    if issuer is None:
        issuer = _cover_issuer(head, g)
    seat = _region(issuer, g)
    region = _region(title, g) or seat
    if region and seat and len(seat) > len(region) and g.meta["region_lead"].sub("", title or "").startswith(seat):
        region = seat  # the title names the issuer's own district (济宁市任城区…, by 济宁市任城区人民政府)
    if region is None and _issuer_level(issuer, g) == "province":
        region = _named_province(text, g)  # 省完善促进消费体制机制厅际联席会议: the province its text names
    period = _period(title, g) or _issued_period(text, head_end, title, g)
    draft = any(meta["draft"].search(ln.text) for ln in head if len(ln.text) <= 40) or bool(title and meta["draft"].search(title))
    return Metadata(
        title=title,
        title_span=title_span,
        doc_number=doc_number,
        issuer=issuer,
        date=date,
        region=region,
        admin_level=_admin_level(region, g) or _issuer_level(issuer if region is None else None, g),
        period=period,
        draft=draft,
    )
