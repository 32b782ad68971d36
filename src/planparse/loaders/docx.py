"""DOCX: body paragraphs and tables in document order (python-docx, imported lazily).

Headers, footers and comments live in other parts of the package and are not read. Table
rows become lines with cells joined by a tab. The page count comes from docProps/app.xml.
"""

from __future__ import annotations

import io
import re
import zipfile

from planparse.errors import InputError
from planparse.loaders.base import Loaded
from planparse.models import Source

MAX_UNCOMPRESSED = 300 * 1024 * 1024
MAX_MEMBERS = 5000


def _check_zip(data: bytes, name: str) -> int | None:
    """Refuse zip bombs before inflating; return the page count from app.xml when present."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InputError(name, "corrupt", "not a valid .docx (the zip container is broken)") from None
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise InputError(name, "too-large", "the .docx would inflate beyond the size limit")
    if "word/document.xml" not in zf.namelist():
        raise InputError(name, "corrupt", "a zip file without word/document.xml")
    try:
        app = zf.read("docProps/app.xml").decode("utf-8", "replace")
    except KeyError:
        return None
    m = re.search(r"<Pages>(\d+)</Pages>", app)
    return int(m.group(1)) if m else None


def load_docx(data: bytes, name: str, sha: str) -> Loaded:
    pages = _check_zip(data, name)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError:  # pragma: no cover
        raise InputError(name, "unsupported-format", "DOCX support needs python-docx: pip install 'planparse[docx]'") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:
        raise InputError(name, "corrupt", f"not a readable .docx ({type(err).__name__})") from None
    lines: list[str] = []
    tables: list[list[list[str]]] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            rows = []
            for row in Table(child, document).rows:
                cells = [c.text.replace("\n", "") for c in row.cells]
                dedup = [c for i, c in enumerate(cells) if i == 0 or c != cells[i - 1]]
                rows.append(dedup)
                lines.append("\t".join(dedup))
            tables.append(rows)
    text = "\n".join(lines)
    if not text.strip():
        raise InputError(name, "empty", "the document has no text")
    return Loaded(text=text, source=Source(path=name, format="docx", sha256=sha, pages=pages), tables=tables)
