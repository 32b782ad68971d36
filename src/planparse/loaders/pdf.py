"""PDF: pdfplumber text per page, a page map, running headers and footers removed.

pdfplumber (and pdfminer.six under it) are imported here only, so TXT never pays for them.
Repeated first/last lines across pages (an issuing office line, page numbers) are dropped
by repetition, not by a fixed list; noise.toml then removes remaining page-number lines.
"""

from __future__ import annotations

import io
import re
from collections import Counter

from planparse.errors import InputError
from planparse.loaders.base import Loaded
from planparse.models import Source

MAX_PAGES = 2000
_DIGITS = re.compile(r"[0-9０-９]+")


def _band_key(line: str) -> str:
    return _DIGITS.sub("#", line.strip())


def _strip_running(pages: list[list[str]]) -> list[list[str]]:
    """Drop first/last lines that repeat (digits ignored) on at least half the pages."""
    if len(pages) < 3:
        return pages
    counts: Counter[str] = Counter()
    for lines in pages:
        band = {_band_key(x) for x in lines[:2] + lines[-2:] if x.strip()}
        counts.update(band)
    limit = max(2, len(pages) // 2)
    running = {k for k, n in counts.items() if n >= limit and len(k) <= 40}
    out = []
    for lines in pages:
        keep = list(lines)
        for _idx in (0, 1):
            if keep and _band_key(keep[0]) in running:
                keep.pop(0)
        for _idx in (0, 1):
            if keep and _band_key(keep[-1]) in running:
                keep.pop()
        out.append(keep)
    return out


def load_pdf(data: bytes, name: str, sha: str) -> Loaded:
    try:
        import pdfplumber
        from pdfminer.pdfdocument import PDFPasswordIncorrect
    except ImportError:  # pragma: no cover - the pdf extra is part of the default install
        raise InputError(name, "unsupported-format", "PDF support needs pdfplumber: pip install 'planparse[pdf]'") from None
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PDFPasswordIncorrect:
        raise InputError(name, "encrypted", "the PDF is encrypted; save an unencrypted copy first") from None
    except Exception as err:
        raise InputError(name, "corrupt", f"not a readable PDF ({type(err).__name__})") from None
    with pdf:
        n = len(pdf.pages)
        if n > MAX_PAGES:
            raise InputError(name, "too-large", f"{n} pages, over the {MAX_PAGES} page limit")
        pages: list[list[str]] = []
        try:
            for page in pdf.pages:
                pages.append((page.extract_text() or "").split("\n"))
                page.flush_cache()
        except Exception as err:
            raise InputError(name, "corrupt", f"cannot read the PDF's pages ({type(err).__name__})") from None
    if not any(x.strip() for lines in pages for x in lines):
        raise InputError(name, "no-text-layer", f"no text layer in {n} page(s): a scan; run OCR first (e.g. ocrmypdf --language chi_sim)")
    pages = _strip_running(pages)
    text_parts: list[str] = []
    starts: list[int] = []
    pos = 0
    for lines in pages:
        starts.append(pos)
        chunk = "\n".join(lines) + "\n\f\n"
        text_parts.append(chunk)
        pos += len(chunk)
    return Loaded(text="".join(text_parts), source=Source(path=name, format="pdf", sha256=sha, pages=n), page_starts=starts)
