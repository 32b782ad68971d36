"""Which domains (grammars/topics.toml) a stretch of text touches: every keyword found in one pass.

A task gets a topic when its text holds one of the topic's keywords. Searching each task for each
topic repeats the same scan, as tasks nest and cover most of a plan; so every keyword occurrence
is found once, overlapping ones included, and each task looks its range up.

>>> from planparse.grammar import load_grammars
>>> text = "加强水生态保护；治理扬尘"
>>> TopicIndex(text, load_grammars()).within(0, len(text))
['air', 'water', 'ecology']
>>> TopicIndex(text, load_grammars()).within(0, 7)
['water', 'ecology']
"""

from __future__ import annotations

import bisect

from planparse.grammar import Grammars


class TopicIndex:
    def __init__(self, text: str, g: Grammars) -> None:
        self.ids = g.topic_ids
        n = len(self.ids)
        starts: list[list[int]] = [[] for _ in range(n)]
        ends: list[list[int]] = [[] for _ in range(n)]
        find = g.topic_keywords.search
        for m in g.topic_keywords.finditer(text):
            hits = [m]
            s, e = m.span()
            if g.keyword_topics[m.group()][1]:  # another keyword may start inside this one (水生态 / 生态保护)
                inner = find(text, s + 1)
                while inner is not None and inner.start() < e:
                    hits.append(inner)
                    inner = find(text, inner.start() + 1)
            for h in hits:
                for k, length in g.keyword_topics[h.group()][0]:
                    starts[k].append(h.start())
                    ends[k].append(h.start() + length)
        self.starts = starts
        self.min_end = [_suffix_min(e) for e in ends]  # [i]: the earliest end among hits i, i+1, …

    def within(self, start: int, end: int) -> list[str]:
        """Topic ids with a keyword wholly inside ``text[start:end]``, in topics.toml order."""
        out = []
        for k, tid in enumerate(self.ids):
            i = bisect.bisect_left(self.starts[k], start)
            if i < len(self.min_end[k]) and self.min_end[k][i] <= end:
                out.append(tid)
        return out


def _suffix_min(values: list[int]) -> list[int]:
    out = values[:]
    for i in range(len(out) - 2, -1, -1):
        out[i] = min(out[i], out[i + 1])
    return out
