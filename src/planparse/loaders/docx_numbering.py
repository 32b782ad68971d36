"""Word automatic numbering (numbering.xml) rendered as the reader sees it: 一、 （一） 1. ①.

A paragraph is numbered by its own ``w:numPr`` or its style's (through ``basedOn``; a paragraph
that names only a level takes the list from its style). Lists (``w:num``) that share one abstract
definition share its counters, as Word continues them; one that overrides a start value is a list
of its own (Word's "restart numbering").
"""

from __future__ import annotations

import re
from typing import Any

from planparse.numerals import cn_numeral

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_ZHIZHI = "子丑寅卯辰巳午未申酉戌亥"
_IDEO_PAREN = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"
_IDEO_CIRCLE = "㊀㊁㊂㊃㊄㊅㊆㊇㊈㊉"
_PAREN = "⑴⑵⑶⑷⑸⑹⑺⑻⑼⑽⑾⑿⒀⒁⒂⒃⒄⒅⒆⒇"
_FULLSTOP = "⒈⒉⒊⒋⒌⒍⒎⒏⒐⒑⒒⒓⒔⒕⒖⒗⒘⒙⒚⒛"
_COUNTING = {"chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "ideographLegalTraditional", "taiwaneseCounting", "japaneseCounting"}
# formats whose glyphs run out: past the last one Word falls back to plain digits
_SERIES = {
    "decimalEnclosedCircle": _CIRCLED, "decimalEnclosedCircleChinese": _CIRCLED, "ideographTraditional": _TIANGAN,
    "ideographZodiac": _ZHIZHI, "ideographParenthesized": _IDEO_PAREN, "ideographEnclosedCircle": _IDEO_CIRCLE,
    "decimalEnclosedParen": _PAREN, "decimalEnclosedFullstop": _FULLSTOP,
}
_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def number_text(fmt: str, n: int) -> str:
    """``n`` in Word number format ``fmt``."""
    if fmt in _COUNTING:
        return cn_numeral(n)
    if fmt in _SERIES and 1 <= n <= len(_SERIES[fmt]):
        return _SERIES[fmt][n - 1]
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return str(n).translate(str.maketrans("0123456789", "〇一二三四五六七八九"))
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n) if fmt == "lowerRoman" else _roman(n).upper()
    if fmt in ("lowerLetter", "upperLetter"):
        return chr(ord("a" if fmt == "lowerLetter" else "A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(n)


def _val(el: Any, default: str) -> str:
    return default if el is None else el.get(f"{W}val", default)


_Level = tuple[str, str, int, bool]  # format, lvlText, start, isLgl


class Numbering:
    """Counters for Word lists: numId → its levels, its counters (shared per abstract list) and values."""

    def __init__(self, document: Any) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}
        self.list_of: dict[str, str] = {}  # numId → whose counters it advances
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        self.based: dict[str, str] = {}
        self.level_style: dict[tuple[str, str], int] = {}  # (numId, styleId) → the level that style is tied to
        # numId → level → w:lvlRestart: the level restarts only after an item of a level above this
        # one-based level (0: never); without it, after an item of any level above
        self.restart: dict[str, dict[int, int]] = {}
        try:
            numbering = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            numbering = None
        if numbering is not None:
            self._read_numbering(numbering)
        try:
            styles = document.styles.element
        except (KeyError, AttributeError):
            styles = None
        for st in styles.iter(f"{W}style") if styles is not None else ():
            sid = st.get(f"{W}styleId", "")
            if (based := st.find(f"{W}basedOn")) is not None:
                self.based[sid] = _val(based, "")
            if (np := st.find(f"{W}pPr/{W}numPr")) is not None:
                num, lvl = np.find(f"{W}numId"), np.find(f"{W}ilvl")
                self.style_num[sid] = (None if num is None else _val(num, ""), None if lvl is None else int(_val(lvl, "0")))

    def _read_numbering(self, numbering: Any) -> None:
        abstract: dict[str, dict[int, _Level]] = {}
        restarts: dict[str, dict[int, int]] = {}
        tied: dict[str, dict[str, int]] = {}
        for an in numbering.iter(f"{W}abstractNum"):
            aid = an.get(f"{W}abstractNumId", "")
            abstract[aid], tied[aid], restarts[aid] = {}, {}, {}
            for lvl in an.iter(f"{W}lvl"):
                ilvl = int(lvl.get(f"{W}ilvl", "0"))
                fmt = _val(lvl.find(f"{W}numFmt"), "decimal")
                legal = lvl.find(f"{W}isLgl") is not None and _val(lvl.find(f"{W}isLgl"), "1") not in ("0", "false", "off")
                abstract[aid][ilvl] = (fmt, _val(lvl.find(f"{W}lvlText"), ""), int(_val(lvl.find(f"{W}start"), "1")), legal)
                if (rs := lvl.find(f"{W}lvlRestart")) is not None and _val(rs, "").isdigit():
                    restarts[aid][ilvl] = int(_val(rs, ""))
                if (ps := lvl.find(f"{W}pStyle")) is not None:
                    tied[aid][_val(ps, "")] = ilvl
        for num in numbering.iter(f"{W}num"):
            nid, aid = num.get(f"{W}numId", ""), _val(num.find(f"{W}abstractNumId"), "")
            lv = dict(abstract.get(aid, {}))
            own = False
            for ov in num.iter(f"{W}lvlOverride"):
                ilvl = int(ov.get(f"{W}ilvl", "0"))
                if (so := ov.find(f"{W}startOverride")) is not None and ilvl in lv:
                    fmt, text, _, legal = lv[ilvl]
                    lv[ilvl] = (fmt, text, int(_val(so, "1")), legal)
                    own = True
            self.levels[nid] = lv
            self.restart[nid] = restarts.get(aid, {})
            self.list_of[nid] = f"n{nid}" if own else f"a{aid}"
            for sid, ilvl in tied.get(aid, {}).items():
                self.level_style[(nid, sid)] = ilvl

    def _from_style(self, style: str) -> tuple[str | None, int | None]:
        num: str | None = None
        lvl: int | None = None
        for _ in range(20):  # a basedOn chain, cut short should it loop
            n, i = self.style_num.get(style, (None, None))
            num, lvl = num if num is not None else n, lvl if lvl is not None else i
            if (num is not None and lvl is not None) or style not in self.based:
                break
            style = self.based[style]
        return num, lvl

    def marker(self, p: Any) -> str:
        """The number text of paragraph ``p``, advancing the counters; '' when it is not numbered."""
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            return ""
        style = _val(ppr.find(f"{W}pStyle"), "")
        np = ppr.find(f"{W}numPr")
        num_el, lvl_el = (None, None) if np is None else (np.find(f"{W}numId"), np.find(f"{W}ilvl"))
        num_id = None if num_el is None else _val(num_el, "")
        ilvl = None if lvl_el is None else int(_val(lvl_el, "0"))
        if (num_id is None or ilvl is None) and style:
            s_num, s_lvl = self._from_style(style)
            num_id = num_id if num_id is not None else s_num
            if ilvl is None:
                ilvl = s_lvl if s_lvl is not None else self.level_style.get((num_id or "", style))
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        ilvl = ilvl or 0
        levels = self.levels[num_id]
        counters = self.counters.setdefault(self.list_of[num_id], {})
        fmt, text, start, legal = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1, False))
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        restart = self.restart.get(num_id, {})
        for deeper in [k for k in counters if k > ilvl and ilvl < restart.get(k, ilvl + 1)]:
            del counters[deeper]  # a new item restarts its sub-lists (those that restart after its level)

        def sub(m: re.Match[str]) -> str:
            k = int(m.group(1)) - 1
            f, _, s, _ = levels.get(k, ("decimal", "", 1, False))
            f = fmt if k == ilvl else ("decimal" if legal else f)  # a legal level shows the levels above in digits
            return number_text(f, counters.get(k, s))

        return re.sub(r"%([1-9])", sub, text)
