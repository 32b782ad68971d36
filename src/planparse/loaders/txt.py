"""Plain text: BOM, UTF-8, GB18030 (a superset of GBK and GB2312) and UTF-16 detection.

>>> decode("一、总体要求".encode("gb18030"))[1]
'gb18030'
>>> decode(b"\\xef\\xbb\\xbf\\xe4\\xb8\\x80")
('一', 'utf-8-sig')
"""

from __future__ import annotations

import codecs

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: Chinese text has many zero bytes in ASCII positions, on one side."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_zeros = sample[0::2].count(0)
    odd_zeros = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_zeros > half * 0.2 and even_zeros < half * 0.02:
        return "utf-16-le"
    if even_zeros > half * 0.2 and odd_zeros < half * 0.02:
        return "utf-16-be"
    return None


def decode(data: bytes) -> tuple[str, str] | None:
    """Return (text, encoding name) or None when the bytes are no text we know."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                return None
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return data.decode(utf16), "utf-16"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text, "gb18030"


def is_probably_text(text: str) -> bool:
    """Reject binary that happened to decode: too many control characters."""
    if not text:
        return True
    sample = text[:20000]
    bad = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f\v")
    return bad <= len(sample) * 0.01
