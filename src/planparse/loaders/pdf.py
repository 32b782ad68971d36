"""PDF: text per page in reading order, a page map, running headers and footers removed.

Text comes from pypdfium2 (PDFium; it ships with pdfplumber), about 20× faster than
pdfminer's layout analysis. Pages that carry ruled tables (many line and rectangle objects)
also go through pdfplumber, the one library here that reads ruled tables cell by cell: their
table text is replaced by one line per row, cells separated by a tab, which the task-table
extractor reads; a row or a merged cell that a page break cuts is read as one (``pdf_tables``).
Both libraries are imported inside the functions that use them, so TXT never pays for them.

Running headers and footers (an issuing office line, ``— 3 —``, ``第3页 共10页``, bare page
numbers) are found by repetition across pages at the top or bottom band, not by a fixed list, and
on two pages by where they are printed (``pdf_running``).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING

from planparse.errors import InputError
from planparse.loaders.base import INDENT as _INDENT
from planparse.loaders.base import MARGIN_MARK, Loaded
from planparse.loaders.pdf_running import Edge, page_edges, strip_running
from planparse.loaders.pdf_tables import TablePage, join_pages, read_table_page
from planparse.loaders.pdf_unruled import UnruledPage, join_unruled, looks_like_header, read_unruled_page
from planparse.models import Source
from planparse.options import Options

if TYPE_CHECKING:
    from planparse.grammar import Grammars

# Thin rules before a page is read as holding a ruled table: a table of one row (the last row of a
# task table, alone on the last page) draws two horizontal rules, and a vertical one per column edge;
# a frame or a box around a paragraph draws two verticals only.
_MIN_HORIZONTAL, _MIN_VERTICAL = 2, 3


_SCRAMBLED = re.compile(r"[“‘][ \t]*[”’]|(?:^|\n)[ \t]*[“”‘’]+[ \t]*(?:\r?\n|$)")


def _plumber_lines(data: bytes, index: int) -> list[str] | None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data), pages=[index + 1]) as pdf:
        text = pdf.pages[0].extract_text() or ""
    return [_closed_up(x) for x in text.split("\n")] if text.strip() else None


_NARROW_GLYPHS = frozenset("，。、；：！？）】〕》〉」』”’")  # drawn in the left half of their square
_OPENING_GLYPHS = frozenset("（【〔《〈「『“‘")  # drawn in the right half
_LARGE = 1.2  # glyphs this many times the body's height are a title's type
_LATIN_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%．％]*")  # a run a layout never breaks: 2000, 31.48%, IP


# A letter-spaced line: PDFium (and pdfplumber) put a space in at every wide gap between characters,
# and a line set with extra character spacing, or stretched to the margins (两端对齐) around a long
# number, has a gap between nearly every two: 全 区 森 林 覆 盖 率. Those spaces are layout. A
# space alone on a line is kept: it is often meant (第一章　总则, two issuers side by side).
_CJK = r"\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff01-\uff60"
_CJK_CHAR = re.compile(f"[{_CJK}]")
_LAYOUT_SPACE = re.compile(rf"(?<=[{_CJK}]) (?=[{_CJK}0-9A-Za-z%])|(?<=[0-9A-Za-z%]) (?=[{_CJK}])")
_SINGLE_SPACE = re.compile(r"(?<=\S) (?=\S)")
_SPACED_MIN = 4  # spaces on a line before it may be letter-spaced
_WIDE_GAP = 1.8  # a gap this many times the line's usual one is a space meant in a letter-spaced line


def _letter_spaced(line: str) -> list[int]:
    """Where the layout spaces of a letter-spaced line are (offsets in ``line``): every single space there,
    between digits too (2 0 2 5 年); none on another line."""
    spaces = [m.start() for m in _LAYOUT_SPACE.finditer(line)]
    chinese = len(_CJK_CHAR.findall(line))
    # a short line spaced out between every two characters is letter-spaced too: the last line of a
    # title in large type set on a grid (品 牌, 实 施 意 见), a masthead's 文 件
    whole = bool(spaces) and all(len(word) == 1 and _CJK_CHAR.match(word) for word in line.split())
    if (len(spaces) < _SPACED_MIN and not whole) or 2 * len(spaces) < chinese - 1:
        return []
    return [m.start() for m in _SINGLE_SPACE.finditer(line)]


# Half-width punctuation beside Chinese: ( ) , / : ; and the quotes “ ” ‘ ’ when drawn in a Western
# font. Word and LibreOffice set a gap between Asian and Western text (中西文自动间距), and PDFium
# turns the gap into a space it generates: ( 一), 县( 市、区) 实施, 25微克/ 立方米, “ 十四五”. Such a space is
# never meant (a space the PDF holds stays); gaps.py closes the ones beside digits and Latin letters.
_PUNCT = r"!-/:-@\[-`{-~\u2010-\u2027"
_PUNCT_GAP = re.compile(rf"(?<=[{_PUNCT}]) (?=[{_CJK}])|(?<=[{_CJK}]) (?=[{_PUNCT}])")


def _without_layout_spaces(text: str, textpage, pdfium) -> str:  # type: ignore[no-untyped-def]
    """``text`` with its letter-spaced lines closed up: the spaces PDFium generated there go, but for a
    gap much wider than the line's usual one; a space the PDF itself holds stays. A generated space
    between Chinese and half-width punctuation goes on any line (``_PUNCT_GAP``)."""
    if len(text) != textpage.count_chars():  # offsets would not match the character boxes
        return text
    out, pos = [], 0
    for line in text.split("\r\n"):  # PDFium's lines: offsets match its character boxes
        drop = {m.start() for m in _PUNCT_GAP.finditer(line) if pdfium.raw.FPDFText_IsGenerated(textpage.raw, pos + m.start()) == 1}
        gaps = {}
        for k in _letter_spaced(line):
            if pdfium.raw.FPDFText_IsGenerated(textpage.raw, pos + k) == 1:
                gaps[k] = textpage.get_charbox(pos + k + 1)[0] - textpage.get_charbox(pos + k - 1)[2]
        if gaps:
            usual = sorted(gaps.values())[len(gaps) // 2]
            drop |= {k for k, gap in gaps.items() if gap <= _WIDE_GAP * usual}
        out.append("".join(ch for k, ch in enumerate(line) if k not in drop) if drop else line)
        pos += len(line) + 2
    return "\r\n".join(out)


def _closed_up(line: str) -> str:
    """A line from pdfplumber with its letter-spacing closed up and the gaps beside half-width punctuation
    (``_PUNCT_GAP``) closed: all its spaces are put in at gaps."""
    drop = set(_letter_spaced(line)) | {m.start() for m in _PUNCT_GAP.finditer(line)}
    return "".join(ch for k, ch in enumerate(line) if k not in drop) if drop else line


def _indented_lines(text: str, textpage, shown: str | None = None) -> list[str]:  # type: ignore[no-untyped-def]
    """The page's lines, a line that starts well right of the body margin marked as indented. ``text``
    is PDFium's (its offsets match the character boxes); the lines are ``shown``'s, the same lines with
    layout spaces taken out (``_without_layout_spaces``).

    PDFium gives text without the first-line indent that starts a paragraph; without it a
    sentence that ends at the right margin cannot be told from a paragraph's end. The margin is a
    low percentile of the lines' left edges; "well right" is 1.5 character heights. PDFium also
    ends a line where the font changes (a number in a Latin font: "0.6%" + "、1.0%…"): a line that
    goes on at the same height, right of where the one before ends, is the same printed line.
    """
    lines = (text if shown is None else shown).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(text) != textpage.count_chars():  # offsets would not match the character boxes
        return lines
    boxes: list[tuple[int, float, float, float, float] | None] = []  # (line, left, bottom, top, right of its last character)
    runs: list[float] = []  # width of the Latin run (digits, letters) each line starts with; 0 for none
    glyphs: list[tuple[float, float]] = []  # each line's glyph height and advance (its width a character)
    pos = 0
    pdfium_lines = text.split("\r\n")  # PDFium ends lines with CRLF: these offsets match its boxes
    for k, line in enumerate(pdfium_lines):
        lead, body = len(line) - len(line.lstrip()), line.rstrip()
        if body.strip():
            left, bottom, _right, top = textpage.get_charbox(pos + lead)
            right = textpage.get_charbox(pos + len(body) - 1)[2]
            boxes.append((k, left, bottom, top, right))
            run = _LATIN_RUN.match(body, lead)
            runs.append(textpage.get_charbox(pos + run.end() - 1)[2] - left if run else 0.0)
            glyphs.append((top - bottom, (right - left) / max(1, len(body.strip().replace(" ", "")))))
        else:
            boxes.append(None)
            runs.append(0.0)
            glyphs.append((0.0, 0.0))
        pos += len(line) + 2
    found = [b for b in boxes if b is not None]
    if len(found) < 4 or len(lines) != len(pdfium_lines):
        return lines
    margin = sorted(b[1] for b in found)[len(found) // 5]
    height = sorted(b[3] - b[2] for b in found)[len(found) // 2]
    right = sorted(b[4] for b in found)[len(found) * 9 // 10]  # the right margin, which body lines reach
    out: list[str] = []
    ends: list[float | None] = []  # where each output line ends on the page (None: it starts right of the indent)
    starts: list[int] = []  # the PDFium line each output line starts with
    prev: tuple[int, float, float, float, float] | None = None
    for k, box in enumerate(boxes):
        line = lines[k]
        if box is not None and prev is not None and out and height > 0:
            if abs(box[2] - prev[2]) < 0.3 * height and -0.2 * height <= box[1] - prev[4] < 0.5 * height:  # the same printed line, no gap
                out[-1] = out[-1].rstrip() + line.strip()
                prev = (prev[0], prev[1], prev[2], prev[3], box[4])
                ends[-1] = box[4] if ends[-1] is not None else None
                continue
        # an opening bracket is drawn in the right half of its square: such a line starts further right
        indent = box[1] - margin - (0.5 * height if line.lstrip()[:1] in _OPENING_GLYPHS else 0) if box is not None else 0.0
        if box is not None and height > 0 and indent >= 1.5 * height:
            line = _INDENT + line.lstrip()
        out.append(line)
        starts.append(k)
        # a line that starts far right of the margin (a signature, a date) is set flush right, not wrapped
        ends.append(box[4] if box is not None and indent < 3.5 * height else None)
        prev = box if box is not None else prev
    # a line that reaches the right margin wraps, whatever its characters' widths (digits in a
    # Latin font are wider than half a Chinese character): the normaliser is told so
    # a full-width comma, stop or closing bracket is drawn at the left of its square: such a line ends further left
    full = [e is not None and e >= right - (1.3 if x.rstrip()[-1:] in _NARROW_GLYPHS else 0.8) * height for x, e in zip(out, ends, strict=True)]
    # a number or a Latin word is set whole: one that does not fit at a line's end goes to the next line
    # (…投资规模超过 / 2000亿元), leaving the line short of the margin by up to that run's width
    for j in range(len(out) - 1):
        e, run = ends[j], runs[starts[j + 1]]
        if not full[j] and e is not None and run > 0 and not out[j + 1].startswith(_INDENT) and e + run >= right - 0.8 * height:
            full[j] = True
    # a line in large type (a title in 2号小标宋) that wraps stops short of the margin by up to one of
    # its own glyphs, more than a body line's tolerance (…打响“上海服务” / 品牌), and goes on in the same
    # type (a masthead over the title, in larger type, is no wrap of it)
    for j in range(len(out) - 1):
        (size, advance), after = glyphs[starts[j]], glyphs[starts[j + 1]][0]
        e = ends[j]
        if not full[j] and e is not None and size > _LARGE * height and abs(after - size) <= 0.1 * size and e >= right - 1.1 * advance:
            full[j] = True
    if sum(full) < max(3, len(found) // 4):
        return out  # no run of text that fills the lines (a list, a form): no margin to tell
    return [x.rstrip() + MARGIN_MARK if f else x for x, f in zip(out, full, strict=True)]


def _garbled(pages: list[list[str]]) -> bool:
    """A text layer whose fonts carry no usable Unicode map: the characters come out as Latin-1
    accents, private-use or control codes (GBK bytes read as Latin-1: ÉúÌ¬»·¾³), with next to no
    Chinese. Parsed, it would give an empty plan with no reason; it needs OCR like a scan."""
    chars = [c for lines in pages for x in lines for c in x if not c.isspace()]
    if len(chars) < 20:
        return False
    chinese = sum(1 for c in chars if "\u3400" <= c <= "\u9fff")
    odd = sum(1 for c in chars if 0x80 <= ord(c) <= 0x2FF or 0xE000 <= ord(c) <= 0xF8FF or ord(c) < 0x20 or c == "\ufffd")
    return chinese < 0.05 * len(chars) and odd > 0.3 * len(chars)


def _ruled(page, pdfium) -> bool:  # type: ignore[no-untyped-def]
    """A ruled table draws thin horizontal and vertical lines; frames and shaded boxes do not."""
    horizontal = vertical = 0
    for obj in page.get_objects(max_depth=1):
        if obj.type != pdfium.raw.FPDF_PAGEOBJ_PATH:
            continue
        left, bottom, right, top = obj.get_bounds()
        width, height = right - left, top - bottom
        if height <= 2 and width >= 20:
            horizontal += 1
        elif width <= 2 and height >= 8:
            vertical += 1
    return horizontal >= _MIN_HORIZONTAL and vertical >= _MIN_VERTICAL


def _without_pages(data: bytes) -> bool:
    """Whether pdfminer reads a PDF that PDFium refused as one whose page tree holds no page. PDFium's
    message for it is its last error, from whichever PDF failed before in the process ("Success" in a
    fresh one). Only small files are tried: pdfminer repairs a broken cross-reference table by scanning."""
    if len(data) > 4 * 1024 * 1024:
        return False
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    try:
        return next(PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data)))), None) is None
    except Exception:  # unreadable to pdfminer too: PDFium's message stands
        return False


def load_pdf(data: bytes, name: str, sha: str, options: Options | None = None, grammars: Grammars | None = None) -> Loaded:
    """``grammars``: what names a task table's columns (None: the shipped grammars)."""
    opts = Options.resolve(options)
    try:
        import pypdfium2 as pdfium
    except ImportError:  # pragma: no cover - pypdfium2 comes with pdfplumber
        raise InputError(name, "unsupported-format", "PDF support needs pdfplumber (and its pypdfium2)") from None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower() or "security" in str(err).lower():
            raise InputError(name, "encrypted", "the PDF is encrypted; save an unencrypted copy first") from None
        if _without_pages(data):  # PDFium fails on it with a stale or "Success" error message
            raise InputError(name, "corrupt", "not a readable PDF (it has no pages)") from None
        raise InputError(name, "corrupt", f"not a readable PDF ({err})") from None
    except Exception as err:
        raise InputError(name, "corrupt", f"not a readable PDF ({type(err).__name__})") from None
    try:
        n = len(pdf)
        if n > opts.max_pages:
            raise InputError(name, "too-large", f"{n} pages, over the {opts.max_pages} page limit")
        pages: list[list[str]] = []
        tables: list[TablePage | None] = []
        unruled: list[UnruledPage | None] = []  # pages read as a table without rules (pdf_unruled)
        edges: list[tuple[Edge | None, Edge | None]] = []  # each page's first and last printed line
        for i in range(n):
            page = pdf[i]
            try:
                textpage = page.get_textpage()
                text = textpage.get_text_bounded()
                lines = _indented_lines(text, textpage, _without_layout_spaces(text, textpage, pdfium))
                edges.append(page_edges(text, textpage))
                ruled = _ruled(page, pdfium)
            finally:
                page.close()
            if _SCRAMBLED.search(text):
                # glyphs drawn out of reading order (quotes in a Western font): read by position
                lines = _plumber_lines(data, i) or lines
            table_page = None
            if ruled and text.strip():
                try:
                    table_page = read_table_page(data, i)
                except Exception:
                    table_page = None
                if table_page is not None:
                    lines = table_page.lines
            before = unruled[-1] if unruled else None
            loose = None
            if table_page is None and text.strip() and (looks_like_header(lines, grammars) or (before is not None and before.runs_on)):
                try:
                    loose = read_unruled_page(data, i, lines, before if before is not None and before.runs_on else None, grammars)
                except Exception:
                    loose = None
                if loose is not None:
                    lines = loose.lines
            pages.append(lines)
            tables.append(table_page)
            unruled.append(loose)
    except InputError:
        raise
    except Exception as err:
        raise InputError(name, "corrupt", f"cannot read the PDF's pages ({type(err).__name__})") from None
    finally:
        pdf.close()
    if not any(x.strip() for lines in pages for x in lines):
        raise InputError(name, "no-text-layer", f"no text layer in {n} page(s): a scan; run OCR first (e.g. ocrmypdf -l chi_sim in.pdf out.pdf)")
    if _garbled(pages):
        raise InputError(
            name, "garbled-text-layer", "the PDF's text layer does not decode to readable text (its fonts map no Unicode); run OCR first (e.g. ocrmypdf --force-ocr -l chi_sim in.pdf out.pdf)"
        )
    pages = strip_running(pages, edges)
    join_pages(pages, tables)
    join_unruled(pages, unruled)
    parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for lines in pages:
        starts.append(pos)
        chunk = "\n".join(lines) + "\n\f\n"
        parts.append(chunk)
        pos += len(chunk)
    return Loaded(text="".join(parts), source=Source(path=name, format="pdf", sha256=sha, pages=n), page_starts=starts, cells_repeated=True)
