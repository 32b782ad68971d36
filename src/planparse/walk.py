"""The batch's folder walk: which files under the folders given are plans, sorted, and what could not be
walked (a folder that links back to a parent, an unreadable folder or file), each a failure to report.

>>> found = walk(["samples"])
>>> found.candidates[0].file, any(c.file == "README.md" for c in found.candidates)
('000_58eff289fd67a2be.txt', False)
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from planparse.errors import shown
from planparse.loaders import sniff_format
from planparse.rows import FailureRow

# A file with one of these names is meant as a plan: it parses or is reported (batch; summary and check
# take a folder's files by them). Content that sniffs as PDF or DOCX is a plan whatever its name; other
# files (README.md, .xls, images) are skipped and counted.
PLAN_SUFFIXES = frozenset({".txt", ".pdf", ".docx", ".docm", ".doc", ".wps", ".html", ".htm"})
PLAN_FORMATS = frozenset({"pdf", "docx"})
SNIFF_BYTES = 8192


def where(path: str | Path) -> str:
    """A file's absolute path as the records name it (``errors.shown``)."""
    return shown(os.path.abspath(path))


@dataclass(frozen=True)
class Candidate:
    path: str  # as walked, to open it (the plan's Source.path, once ``shown``)
    file: str  # relative to the folder given, as shown in the tables


@dataclass
class Walk:
    candidates: list[Candidate] = field(default_factory=list)
    not_plans: int = 0
    problems: list[FailureRow] = field(default_factory=list)


def walk(roots: Iterable[str | Path], exclude: Path | None = None) -> Walk:
    """Plan files under ``roots``, sorted: by content (``sniff_format``) or by a plan suffix. Hidden
    entries and Word lock files (``~$…``) are passed over; symlinks are followed; a link back to a parent
    folder and an unreadable folder are problems, not errors; ``exclude`` (the output folder) is not entered.
    """
    found = Walk()
    skip = _key(exclude) if exclude is not None and exclude.is_dir() else None
    for root in map(Path, roots):
        if root.is_dir():
            _walk_dir(root, skip, found)
        elif root.is_file():
            found.candidates.append(Candidate(str(root), shown(root.name)))
        else:
            found.problems.append(FailureRow(where(root), shown(str(root)), None, "read", "not-found", "no such file or folder"))
    return found


def _key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def _walk_dir(root: Path, skip: tuple[int, int] | None, found: Walk) -> None:
    """Depth-first with an explicit stack; each folder carries its parents' (device, inode) to spot loops."""
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Path, tuple[tuple[int, int], ...]]] = [(root, ())]
    while stack:
        folder, parents = stack.pop()
        problem = FailureRow(where(folder), shown(folder.relative_to(root).as_posix()), None, "walk", "", "")
        try:
            key = _key(folder)
            if key in parents:
                found.problems.append(replace(problem, code="symlink-loop", reason="links back to a parent folder; not followed"))
            if key in parents or key in seen or key == skip:
                continue
            seen.add(key)
            with os.scandir(folder) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as err:
            found.problems.append(replace(problem, code="unreadable-folder", reason=err.strerror or str(err)))
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            if os.path.isdir(path):  # follows links; False when it cannot tell
                subfolders.append(path)
            else:
                _consider(path, shown(path.relative_to(root).as_posix()), found)
        stack.extend((p, (*parents, key)) for p in reversed(subfolders))


def _consider(path: Path, rel: str, found: Walk) -> None:
    try:
        if path.name.startswith("~$") or not path.is_file():  # lock files, broken links, sockets, FIFOs
            if path.suffix.lower() in PLAN_SUFFIXES and not path.name.startswith("~$"):  # meant as a plan: say why not
                found.problems.append(FailureRow(where(path), rel, None, "read", *_not_a_file(path)))
            else:
                found.not_plans += 1
            return
        with open(path, "rb") as fh:
            head = fh.read(SNIFF_BYTES)
    except OSError as err:
        found.problems.append(FailureRow(where(path), rel, None, "read", "unreadable", err.strerror or str(err)))
        return
    if sniff_format(head) in PLAN_FORMATS or path.suffix.lower() in PLAN_SUFFIXES:
        found.candidates.append(Candidate(str(path), rel))
    else:
        found.not_plans += 1


def _not_a_file(path: Path) -> tuple[str, str]:
    """The code and reason for a plan's name that holds no file: a link to nothing, a pipe, a socket.
    They were passed over as "other files", so a plan whose link had broken went unreported."""
    if path.is_symlink() and not path.exists():
        return "not-found", f"a symbolic link to {shown(os.readlink(path))}, which does not exist"
    return "not-a-file", "not a regular file (a pipe, socket or device)"
