r"""The offset map between the normalised text and the loader's text, and edits that keep it.

Normalising drops and inserts characters; every span must still lead back to the loader's text (a
PDF's page, a DOCX's paragraph). The map is two lists: where each segment starts in the normalised
text (``norm_starts``) and where the same segment starts in the loader's text (``raw_starts``);
within a segment the two run on one for one.

>>> insert_breaks("一、目标二、任务", [0], [0], [4])
('一、目标\n二、任务', [0, 5], [0, 4])
"""

from __future__ import annotations

import bisect


def raw_offset(norm_starts: list[int], raw_starts: list[int], pos: int) -> int:
    """Offset in the loader text of offset ``pos`` of the normalised text."""
    i = bisect.bisect_right(norm_starts, pos) - 1
    return pos if i < 0 else raw_starts[i] + (pos - norm_starts[i])


def insert_breaks(text: str, norm_starts: list[int], raw_starts: list[int], cuts: list[int]) -> tuple[str, list[int], list[int]]:
    """``text`` with a line break before each offset in ``cuts``, and its offset map kept: a space
    before a cut becomes the break, else the break is inserted and later offsets move on by one."""
    if not cuts:
        return text, norm_starts, raw_starts
    parts: list[str] = []
    new_starts: list[tuple[int, int]] = []
    shift = 0
    last = 0
    seg = 0
    for c in cuts:
        while seg < len(norm_starts) and norm_starts[seg] < c:
            new_starts.append((norm_starts[seg] + shift, raw_starts[seg]))
            seg += 1
        if text[c - 1] == " ":
            parts.append(text[last : c - 1] + "\n")  # one character for one: nothing moves
        else:
            parts.append(text[last:c] + "\n")
            shift += 1
            if not (seg < len(norm_starts) and norm_starts[seg] == c):
                new_starts.append((c + shift, raw_offset(norm_starts, raw_starts, c)))
        last = c
    parts.append(text[last:])
    new_starts.extend((norm_starts[k] + shift, raw_starts[k]) for k in range(seg, len(norm_starts)))
    return "".join(parts), [n for n, _ in new_starts], [r for _, r in new_starts]
