"""Inputs a real user hits, through every entry point: each gets a clear error naming the file and
the reason (or is read), never a traceback; a batch keeps every other file's result and reports
every bad file. Files are built here, small and real: no mocks where a file can do."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from conftest import SAMPLE_PATHS
from typer.testing import CliRunner

import planparse
from planparse import InputError
from planparse.batch import ingest
from planparse.cli import app

FIXTURES = Path(__file__).parent / "fixtures"
PLAN = "一、总体要求\n（一）加强领导。（牵头单位：县生态环境局；完成时限：2025年底前）\n".encode()


def test_html_nested_past_the_recursion_limit_is_read(tmp_path: Path) -> None:
    # a page of 100 000 unclosed <div> gave RecursionError (an internal error) from the tree walk
    page = tmp_path / "deep.html"
    page.write_bytes(b"<html><body>" + b"<div>" * 100_000 + "<p>一、总体要求</p>".encode() + b"</div>" * 100_000 + b"</body></html>")
    assert planparse.parse(page).sections[0].title == "总体要求"


def test_html_deep_nesting_keeps_later_text_in_place() -> None:
    # end tags of the elements kept flat past the depth cap close nothing above them
    inner = "<p>（一）加强领导。（牵头单位：县生态环境局；完成时限：2025年底前）</p>".encode()
    page = b"<html><body><div>" + b"<span>" * 500 + inner + b"</span>" * 500 + "<p>二、保障措施</p>".encode() + b"</div></body></html>"
    plan = planparse.parse(b"<html><body><p>" + "一、总体要求".encode() + b"</p>" + page[12:])
    assert [s.title for s in plan.sections] == ["总体要求", "保障措施"]
    assert [u.name for u in plan.tasks[0].lead_units] == ["县生态环境局"]


def _undecodable(folder: Path, stem: bytes, data: bytes) -> Path:
    """A file whose name holds bytes that are not UTF-8 (a GBK name copied from an old disk)."""
    path = folder / os.fsdecode(stem + b"\xb7\xbd\xb0\xb8.txt")  # 方案 in GBK
    try:
        path.write_bytes(data)
    except (OSError, UnicodeEncodeError):
        pytest.skip("this filesystem takes no file names that are not UTF-8")
    return path


def test_file_name_not_utf8_converts(tmp_path: Path) -> None:
    # the plan's JSON failed with PydanticSerializationError (surrogates not allowed): an internal error
    path = _undecodable(tmp_path, b"plan", PLAN)
    result = CliRunner().invoke(app, ["convert", str(path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["source"]["path"].endswith("plan\\xb7\\xbd\\xb0\\xb8.txt")
    empty = _undecodable(tmp_path, b"empty", b"")
    with pytest.raises(InputError, match=r"empty\\xb7\\xbd\\xb0\\xb8.txt: the file is empty"):
        planparse.parse(empty)


def test_batch_with_file_names_not_utf8_keeps_every_result(tmp_path: Path) -> None:
    # one such name stopped the whole batch with UnicodeEncodeError from SQLite: no results at all
    folder = tmp_path / "in"
    folder.mkdir()
    _undecodable(folder, b"a", PLAN)
    _undecodable(folder, b"b", b"")
    (folder / "good.txt").write_bytes(PLAN + "二、保障措施\n".encode())
    summary = ingest([folder], tmp_path / "out", workers=1)
    assert (summary.ingested, summary.failed) == (2, 1)
    assert [(f.file, f.code) for f in summary.failures] == [("b\\xb7\\xbd\\xb0\\xb8.txt", "empty")]
    report = (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8")
    assert json.loads(report)["file"] == "b\\xb7\\xbd\\xb0\\xb8.txt"


def test_batch_reports_every_copy_of_a_bad_file(tmp_path: Path) -> None:
    # zero-byte plan.txt, plan.pdf and plan.docx: the first failed, the others were counted as
    # "already in the database" (same sha256), so the report lost two bad files
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.pdf", "c.docx"):
        (folder / name).write_bytes(b"")
    for name in ("d.txt", "e.txt"):
        (folder / name).write_bytes(PLAN)
    summary = ingest([folder], tmp_path / "out", workers=1)
    assert sorted((f.file, f.code) for f in summary.failures) == [("a.txt", "empty"), ("b.pdf", "empty"), ("c.docx", "empty")]
    assert (summary.ingested, summary.known, summary.failed, summary.ok) == (1, 1, 3, False)
    report = [json.loads(line)["file"] for line in (tmp_path / "out" / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert report == ["a.txt", "b.pdf", "c.docx"]


def _word_package(content_type: str) -> bytes:
    """A Word document saved by python-docx, repackaged with another main-part content type."""
    document = docx.Document()
    for line in PLAN.decode().splitlines():
        document.add_paragraph(line)
    saved = io.BytesIO()
    document.save(saved)
    out = io.BytesIO()
    with zipfile.ZipFile(saved) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", content_type.encode())
            dst.writestr(info, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "suffix, content_type",
    [
        (".docm", "application/vnd.ms-word.document.macroEnabled.main+xml"),
        (".dotx", "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"),
        (".dotm", "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"),
    ],
)
def test_macro_enabled_and_template_word_files_are_read(tmp_path: Path, suffix: str, content_type: str) -> None:
    # a .docm failed as "not a readable .docx (ValueError)": python-docx's Document() refuses its content type
    path = tmp_path / f"plan{suffix}"
    path.write_bytes(_word_package(content_type))
    plan = planparse.parse(path)
    assert plan.source.format == "docx"
    assert [u.name for u in plan.tasks[0].lead_units] == ["县生态环境局"]


def test_office_file_that_is_not_word_is_unsupported() -> None:
    data = _word_package("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    with pytest.raises(InputError) as info:
        planparse.parse(data)
    assert info.value.code == "unsupported-format" and "not a Word document" in info.value.reason


def test_password_protected_docx_is_encrypted() -> None:
    # fixtures/encrypted.docx: a one-paragraph .docx encrypted by msoffcrypto-tool (password
    # "planparse"), an OLE file as Word writes one; it went to LibreOffice and failed as
    # "LibreOffice could not convert the .doc [corrupt]" (or "install LibreOffice" without it)
    with pytest.raises(InputError) as info:
        planparse.parse(FIXTURES / "encrypted.docx")
    assert info.value.code == "encrypted" and "password" in info.value.reason


def _cli(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    """The real command in a process of its own: stdout as the shell would hand it over."""
    code = "import sys; from planparse.cli import app; sys.argv[0] = 'planparse'; app()"
    return subprocess.run([sys.executable, "-c", code, *args], stderr=subprocess.PIPE, text=True, timeout=120, **kwargs)  # type: ignore[call-overload, no-any-return]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", ["convert", "schema", "check", "summary", "batch"])
def test_stdout_on_a_full_disk_is_one_line(tmp_path: Path, command: str) -> None:
    # each command printed a traceback (convert: "internal error OSError") when stdout could not be written
    plan = tmp_path / "plan.txt"
    plan.write_bytes(PLAN)
    args = {"convert": [str(plan)], "schema": [], "check": [str(plan)], "summary": [str(plan)], "batch": [str(plan), "-o", str(tmp_path / "out"), "--quiet"]}
    with open("/dev/full", "w") as full:
        result = _cli([command, *args[command]], stdout=full)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].endswith("cannot write to standard output: No space left on device [write-failed]"), result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr


def test_stdout_closed_is_one_line(tmp_path: Path) -> None:
    # planparse convert plan.txt >&-  gave "internal error AttributeError: 'NoneType' object has no attribute 'write'"
    plan = tmp_path / "plan.txt"
    plan.write_bytes(PLAN)
    result = _cli(["convert", str(plan)], preexec_fn=lambda: os.close(1))
    assert result.returncode == 1
    assert result.stderr == f"planparse: {plan}: cannot write to standard output: standard output is closed [write-failed]\n"


LONG_PLAN = (PLAN.decode() + "（二）强化督查。各地区、各部门要按照职责分工，抓好落实，确保各项任务按期完成。\n" * 8).encode()


@pytest.mark.parametrize(
    "data, encoding",
    [
        (LONG_PLAN.decode().encode("gb18030")[:300] + b"\xff" + LONG_PLAN.decode().encode("gb18030")[300:], "gb18030"),  # one stray byte
        (LONG_PLAN[:301] + b"\xc0" + LONG_PLAN[301:], "utf-8"),
        (LONG_PLAN + "一".encode()[:2], "utf-8"),  # cut mid-character
        (LONG_PLAN.decode().encode("gb18030") + b"\x81", "gb18030"),
    ],
)
def test_a_few_undecodable_bytes_are_marked_not_fatal(tmp_path: Path, data: bytes, encoding: str) -> None:
    # one stray byte refused the whole plan: "not UTF-8, GB18030 or UTF-16 text (binary or corrupt)"
    path = tmp_path / "plan.txt"
    path.write_bytes(data)
    plan = planparse.parse(path)
    assert (plan.source.encoding, plan.text.count("\ufffd")) == (encoding, 1)
    assert [u.name for u in plan.tasks[0].lead_units] == ["县生态环境局"]
    # and the plan says so, where: the user sees one character was lost, not a silent U+FFFD
    (w,) = [w for w in plan.warnings if w.code == "replacement-character"]
    assert w.span is not None and plan.text[w.span.start : w.span.end] == "\ufffd"


def test_big5_text_is_not_read_as_gb18030(tmp_path: Path) -> None:
    # Big5 bytes decode as GB18030 without an error, as nonsense: a wrong success
    text = "一、總體要求\n（一）加強領導。各地區、各部門要按照職責分工，抓好落實，確保各項任務按期完成。\n" * 6
    path = tmp_path / "plan.txt"
    path.write_bytes(text.encode("cp950"))
    plan = planparse.parse(path)
    assert plan.source.encoding == "big5"
    assert plan.sections[0].title == "總體要求"


def test_many_undecodable_bytes_still_fail(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"".join(LONG_PLAN[i : i + 50] + b"\xff" for i in range(0, len(LONG_PLAN), 50)))
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert info.value.code == "decode-failed"


def test_batch_reports_a_plan_link_to_nothing_and_a_pipe(tmp_path: Path) -> None:
    # both were passed over as "other files skipped": a plan whose link had broken went unreported
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_bytes(PLAN)
    (folder / "moved.pdf").symlink_to(tmp_path / "share" / "moved.pdf")
    (folder / "notes.md").symlink_to(tmp_path / "share" / "notes.md")  # no plan's name: still skipped
    os.mkfifo(folder / "pipe.txt")
    summary = ingest([folder], tmp_path / "out", workers=1)
    assert (summary.ingested, summary.not_plans) == (1, 1)
    assert sorted((f.file, f.code) for f in summary.failures) == [("moved.pdf", "not-found"), ("pipe.txt", "not-a-file")]
    assert "does not exist" in next(f.reason for f in summary.failures if f.file == "moved.pdf")


def test_empty_zip_is_no_word_document() -> None:
    # its end record alone (PK\x05\x06) was read as text: "not UTF-8, GB18030 or UTF-16 text"
    empty = io.BytesIO()
    zipfile.ZipFile(empty, "w").close()
    with pytest.raises(InputError) as info:
        planparse.parse(empty.getvalue())
    assert info.value.code == "unsupported-format"


def test_pdf_without_pages_says_so() -> None:
    # PDFium's own words were "Failed to load document (PDFium: Success)." in a fresh process, and the
    # last failed PDF's error ("Data format error") after one had failed: in a batch worker
    from test_hostile import minimal_pdf

    for data in (minimal_pdf([]), b"%PDF-1.7\n" + bytes(500), minimal_pdf([])):  # the broken one sets PDFium's last error
        with pytest.raises(InputError) as info:
            planparse.parse(data)
    assert (info.value.code, info.value.reason) == ("corrupt", "not a readable PDF (it has no pages)")


@pytest.mark.parametrize("limit", [150_000, 400_000])
def test_batch_on_a_full_disk_stops_with_one_line(tmp_path: Path, limit: int) -> None:
    # a file-size limit (RLIMIT_FSIZE) makes the output disk "full" for this process and its workers:
    # the database's failure row, then its export, raised sqlite3 errors as a traceback
    import resource

    folder = tmp_path / "in"
    folder.mkdir()
    for i, sample in enumerate(SAMPLE_PATHS * 2):
        (folder / f"{i}.txt").write_bytes(sample.read_bytes() + f"\n{i}\n".encode())
    out = tmp_path / "out"
    result = _cli(["batch", str(folder), "-o", str(out), "--quiet", "--workers", "1"], stdout=subprocess.PIPE, preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)))
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr
    if result.returncode == 1:
        # the disk filled while plans were filed, before the export: on a busy machine plans are filed in
        # smaller groups, so the database grows past the limit earlier. Those plans failed, each named
        # with its reason in the report, and the others are in
        failures = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
        assert failures and all(f["stage"] == "write" and f["reason"] for f in failures), failures
        assert f"{len(failures)} failed in this run" in result.stdout and not result.stderr
    else:  # the export itself could not be written: the batch stops with one line
        assert result.returncode == 2, result.stderr
        assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith(f"planparse: {out}"), result.stderr


def test_summary_json_of_plans_with_one_stem_are_all_kept(tmp_path: Path) -> None:
    # a/方案.txt and b/方案.txt (or 方案.pdf and 方案.docx) were both written to 方案.json: one was lost
    for folder, text in (("a", PLAN), ("b", PLAN + "二、保障措施\n".encode())):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "方案.txt").write_bytes(text)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["summary", str(tmp_path / "a" / "方案.txt"), str(tmp_path / "b" / "方案.txt"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["方案-2.json", "方案.json"]
    assert len(json.loads((out / "方案-2.json").read_text(encoding="utf-8"))["sections"]) == 2


def test_summary_json_that_cannot_be_written_is_one_line(tmp_path: Path) -> None:
    # -o naming a file: the InputError (write-failed) came out as a traceback
    (tmp_path / "plan.txt").write_bytes(PLAN)
    (tmp_path / "taken").write_bytes(b"")
    result = CliRunner().invoke(app, ["summary", str(tmp_path / "plan.txt"), "-o", str(tmp_path / "taken")])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert "[write-failed]" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "path, reason",
    [("a\0b.txt", "not a file name: it holds a NUL character"), ("", "an empty file name")],
)
def test_impossible_file_names_are_input_errors(path: str, reason: str) -> None:
    # a NUL raised ValueError (embedded null byte); "" was read as the current folder: "<text>: is a directory"
    with pytest.raises(InputError) as info:
        planparse.parse(path)
    assert (info.value.code, info.value.reason) == ("not-found", reason)


def test_parse_takes_bytes_in_a_buffer() -> None:
    # a bytearray or memoryview (bytes read into a buffer) was taken for a path: TypeError
    for data in (bytearray(PLAN), memoryview(PLAN)):
        assert [u.name for u in planparse.parse(data).tasks[0].lead_units] == ["县生态环境局"]


@pytest.mark.parametrize("source", [None, 3, ["plan.txt"]])
def test_parse_of_no_path_says_what_it_takes(source: object) -> None:
    with pytest.raises(TypeError, match=r"^planparse.parse takes a path \(str or os.PathLike\) or the file's bytes, not "):
        planparse.parse(source)  # type: ignore[arg-type]


def test_parse_text_with_lone_surrogates_is_an_input_error() -> None:
    # text read with errors="surrogateescape" raised UnicodeEncodeError
    with pytest.raises(InputError) as info:
        planparse.parse_text("一、总体要求\udcff", "plan.txt")
    assert info.value.code == "decode-failed" and str(info.value).startswith("plan.txt: ")


def test_summary_and_check_take_wps_and_docm_from_a_folder(tmp_path: Path) -> None:
    # a folder's .docm and .wps were passed over by summary and check (batch takes them)
    (tmp_path / "a.docm").write_bytes(_word_package("application/vnd.ms-word.document.macroEnabled.main+xml"))
    result = CliRunner().invoke(app, ["summary", str(tmp_path)])
    assert result.exit_code == 0 and "a.docm" in result.stdout, result.output


def test_batch_into_the_folder_of_plans_is_refused(tmp_path: Path) -> None:
    # batch plans -o plans walked nothing (the output folder is never entered): "0 plan files", exit 0
    (tmp_path / "plan.txt").write_bytes(PLAN)
    result = CliRunner().invoke(app, ["batch", str(tmp_path), "-o", str(tmp_path), "--quiet"])
    assert result.exit_code == 2, result.output
    assert "is the folder of plans itself" in result.stderr and "Traceback" not in result.stderr
