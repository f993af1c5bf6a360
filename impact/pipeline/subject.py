"""The subject of an event: which asset mention of its sentence a trigger is about.

The nearest mention in the trigger's clause (another subject-taking trigger in between claims
it), else the sentence's heading ("锌:", "Gold:"), else an earlier clause; a mention joined to
the chosen one by connectors only ("copper, nickel and zinc") shares the view.
"""

from __future__ import annotations

import bisect
import itertools
import re

from impact.pipeline.text import Sentence

# What may stand between two asset names of one list: "copper, nickel and zinc", "铜、锌和铝", "gold/silver".
_JOINED = re.compile(r"\s*(?:,|、|/|&|和|及|与|以及|and|or|as well as)\s*(?:and\s+)?")


def find_subject(
    sentence: Sentence,
    trig: tuple[int, int],
    candidates: "Mentions",
    triggers: "TriggerSpans",
    side: str,
) -> int | None:
    """The mention (its index in ``candidates.items``) an event at ``trig`` is about. Each step
    looks only at the mentions in reach (bisect on sorted starts), so a sentence of thousands
    of triggers stays linear."""
    if not candidates.items:
        return None
    items, starts = candidates.items, candidates.starts
    lo, hi = sentence.clause_span(trig[0])
    # the trigger contains the alias (金价下跌 as one term): the first such mention wins
    for k in range(bisect.bisect_left(starts, trig[0] - candidates.reach), bisect.bisect_left(starts, trig[1])):
        a, b, asset = items[k]
        if a < trig[1] and trig[0] < b:
            return k
    # the nearest mention in the trigger's clause on either side (before wins a tie: its
    # distance is whole, the after side's has a half added). Another subject-taking trigger
    # between a mention and this trigger claims the mention, and then every mention further
    # away on that side too: so only the nearest on each side needs that check, and the
    # search stays linear in the mentions near the trigger however many the clause holds.
    klo, kmid = bisect.bisect_left(starts, lo), bisect.bisect_left(starts, trig[1])
    before = after = None
    if side != "after":
        # mentions starting before the trigger end before it (overlaps returned above); the
        # one ending last is the nearest, the first in mention order among equals
        best_end = -1
        for k in range(kmid - 1, klo - 1, -1):
            a, b, asset = items[k]
            if a + candidates.reach < best_end:  # no earlier mention ends as late
                break
            if b > hi:
                continue
            if b >= best_end:
                best_end, before = b, k
        if before is not None and triggers.any_within(best_end, trig[0]):
            before = None
    if side != "before":
        for k in range(kmid, bisect.bisect_left(starts, hi)):
            a, b, asset = items[k]
            if b > hi:
                continue
            if not triggers.any_within(trig[1], a):
                after = k
            break
    if before is not None and (after is None or trig[0] - items[before][1] < items[after][0] - trig[1] + 0.5):
        return before
    if after is not None:
        return after
    # a heading such as "锌:" or "Gold:" names the subject of the whole sentence
    first = sentence.clauses[1] if len(sentence.clauses) > 1 else None
    if first is not None:
        for k in range(bisect.bisect_left(starts, sentence.start), bisect.bisect_right(starts, sentence.start)):
            a, b, asset = items[k]
            if b + 2 >= first:
                return k
    if side == "after":
        return None
    # otherwise the nearest mention in an earlier clause with no other trigger in between:
    # the last such in mention order. Scanning back, once a mention ending at e is blocked,
    # every mention ending at or before e is blocked too, and those starting before
    # e - reach all end before e.
    blocked_end = None
    for k in range(bisect.bisect_left(starts, lo) - 1, -1, -1):
        a, b, asset = items[k]
        if blocked_end is not None and a < blocked_end - candidates.reach:
            break
        if b > lo or (blocked_end is not None and b <= blocked_end):
            continue
        if triggers.any_within(b, trig[0]):
            blocked_end = b if blocked_end is None else max(blocked_end, b)
            continue
        return k
    return None


def coordinated(norm: str, items: list[tuple[int, int, str]], k: int) -> list[str]:
    """The chosen mention and those joined to it by connectors only: "copper, nickel and zinc
    rise", "铜、锌价格下跌" give every listed asset the view."""
    chain = [items[k][2]]
    j = k
    while j > 0 and items[j - 1][1] <= items[j][0] and _JOINED.fullmatch(norm, items[j - 1][1], items[j][0]):
        j -= 1
        chain.insert(0, items[j][2])
    j = k
    while j + 1 < len(items) and items[j][1] <= items[j + 1][0] and _JOINED.fullmatch(norm, items[j][1], items[j + 1][0]):
        j += 1
        chain.append(items[j][2])
    return list(dict.fromkeys(chain))


class Mentions:
    """Asset mentions of a sentence sorted by start, with their starts for bisect."""

    __slots__ = ("items", "starts", "reach")

    def __init__(self, items: list[tuple[int, int, str]]):
        self.items = items
        self.starts = [m[0] for m in items]
        self.reach = max([b - a for a, b, _ in items]) if items else 0


class TriggerSpans:
    """Trigger spans sorted by start; answers "does one lie wholly inside [x, y]?" in O(log n)."""

    __slots__ = ("starts", "min_end")

    def __init__(self, spans: list[tuple[int, int]]):
        self.starts = [s[0] for s in spans]
        # min_end[k]: the smallest end among spans[k:]
        self.min_end = list(itertools.accumulate([s[1] for s in reversed(spans)], min))[::-1]

    def any_within(self, x: int, y: int) -> bool:
        k = bisect.bisect_left(self.starts, x)
        return k < len(self.starts) and self.min_end[k] <= y
