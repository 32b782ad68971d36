"""What crosses between a batch and its workers: a ``Job`` (one file) out, a ``Result`` back, and the
``Parser`` that turns one into the other as a picklable value (local worker processes and Dask
workers run the same one). A Dask worker sends the parsed plan back (``Parsed``); a local one files
it itself and sends back only what happened (``Stored``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from planparse.errors import InputError
from planparse.models import Plan
from planparse.options import Options
from planparse.rows import PlanRows, plan_rows


@dataclass(frozen=True)
class Job:
    """One file for a worker. Dask workers get its bytes (they need no disk of ours); local ones read the path."""

    path: str  # as walked: the plan's Source.path
    file: str  # relative to the batch folder
    sha256: str
    data: bytes  # empty for local workers
    json: str  # plans/<name>.json, relative to the output folder


@dataclass(frozen=True)
class Parsed:
    """A plan ready for the writer: its contract JSON as UTF-8 (None: a local worker has written the file) and its rows."""

    json: bytes | None
    rows: PlanRows


@dataclass(frozen=True)
class Problem:
    """Why a file gave no plan. Stages: walk, read, input (bad file), parse (a planparse bug), timeout, worker, write."""

    stage: str
    code: str
    reason: str


@dataclass(frozen=True)
class Stored:
    """A local worker filed the plan itself (``sink.Sink``): ``new`` False when it was in already."""

    new: bool


Result = Parsed | Problem | Stored


ParseFn = Callable[[bytes, str], Plan]


@dataclass(frozen=True)
class Parser:
    """The per-file work as a picklable value: it runs in local worker processes and on Dask workers alike."""

    parse_fn: ParseFn | None = None  # default: planparse's own parse of the bytes
    options: Options | None = None

    def __call__(self, name: str, data: bytes) -> Result:
        """One file's bytes → what the writer needs. Never raises: a failure is a value naming its stage."""
        from planparse.loaders import load_bytes
        from planparse.pipeline import parse_loaded

        try:
            plan = self.parse_fn(data, name) if self.parse_fn else parse_loaded(load_bytes(data, name, None, self.options))
            # model_dump_json's bytes before it decodes them: the file is written as bytes anyway
            return Parsed(plan.__pydantic_serializer__.to_json(plan), plan_rows(plan))
        except InputError as err:
            return Problem("input", err.code, err.reason)
        except Exception as err:  # a planparse bug on this file: reported, and the batch goes on
            return Problem("parse", "internal-error", f"{type(err).__name__}: {err}")
