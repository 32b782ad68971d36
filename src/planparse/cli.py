"""The ``planparse`` command: argument parsing, calls into the library, exit codes. Nothing else.

Exit codes: 0 ok, 1 an input failed, 2 usage.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from planparse.errors import PlanparseError
from planparse.outputs import plan_counts, write_atomic

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Chinese government action plans → structured JSON.")

_SUFFIXES = {".txt", ".pdf", ".docx"}


def _fail(path: str, err: Exception, debug: bool) -> None:
    if debug:
        raise err
    if isinstance(err, PlanparseError):
        typer.echo(f"planparse: {err}", err=True)
    else:  # a bug, still reported as one line naming the file
        typer.echo(f"planparse: {path}: internal error {type(err).__name__}: {err} (rerun with --debug for the traceback)", err=True)


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
        if output is None:
            sys.stdout.write(data + "\n")
        else:
            write_atomic(output, data + "\n")
    except Exception as err:
        _fail(str(file), err, debug)
        raise typer.Exit(1) from None


@app.command()
def summary(
    paths: Annotated[list[Path], typer.Argument(help="Plan files or folders of plans.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Also write each plan's JSON into this folder.")] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show a traceback on failure.")] = False,
) -> None:
    """Parse plans and print one line each: sections, tasks, units, deadlines, targets, warnings."""
    from rich.console import Console
    from rich.table import Table

    from planparse.pipeline import parse

    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in _SUFFIXES))
        else:
            files.append(p)
    table = Table("plan", "sections", "tasks", "units", "deadlines", "targets", "warnings")
    failed = 0
    for f in files:
        try:
            plan = parse(f)
        except Exception as err:
            _fail(str(f), err, debug)
            failed += 1
            continue
        c = plan_counts(plan)
        table.add_row(f.name, *(str(c[k]) for k in ("sections", "tasks", "units", "deadlines", "targets", "warnings")))
        if output is not None:
            write_atomic(output / (f.stem + ".json"), plan.model_dump_json(indent=2) + "\n")
    Console(width=120).print(table)
    if output is not None:
        typer.echo(f"JSON written to {output}/")
    if failed:
        raise typer.Exit(1)


@app.command()
def schema() -> None:
    """Print the JSON Schema of Plan."""
    from planparse.models import Plan

    sys.stdout.write(json.dumps(Plan.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


def main() -> None:  # pragma: no cover - console entry point
    app()
