"""The plan's title among the lines before its first heading (``metadata.extract_metadata`` asks).

Runs of short lines without sentence punctuation, joined, that end in a document-type word (方案,
意见 …); inside a notice ``关于印发《X》的通知`` the plan's own title X, its own line when the plan
repeats it. The masthead (某省人民政府办公厅文件), the document number, annex labels, draft marks and
a web page's breadcrumb (首页 > 政策文件 > 正文) are no part of a title.

>>> from planparse.grammar import load_grammars
>>> find_title(split_lines("某省人民政府文件\\n某县农村公路养护实施方案", 0, 28), load_grammars())[0]
'某县农村公路养护实施方案'
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import regex

from planparse import rx
from planparse.grammar import Grammars
from planparse.models import Span

_BRACKET_LINE = rx.compile(r"[（(][^（）()]{1,20}[）)]")
_TITLE_SPAN = 3  # lines a title may run over
_NOTICE_SPAN = 5  # lines a notice's title may run over: the issuer, 关于印发, the plan's title wrapped, 的通知
_TITLE_PUNCT = rx.compile(r"[。；，,：:]")
_DATE_LINE = rx.compile(r"[0-9〇零一二三四五六七八九十○]{1,4}[ \t]*年[ \t]*[0-9〇零一二三四五六七八九十○]{1,2}[ \t]*月[ \t]*[0-9〇零一二三四五六七八九十○]{1,3}[ \t]*日")
_TITLE_MARKS = rx.compile(r"[《》〈〉<>“”\"]")  # dropped or changed when a notice restates a title
_HALF_BRACKETS = str.maketrans("（）", "()")
# a tag has an ASCII name (<p>, <br/>, <span style="…">): 关于印发<某某方案>的通知 sets a title in <>
_HTML = rx.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:[ \t][^<>\n]*)?/?>|&(?:nbsp|ensp|emsp|amp|quot|lt|gt|#[0-9]{2,5});")
_CELL = rx.compile(r"[^|｜]+")  # a line, or each cell of a table flattened with | between cells
_CJK_GAP = rx.compile(r"(?<=[\p{Han}）)”])[ \t\u3000]+|[ \t\u3000]+(?=[\p{Han}（(“])")


@dataclass
class Line:
    start: int
    end: int
    text: str


def split_lines(text: str, start: int, end: int) -> list[Line]:
    """The lines of text[start:end]; HTML left in a web page's TXT copy (<p>, </span>, &nbsp;) reads
    as spaces of its own width, so a line's text still lines up with its span."""
    out: list[Line] = []
    pos = start
    while pos < end:
        stop = end if (nl := text.find("\n", pos, end)) == -1 else nl
        out.append(Line(pos, stop, _HTML.sub(lambda m: " " * len(m.group()), text[pos:stop])))
        pos = stop + 1
    return out


def clean_title(s: str) -> str:
    return _CJK_GAP.sub("", s).strip()


def find_title(head: list[Line], g: Grammars) -> tuple[str | None, Span | None]:
    meta = g.meta
    notice_title: tuple[str, int, int] | None = None
    # a web page's index table flattened to one line sets its cells apart by | (标 题: | 某部关于印发…的通知 |): each cell
    cells = (Line(ln.start + c.start(), ln.start + c.end(), c.group()) for ln in head for c in _CELL.finditer(ln.text))
    for ln in cells:
        m = meta["notice"].search(ln.text)
        # the notice that wraps the plan is a title line, not a citation inside a paragraph
        if m and len(ln.text) <= 100 and "。" not in ln.text and not ln.text.startswith(("根据", "按照", "依据")):
            notice_title = (m.group("title"), ln.start + m.start("title"), ln.start + m.end("title"))
            break
    if notice_title:
        want = clean_title(notice_title[0])
        return _own_title(want, head, g) or (want, Span((notice_title[1], notice_title[2])))
    # runs of short lines without sentence punctuation, joined, ending in a document-type word: date and
    # issuer lines end a run; annex marks, document numbers, draft marks and the masthead are skipped
    runs: list[list[Line]] = [[]]
    wrapped = _wrapped_masthead(head, g)
    for ln in head:
        if (inline := inline_masthead(ln.text, g)) and not _masthead(ln.text.strip(), g):
            rest = ln.text[inline[1] :]  # what follows the masthead on its line: the number, or the title
            if not rest.strip() or meta["doc_number"].fullmatch(rest.strip().strip("（()）")):
                continue
            ln = Line(ln.start + inline[1], ln.end, rest)
        t = ln.text.strip()
        if ln.start in wrapped or meta["annex_line"].match(t) or meta["doc_number"].fullmatch(t.strip("（()）")) or meta["draft"].fullmatch(t) or _masthead(t, g):
            continue
        if meta["breadcrumb"].search(t):
            runs.append([])  # a web page's navigation (首页 > 政策文件 > 正文) is no title's line
            continue
        if len(t) > 60 or _TITLE_PUNCT.search(t) or _DATE_LINE.search(t) or meta["issuer_line"].match(t):
            runs.append([])
        elif not runs[-1] and (_BRACKET_LINE.fullmatch(clean_title(t)) or meta["copy_note_line"].match(t)):
            # a bracket goes on with a title above it; alone it opens none, nor does the note under a sign-off
            # ((此件公开发布), a PDF's page number run onto it: (此件主动公开)—2—)
            continue
        elif not (runs[-1] and clean_title(runs[-1][-1].text) == clean_title(t)):
            runs[-1].append(ln)  # a web page sets the title twice (its page title, then the document's)
    # a notice's title first (关于印发…的通知 over two lines), before a web page's own title over it
    for notice_only in (True, False):
        for run in runs:
            found = _title_in_run(run, head, g, notice_only)
            if found[0]:
                return found
    return _labelled_title(head, g)


def _labelled_title(head: list[Line], g: Grammars) -> tuple[str | None, Span | None]:
    """The title a web page's index table labels 名称 or 标题, in the label's cell (名称：某方案) or the
    next (名称 | 某县…工作方案 |), when no line of its own gives one."""
    for ln in head:
        cells = list(_CELL.finditer(ln.text))
        for k, cell in enumerate(cells):
            label = g.meta["title_field"].match(cell.group())
            if label is None or not label.group().strip() or (label.end() < len(cell.group()) and not label.group()[-1].isspace() and label.group()[-1] not in "：:"):
                continue  # 名称 | …, 名称：…, not a word that opens with 名称
            value = cell if cell.group()[label.end() :].strip() else (cells[k + 1] if k + 1 < len(cells) else None)
            text = value.group()[label.end() :] if value is cell else value.group() if value else ""
            if clean_title(text) and g.meta["title_suffix"].search(clean_title(text)) and not g.meta["notice"].search(text):
                start = ln.start + value.start() + (label.end() if value is cell else 0)
                return clean_title(text), Span((start, start + len(text)))
    return None, None


def number_after_notice(line: str, g: Grammars) -> str | None:
    """某办发〔2017〕2号 of "…印发《…》的通知(某办发〔2017〕2号)": the notice's own number closing its title
    line; a number cited in a sentence (…的通知》（国发〔2013〕37号）要求) is no title line's."""
    if "。" in line or len(line) > 120 or not g.meta["notice"].search(line):
        return None
    m = regex.search(r"[（(][ \t]*" + g.meta["doc_number"].pattern + r"[ \t]*[）)][ \t]*$", line)
    return regex.sub(r"[ \t]+", "", m.group("num")) if m and line[: m.start()].rstrip().endswith("通知") else None


def number_before_title(ln: Line, g: Grammars) -> tuple[str, Line] | None:
    """A web page's title line that opens with the document's number, apart by a space (财科教【2017】6号
    财政部 科技部…的通知) or set before the title in 《》 (某发〔2016〕4号《某部关于印发…的通知》): the number,
    and the line from the title on."""
    m = regex.match(r"[ \t\u3000]*" + g.meta["doc_number"].pattern + r"(?:[ \t\u3000]+(?=\S)|(?=《))", ln.text)
    if m is None or not g.meta["title_suffix"].search(_loose(clean_title(ln.text[m.end() :]))):
        return None
    return regex.sub(r"[ \t]+", "", m.group("num")), Line(ln.start + m.end(), ln.end, ln.text[m.end() :])


def masthead_issuer(line: str, g: Grammars) -> str | None:
    """The issuer a masthead (版头, GB/T 9704) names over the number and the title: the body's name
    and 文件 (某省人民政府办公厅文件), no part of the title. A PDF's text layer spaces out its large
    type (某市人民政府办公室文 件, 文　件): the line is read without its gaps."""
    name = g.meta["masthead_end"].sub("", line)
    m = g.meta["issuer_line"].match(name) if name != line else None
    return m.group("issuer").strip() if m else None


def _masthead(line: str, g: Grammars) -> bool:
    """A masthead, its place's name lost too (行政公署文件 under an image of 兴安盟): a short line ending in
    文件 that issues nothing (no 关于, no 印发) heads no title."""
    if masthead_issuer(line, g) is not None:
        return True
    name = clean_title(g.meta["masthead_end"].sub("", line))
    return name != clean_title(line) and len(name) <= 10 and "关于" not in name and "印发" not in name


def inline_masthead(line: str, g: Grammars) -> tuple[str, int] | None:
    """A masthead a web copy runs into one line with what stands around it (首页>政策文件 某市人民政府办公室文件
    某政办发〔2023〕5号): the issuer it names and where it ends."""
    if "。" in line:
        return None  # a sentence (按照市政府文件（…）要求): no masthead
    for m in g.meta["inline_masthead"].finditer(line):
        if (name := g.meta["issuer_line"].match(m.group("name"))) and not m.group("name").startswith(("根据", "按照", "依据")):
            return name.group("issuer").strip(), m.end()
    return None


def find_masthead(head: list[Line], g: Grammars) -> str | None:
    """The issuer the masthead names, on its line or wrapped over two (某市人民政府办公室 / 文　件), or run
    into a line of a web copy."""
    for upper, lower in itertools.pairwise([*head, Line(0, 0, "")]):
        if found := masthead_issuer(upper.text, g):
            return found
        if len(lower.text.strip()) <= 4 and (found := masthead_issuer(upper.text + lower.text, g)):
            return found
    return next((found[0] for ln in head if (found := inline_masthead(ln.text, g))), None)


def _wrapped_masthead(head: list[Line], g: Grammars) -> set[int]:
    """The starts of the two lines of a masthead wrapped in large type (某省生态环境厅办公室文 / 件,
    as a PDF sets it): neither is part of the title below."""
    out: set[int] = set()
    for upper, lower in itertools.pairwise(head):
        if len(lower.text.strip()) <= 4 and _masthead(clean_title(upper.text + lower.text), g):
            out |= {upper.start, lower.start}
    return out


def _title_in_run(head: list[Line], all_lines: list[Line], g: Grammars, notice_only: bool = False) -> tuple[str | None, Span | None]:
    """The first title in a run of short lines: up to 3 lines joined (5 for a notice's), the longest that ends in a
    document-type word (…实施方案 / …实施方案 + 的通知); inside a notice, the plan it issues (with
    ``notice_only``, that one only)."""
    meta = g.meta
    for i in range(len(head)):
        found: tuple[str, list[Line]] | None = None
        for j in range(i, min(i + _NOTICE_SPAN, len(head))):
            joined = clean_title("".join(p.text for p in head[i : j + 1]))
            if j - i >= _TITLE_SPAN and not meta["notice"].search(joined):
                continue  # only a notice's title runs over more than 3 lines (某市人民政府关于印发 / … / … / 的通知)
            if meta["title_suffix"].search(joined) and not meta["draft"].fullmatch(joined):
                found = (joined, head[i : j + 1])
        if found is None:
            continue
        joined, parts = found
        notice = meta["notice"].search(joined)
        if notice:  # a notice title over several lines: the plan is the document it issues
            want = clean_title(notice.group("title"))
            return _own_title(want, all_lines, g) or (want, Span((parts[0].start, parts[-1].end)))
        if not notice_only:
            return joined, Span((parts[0].start, parts[-1].end))
    return None, None


def _loose(title: str) -> str:
    """A title as a notice may restate it: inner 《》 dropped or turned to 〈〉, brackets of either width."""
    return _TITLE_MARKS.sub("", title).translate(_HALF_BRACKETS)


def _own_title(want: str, lines: list[Line], g: Grammars) -> tuple[str, Span] | None:
    """The plan's title on its own line below the notice, with the line under it when that is a
    bracket the title goes on with ((2024—2027年)): a notice title often leaves the period out."""
    for k, ln in enumerate(lines):
        own = clean_title(ln.text)
        if _loose(own) != _loose(want) or (own.startswith("《") and own.endswith("》") and own.count("《") == 1):
            continue  # a line the title fills in 《》 cites it (现将 / 《…》 / 印发给你们, a sentence wrapped): no own line
        want = own  # the plan's own line keeps the marks a notice drops (《RCEP》 → RCEP)
        below = clean_title(lines[k + 1].text) if k + 1 < len(lines) else ""
        if _BRACKET_LINE.fullmatch(below) and not g.heading_at(below) and g.meta["title_suffix"].search(want + below):
            return want + below, Span((ln.start, lines[k + 1].end))
        return want, Span((ln.start, ln.end))
    for ln in lines:  # the notice left the place out (关于印发安全生产“十三五”规划的通知 / 某市某区安全生产“十三五”规划)
        own = _loose(clean_title(ln.text))
        place = g.meta["region"].match(own) if len(own) <= 60 and own.endswith(_loose(want)) else None
        if place and place.end() == len(own) - len(_loose(want)):
            return clean_title(ln.text), Span((ln.start, ln.end))
    return None

