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
from itertools import accumulate

from planparse.grammar import Grammars


class TopicIndex:
    def __init__(self, text: str, g: Grammars) -> None:
        self.ids = g.topic_ids
        n = len(self.ids)
        starts: list[list[int]] = [[] for _ in range(n)]
        ends: list[list[int]] = [[] for _ in range(n)]
        pattern, kt = g.topic_keywords, g.keyword_topics
        reach = max(map(len, kt))  # the longest keyword
        for m in pattern.finditer(text):
            s = m.start()
            word = m.group()
            tops, inner = kt[word]
            for k, n in tops:
                starts[k].append(s)
                ends[k].append(s + n)
            if inner:  # another keyword may start inside this one (水生态 / 生态保护)
                e = s + len(word)
                h = pattern.search(text, s + 1, e + reach)
                while h is not None and h.start() < e:
                    hs = h.start()
                    for k, n in kt[h.group()][0]:
                        starts[k].append(hs)
                        ends[k].append(hs + n)
                    h = pattern.search(text, hs + 1, e + reach)
        self.starts = starts
        self.min_end = [list(accumulate(reversed(e), min))[::-1] for e in ends]  # [i]: the earliest end among hits i, i+1, …

    def within(self, start: int, end: int) -> list[str]:
        """Topic ids with a keyword wholly inside ``text[start:end]``, in topics.toml order."""
        out = []
        for k, tid in enumerate(self.ids):
            i = bisect.bisect_left(self.starts[k], start)
            if i < len(self.min_end[k]) and self.min_end[k][i] <= end:
                out.append(tid)
        return out
