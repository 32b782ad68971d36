"""Input loading: bytes → ``Loaded`` (text + page map + Source). Format is sniffed from content.

Only TXT is decoded here in-process; PDF and DOCX loaders import their libraries lazily so a
TXT conversion never pays for them.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from planparse.errors import InputError, shown
from planparse.loaders.base import Loaded
from planparse.loaders.txt import decode, is_probably_text
from planparse.models import Source
from planparse.options import Options

if TYPE_CHECKING:
    from planparse.grammar import Grammars

__all__ = ["Loaded", "load", "load_bytes", "sniff_format", "text_source"]

def sniff_format(data: bytes) -> str:
    """txt / pdf / docx / doc / html / zip, from magic bytes and text sniffing, not the extension."""
    head = data[:2048]
    if head.lstrip()[:5] == b"%PDF-" or b"%PDF-" in data[:1024]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a zip; or an empty one, its end record alone
        return "docx" if b"word/" in data[:200000] or b"[Content_Types].xml" in data[:200000] else "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "doc"
    lowered = head.lower()
    if b"<html" in lowered or b"<!doctype html" in lowered or (b"<body" in lowered and b"<p" in lowered):
        return "html"
    return "txt"


def text_source(text: str, path: str | None = None) -> Source:
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # no JSON, database or file could take the plan's text (it raised UnicodeEncodeError)
        raise InputError(path, "decode-failed", "the text holds lone surrogates (bytes decoded with errors='surrogateescape'?)") from None
    return Source(path=shown(path) if path else path, format="txt", sha256=hashlib.sha256(data).hexdigest())


def load_bytes(data: bytes, path: str | None = None, format: str | None = None, options: Options | None = None, grammars: Grammars | None = None) -> Loaded:
    """Load bytes of any supported format; ``path`` names the input in errors and in its Source. ``grammars``:
    what names a PDF task table's columns where no rules draw it (None: the shipped grammars)."""
    path = shown(path) if path else path  # a name with bytes that are not UTF-8 (os.fsdecode's surrogates)
    name = path or "<bytes>"
    opts = Options.resolve(options)
    if len(data) > opts.max_bytes:
        raise InputError(name, "too-large", f"input is {len(data)} bytes, over the {opts.max_bytes} byte limit")
    if not data.strip():
        raise InputError(name, "empty", "the file is empty")
    fmt = format or sniff_format(data)
    sha = hashlib.sha256(data).hexdigest()
    if fmt == "pdf":
        from planparse.loaders.pdf import load_pdf

        return load_pdf(data, name, sha, opts, grammars)
    if fmt == "docx":
        from planparse.loaders.docx import load_docx

        return load_docx(data, name, sha, opts)
    if fmt == "doc":
        from planparse.loaders.doc import load_doc

        return load_doc(data, name, opts)
    if fmt == "zip":
        raise InputError(name, "unsupported-format", "a zip archive that is not a Word document")
    if fmt == "html":
        from planparse.loaders.html import load_html

        return load_html(data, name, sha)
    decoded = decode(data)
    if decoded is None or not is_probably_text(decoded[0]):
        raise InputError(name, "decode-failed", "not UTF-8, GB18030 or UTF-16 text (binary or corrupt)")
    text, encoding = decoded
    if len(text) > opts.max_text_chars:
        raise InputError(name, "too-large", f"{len(text)} characters of text, over the {opts.max_text_chars} limit")
    return Loaded(text=text, source=Source(path=path, format="txt", sha256=sha, encoding=encoding))


def load(path: str | Path, format: str | None = None, options: Options | None = None, grammars: Grammars | None = None) -> Loaded:
    """Read a file and load it; a missing or unreadable file is an InputError naming it."""
    p = Path(path)
    name = shown(str(path)).replace("\0", "\\0")
    if not name:  # Path("") is the current folder
        raise InputError("''", "not-found", "an empty file name")
    try:
        if p.is_dir():
            raise InputError(name, "not-a-file", "is a directory, not a plan file")
        size = p.stat().st_size
        limit = Options.resolve(options).max_bytes
        if size > limit:
            raise InputError(name, "too-large", f"file is {size} bytes, over the {limit} byte limit")
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(name, "not-found", "no such file") from None
    except PermissionError:
        raise InputError(name, "unreadable", "permission denied") from None
    except OSError as err:
        raise InputError(name, "unreadable", err.strerror or str(err)) from None
    except ValueError:  # a NUL in the name: no file can have it (os.stat raised ValueError)
        raise InputError(name, "not-found", "not a file name: it holds a NUL character") from None
    return load_bytes(data, name, format, options, grammars)
