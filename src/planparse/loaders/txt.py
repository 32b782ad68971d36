"""Plain text: BOM, UTF-8, GB18030 (a superset of GBK and GB2312) and UTF-16 detection.

>>> decode("一、总体要求".encode("gb18030"))[1]
'gb18030'
>>> decode(b"\\xef\\xbb\\xbf\\xe4\\xb8\\x80")
('一', 'utf-8-sig')
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _plausible(text: str) -> float:
    """Share of characters that Chinese plan text is made of: CJK, CJK punctuation, ASCII, full-width forms."""
    sample = text[:4000]
    if not sample:
        return 0.0
    good = sum(
        1
        for ch in sample
        if "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" or " " <= ch <= "~" or ch in "\n\r\t“”‘’、…—"
    )
    return good / len(sample)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: decodes to text that is almost all CJK, punctuation and ASCII."""
    if len(data) < 4 or len(data) % 2:
        return None
    best, best_score = None, 0.0
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            score = _plausible(data[:8000].decode(codec))
        except UnicodeDecodeError:
            continue
        if score > best_score:
            best, best_score = codec, score
    return best if best_score >= 0.95 else None


# A file whose bytes are one of our encodings but for a few that are not: one stray byte, or a file cut
# mid-character (a truncated download). Each bad byte becomes U+FFFD, visible where it was; more than
# one in _STRAY bytes is no such file (binary, or another encoding). UTF-8 is tried first: a GB18030
# reading of UTF-8 bytes decodes with few errors, as mojibake, while UTF-8 of GB18030 bytes fails at
# nearly every character. Before, one stray byte refused the whole plan (decode-failed).
_STRAY = 1000
# Fullwidth commas and full stops: Chinese prose is full of them. GB18030 decodes Big5 bytes (traditional
# Chinese, Taiwan and Hong Kong) without an error, as nonsense holding none of them.
_PUNCT = re.compile("[，。、；]")


def _punctuated(text: str) -> float:
    sample = text[:20000]
    return len(_PUNCT.findall(sample)) / max(1, len(sample))


def _big5(data: bytes, text: str) -> str | None:
    """The Big5 (cp950, Microsoft's Big5) reading of bytes that GB18030 read as unpunctuated nonsense."""
    if len(text) < 200 or _punctuated(text) >= 0.002:
        return None
    try:
        alt = data.decode("cp950")
    except UnicodeDecodeError:
        return None
    return alt if _punctuated(alt) >= 0.01 else None


def _lenient(data: bytes) -> tuple[str, str] | None:
    """UTF-8, else GB18030, with each undecodable byte as U+FFFD, when they are few (``_STRAY``)."""
    for codec in ("utf-8", "gb18030"):
        text = data.decode(codec, "replace")
        if text.count("\ufffd") <= max(1, len(data) // _STRAY):
            return text, codec
    return None


def decode(data: bytes) -> tuple[str, str] | None:
    """Return (text, encoding name) or None when the bytes are no text we know.

    >>> decode("一、总体要求，加强领导。".encode("utf-8")[:-1])  # cut mid-character
    ('一、总体要求，加强领导\ufffd', 'utf-8')
    >>> decode(bytes(range(128, 256)) * 8) is None
    True
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return data.decode(utf16), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return _lenient(data)
    big5 = _big5(data, text)
    return (big5, "big5") if big5 is not None else (text, "gb18030")


_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # below space, but for \t \n \v \f \r


def is_probably_text(text: str) -> bool:
    """Reject binary that happened to decode: too many control characters.

    >>> is_probably_text("一、总体要求\\r\\n\\t\\f"), is_probably_text("PK\\x03\\x04\\x00\\x00" * 10)
    (True, False)
    """
    if not text:
        return True
    sample = text[:20000]
    return len(_CONTROL.findall(sample)) <= len(sample) * 0.01
