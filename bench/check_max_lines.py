"""Line cap for the library: every file under src/planparse/ stays at or under MAX_LINES lines.

Small files are cheap to read and review (a cap from day one, as docling does). Exit 1 listing
the offenders, else print OK.
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_LINES = 400
PACKAGE = Path(__file__).resolve().parent.parent / "src" / "planparse"


def too_long(root: Path = PACKAGE, limit: int = MAX_LINES) -> list[tuple[Path, int]]:
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo", ".so"):
            continue
        lines = len(path.read_bytes().splitlines())
        if lines > limit:
            found.append((path, lines))
    return found


def main() -> int:
    if not PACKAGE.is_dir():
        print(f"check_max_lines: {PACKAGE} not found", file=sys.stderr)
        return 1
    found = too_long()
    for path, lines in found:
        print(f"{path.relative_to(PACKAGE.parent.parent)}: {lines} lines (max {MAX_LINES})")
    if found:
        print(f"FAIL: {len(found)} file(s) over {MAX_LINES} lines; split them")
        return 1
    print(f"OK: every file under src/planparse/ has at most {MAX_LINES} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
