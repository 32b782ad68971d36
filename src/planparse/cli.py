"""The ``planparse`` command: argument parsing, calls into the library, exit codes. Nothing else.

Exit codes: 0 ok, 1 an input failed, 2 usage.
"""

from __future__ import annotations

import io
import json
import os
import sys
from contextlib import suppress
from pathlib import Path
from typing import Annotated

import typer

from planparse.errors import PlanparseError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese government action plans → structured JSON.")

def _fail(path: str, err: Exception, debug: bool) -> None:
    if debug:
        raise err
    if isinstance(err, PlanparseError):
        typer.echo(f"planparse: {err}", err=True)
    else:  # a bug, still reported as one line naming the file
        typer.echo(f"planparse: {path}: internal error {type(err).__name__}: {err} (rerun with --debug for the traceback)", err=True)


def _emit(text: str, path: str | None = None) -> None:
    """Write ``text`` to stdout. A stdout that cannot take it (closed: ``>&-``; a full disk; ``/dev/full``)
    is one line on stderr and exit 1, not a traceback; a reader that has gone (``| head``) ends the run
    quietly. stdout is then pointed at /dev/null so that Python's flush at exit does not fail again."""
    try:
        if sys.stdout is None:  # Python's stdout when the process started with file descriptor 1 closed
            raise OSError(9, "standard output is closed")
        sys.stdout.write(text)
        sys.stdout.flush()
    except OSError as err:
        if sys.stdout is not None:
            with suppress(OSError, ValueError):  # no file descriptor (CliRunner): nothing to flush at exit
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if not isinstance(err, BrokenPipeError):
            where = f"{path}: " if path else ""
            typer.echo(f"planparse: {where}cannot write to standard output: {err.strerror or err} [write-failed]", err=True)
        raise typer.Exit(1) from None


@app.command()
def convert(
    file: Annotated[Path, typer.Argument(help="A plan: .txt, .pdf or .docx (format is detected from content).")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write the JSON here instead of stdout.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on failure.")] = False,
) -> None:
    """Convert one plan to contract JSON."""
    from planparse.pipeline import parse

    try:
        plan = parse(file)
        data = plan.model_dump_json(indent=2)
        if output is not None:
            from planparse.outputs import write_atomic  # the batch's module: not paid for on stdout

            write_atomic(output, data + "\n")
    except Exception as err:
        _fail(str(file), err, debug)
        raise typer.Exit(1) from None
    if output is None:
        _emit(data + "\n", str(file))


@app.command()
def summary(
    paths: Annotated[list[Path], typer.Argument(help="Plan files or folders of plans.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also write each plan's JSON into this folder.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on failure.")] = False,
) -> None:
    """Parse plans and print one line each: sections, tasks, units, deadlines, targets, warnings."""
    from rich.console import Console
    from rich.table import Table

    from planparse.outputs import plan_counts, write_atomic
    from planparse.pipeline import parse
    from planparse.walk import PLAN_SUFFIXES

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            # the folder's own files; `planparse batch` is the recursive, resumable job
            files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in PLAN_SUFFIXES))
        else:
            files.append(p)
    table = Table("plan", "sections", "tasks", "units", "deadlines", "targets", "warnings")
    failed = 0
    written: set[str] = set()
    for f in files:
        try:
            plan = parse(f)
            if output is not None:  # a.pdf and a.docx, or two 方案.txt from two folders: a.json, a-2.json
                name = next(n for k in range(1, len(files) + 2) if (n := f.stem + (f"-{k}" if k > 1 else "") + ".json") not in written)
                write_atomic(output / name, plan.model_dump_json(indent=2) + "\n")
                written.add(name)
        except Exception as err:  # a plan that cannot be read, or its JSON written (-o a file, a full disk)
            _fail(str(f), err, debug)
            failed += 1
            continue
        c = plan_counts(plan)
        table.add_row(f.name, *(str(c[k]) for k in ("sections", "tasks", "units", "deadlines", "targets", "warnings")))
    rendered = io.StringIO()  # rendered first, so that a stdout that fails is _emit's to report
    Console(width=120, file=rendered, force_terminal=sys.stdout is not None and sys.stdout.isatty()).print(table)
    _emit(rendered.getvalue() + (f"JSON written to {output}/\n" if written else ""))
    if failed:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of Plan."""
    from planparse.models import Plan

    _emit(json.dumps(Plan.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


def main() -> None:  # pragma: no cover - console entry point
    app()


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Plan files (or folders of plans) to check.")],
    format: Annotated[str, typer.Option("--format", "-f", help="text (a table on a terminal, plain text otherwise) or json.")] = "text",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the run too, not only errors.")] = False,
    ignore: Annotated[list[str] | None, typer.Option("--ignore", help="Drop a rule by its code; repeat for several.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on failure.")] = False,
) -> None:
    """Check plans before issue: lead units, deadlines, placeholders, dates, numbering, unit names, targets.

    Prints each plan's findings (code, severity, place, quote, fix hint) and a verdict.
    Exit codes: 0 clean, 1 a finding at or above the failing severity (error; warning with
    --strict) or an input that could not be read, 2 usage.
    """
    from rich.console import Console

    from planparse.check import lint, rules
    from planparse.check.report import PlanReport, render_json, render_rich, render_text
    from planparse.pipeline import parse
    from planparse.walk import PLAN_SUFFIXES

    if format not in ("text", "json"):
        raise typer.BadParameter(f"{format!r} is not one of 'text', 'json'", param_hint="--format")
    known = {r.code for r in rules()}
    unknown = sorted(set(ignore or []) - known)
    if unknown:
        raise typer.BadParameter(f"unknown rule code {', '.join(unknown)}; known codes: {', '.join(sorted(known))}", param_hint="--ignore")
    fail_on = "warning" if strict else "error"
    files: list[Path] = []
    for p in paths:
        files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in PLAN_SUFFIXES) if p.is_dir() else [p])
    console = Console()
    reports: list[PlanReport] = []
    failed_inputs: list[dict[str, str]] = []
    for f in files:
        try:
            plan = parse(f)
            report = PlanReport(str(f), plan.metadata.title, lint(plan, ignore=set(ignore or [])), fail_on)
        except Exception as err:
            _fail(str(f), err, debug)
            failed_inputs.append({"path": str(f), "error": str(err)})
            continue
        reports.append(report)
        if format == "text":
            if console.is_terminal:
                render_rich(report, console)
            else:
                _emit(render_text(report) + "\n\n")
    if format == "json":
        _emit(render_json(reports, failed_inputs, fail_on) + "\n")
    if failed_inputs or any(r.failed for r in reports):
        raise typer.Exit(1)


@app.command()
def batch(
    folders: Annotated[list[Path], typer.Argument(help="Folders of plans (walked recursively), or plan files.", exists=True)],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output folder: database, tables, JSON, error report.")],
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Local worker processes [default: the machine's cores].")] = None,
    timeout: Annotated[float, typer.Option("--timeout", min=0.1, help="Seconds per file before its worker is stopped and replaced.")] = 120.0,
    force: Annotated[bool, typer.Option("--force", help="Re-ingest files already in the database.")] = False,
    dask_scheduler: Annotated[
        str | None, typer.Option("--dask-scheduler", help="Send the work to this Dask cluster (tcp://HOST:8786); needs planparse[dask].")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar or log lines; only the summary.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback if the batch cannot run.")] = False,
) -> None:
    """Every plan in a folder into one database, one task table (xlsx/csv), JSON files and an error report.

    Exit 0 when every file was ingested (or already was), 1 when any failed, 2 when the batch cannot run.
    """
    from planparse.batch import ingest
    from planparse.outputs import progress_for

    try:
        summary = ingest(
            folders,
            output,
            workers=workers,
            scheduler=dask_scheduler,
            timeout=timeout,
            force=force,
            progress=None if quiet else progress_for(sys.stderr),
        )
    except PlanparseError as err:
        if debug:
            raise
        typer.echo(f"planparse: {err}", err=True)
        raise typer.Exit(2) from None
    _emit(summary.describe() + "\n")
    raise typer.Exit(0 if summary.ok else 1)
