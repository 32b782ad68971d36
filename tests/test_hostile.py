"""Hostile and broken input: planparse never hangs, never crashes, never writes where it should not.

Each case runs under a wall-clock guard (SIGALRM) so a regression shows as a failure, not a
hung CI; no test asserts how fast anything is. The fuzz run mutates real fixtures (byte flips,
truncations) for a fixed number of cases and accepts only planparse's own errors.
"""

from __future__ import annotations

import io
import os
import random
import signal
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import SAMPLES
from typer.testing import CliRunner

import planparse
from planparse import InputError, Options, PlanparseError
from planparse.cli import app

GUARD_SECONDS = 120


@contextmanager
def guard(seconds: int = GUARD_SECONDS) -> Iterator[None]:
    """Fail instead of hanging: a case that runs past ``seconds`` raises."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def minimal_pdf(pages: list[str] | list[bytes]) -> bytes:
    """A valid PDF written by hand: one line of ASCII text a page (empty string: no text at all), or
    bytes shown as they are in a Latin font with no Unicode map (how a PDF whose Chinese font lost its
    map reads: GBK bytes as Latin-1 letters)."""
    objs: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for text in pages:
        shown = f"<{text.hex()}>" if isinstance(text, bytes) else f"({text})"
        content = (f"BT /F1 12 Tf 72 720 Td {shown} Tj ET" if text else "0 0 m 100 100 l S 10 10 80 80 re f").encode()
        objs.append(f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream")
        content_id = len(objs)
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>".encode())
        kids.append(f"{len(objs)} 0 R")
    objs[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def docx_with_document_xml(xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    content_types = (
        b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        b'<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
    )
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", content_types)
        zf.writestr("_rels/.rels", rels)
        zf.writestr("word/document.xml", xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


W_NS = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _para(text: bytes) -> bytes:
    return b"<w:p><w:r><w:t>" + text + b"</w:t></w:r></w:p>"


# --- bounded work -------------------------------------------------------------------------

HUGE = {
    "2MB line, no punctuation": "测" * 2_000_000,
    "100,000 一、": "一、加强\n" * 100_000,
    "50,000 nested brackets": "（" * 50_000 + "牵头单位：县生态环境局" + "）" * 50_000,
    "10,000 unit names": "一、任务\n（一）加强监管。（牵头单位：" + "、".join(f"县局{i}" for i in range(10_000)) + "）",
    "1,000 numbers with % in one sentence": "一、目标\n" + "，".join(f"指标{i}达到{i % 100}%以上" for i in range(1_000)),
    "deep heading ladder x20,000": "".join("一、甲\n（一）乙\n1.丙\n（1）丁\n①戊\n" for _ in range(20_000)),
}


@pytest.mark.parametrize("text", list(HUGE.values()), ids=list(HUGE))
def test_huge_inputs_finish(text: str) -> None:
    with guard():
        plan = planparse.parse_text(text)
    assert all(0 <= t.span.start <= t.span.end <= len(plan.text) for t in plan.tasks)


def test_limits_are_enforced_and_configurable(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("一、总体要求\n" * 100, encoding="utf-8")
    with pytest.raises(InputError) as info:
        planparse.parse(path, options={"max_bytes": 100})
    assert info.value.code == "too-large" and str(path) in str(info.value)
    with pytest.raises(InputError) as info:
        planparse.parse(path, options=Options(max_text_chars=50))
    assert info.value.code == "too-large"
    with pytest.raises(ValueError, match="unknown option"):
        planparse.parse(path, options={"max_everything": 1})


def test_pdf_page_limit() -> None:
    data = minimal_pdf(["page one", "page two", "page three"])
    assert planparse.parse(data).source.pages == 3
    with pytest.raises(InputError) as info:
        planparse.parse(data, options={"max_pages": 2})
    assert info.value.code == "too-large"


def test_pdf_without_text_layer() -> None:
    with pytest.raises(InputError) as info:
        planparse.parse(minimal_pdf(["", ""]))
    assert info.value.code == "no-text-layer" and "2 page" in info.value.reason


def test_pdf_whose_text_layer_is_garbled() -> None:
    """Chinese whose font lost its Unicode map reads as Latin-1 accents: an error that says so, not an empty plan."""
    lines = ["一、总体要求", "（一）加强大气污染防治，到2025年细颗粒物浓度下降10%。（牵头单位：县生态环境局）"]
    with pytest.raises(InputError) as info:
        planparse.parse(minimal_pdf([x.encode("gb18030") for x in lines]))
    assert info.value.code == "garbled-text-layer" and "OCR" in info.value.reason
    assert planparse.parse(minimal_pdf(["Plan 2025: 10% less PM2.5 by the end of 2025, led by the county bureau"])).source.format == "pdf"


# --- no code or entity execution -----------------------------------------------------------


def test_billion_laughs_in_docx_is_not_expanded() -> None:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    xml = b'<?xml version="1.0"?><!DOCTYPE w:document [' + entities + b"]><w:document " + W_NS + b"><w:body>" + _para(b"&lol9;") + _para("一、总体要求".encode()) + b"</w:body></w:document>"
    with guard(60):
        try:
            plan = planparse.parse(docx_with_document_xml(xml))
        except PlanparseError:
            return  # refused: fine
    assert "lol" * 100 not in plan.text


def test_xxe_in_docx_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT", encoding="utf-8")
    xml = (
        b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://' + str(secret).encode() + b'">]>'
        b"<w:document " + W_NS + b"><w:body>" + _para(b"&xxe;") + _para("一、总体要求".encode()) + b"</w:body></w:document>"
    )
    try:
        plan = planparse.parse(docx_with_document_xml(xml))
    except PlanparseError:
        return
    assert "TOP-SECRET" not in plan.text


def test_zip_bomb_is_refused_before_inflating() -> None:
    xml = b"<w:document " + W_NS + b"><w:body>" + _para("一、总体要求".encode()) + b"</w:body></w:document>"
    bomb = docx_with_document_xml(xml, {"word/media/zeros.bin": b"\0" * 3_000_000})
    assert len(bomb) < 100_000
    with pytest.raises(InputError) as info:
        planparse.parse(bomb, options={"max_docx_uncompressed": 1_000_000})
    assert info.value.code == "too-large"


def test_pdfminer_has_no_pickle_cmaps() -> None:
    """pdfminer.six >= 20260107 loads CMaps from JSON; the pickle loader (CVE-2025-64512) is gone."""
    import inspect

    import pdfminer.cmapdb

    assert "pickle" not in inspect.getsource(pdfminer.cmapdb)


# --- outputs confined, clean errors --------------------------------------------------------


def test_cli_error_is_one_line_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    result = CliRunner().invoke(app, ["convert", str(bad)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output and str(bad) in result.output


def test_cli_debug_shows_the_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    result = CliRunner().invoke(app, ["convert", "--debug", str(bad)])
    assert result.exit_code == 1
    assert isinstance(result.exception, InputError)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder_gives_a_clear_error(tmp_path: Path) -> None:
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        result = CliRunner().invoke(app, ["convert", str(SAMPLES / "004_438900912e87cf9d.txt"), "-o", str(out / "x.json")])
    finally:
        out.chmod(0o700)
    assert result.exit_code == 1 and "write-failed" in result.output
    assert list(out.iterdir()) == []


def test_failed_write_leaves_no_half_file(tmp_path: Path) -> None:
    from planparse.outputs import write_atomic

    blocker = tmp_path / "blocker"
    blocker.write_text("", encoding="utf-8")  # a file where a folder should be
    with pytest.raises(InputError) as info:
        write_atomic(blocker / "x.json", "data")
    assert info.value.code == "write-failed"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]


# --- fuzz ----------------------------------------------------------------------------------


def _fixtures() -> list[bytes]:
    out = [p.read_bytes() for p in sorted(SAMPLES.glob("*.txt"))[:2]]
    out.append(minimal_pdf(["1. plan", "2. tasks"]))
    out.append(docx_with_document_xml(b"<w:document " + W_NS + b"><w:body>" + _para("一、总体要求".encode()) + _para("（牵头单位：县局）".encode()) + b"</w:body></w:document>"))
    formats = SAMPLES / "formats"
    if formats.is_dir():
        out.extend(p.read_bytes() for p in sorted(formats.iterdir()) if p.suffix in (".pdf", ".docx", ".html") and p.stat().st_size < 400_000)
    return out


def _mutate(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    kind = rng.randrange(3)
    if kind == 0 and b:  # byte flips
        for _ in range(rng.randint(1, 20)):
            b[rng.randrange(len(b))] = rng.randrange(256)
    elif kind == 1:  # truncation
        b = b[: rng.randrange(len(b) + 1)]
    else:  # a spliced duplicate block
        i, j = sorted(rng.randrange(len(b) + 1) for _ in range(2))
        b[i:i] = b[i:j][:5000]
    return bytes(b)


FUZZ_CASES = int(os.environ.get("PLANPARSE_FUZZ_CASES", "300"))


def test_fuzz_loaders_only_raise_planparse_errors() -> None:
    rng = random.Random(20261122)
    fixtures = _fixtures()
    for k in range(FUZZ_CASES):
        data = _mutate(fixtures[k % len(fixtures)], rng)
        with guard(60):
            try:
                plan = planparse.parse(data)
            except PlanparseError:
                continue
        assert all(0 <= s.span.start <= s.span.end <= len(plan.text) for s in plan.iter_sections())
