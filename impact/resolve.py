"""Resolution: the votes of fired rules -> one net view per asset, every vote kept as evidence.

Weight of a vote::

    weight = strength x BASIS[basis] x (HEDGED if hedged) x (FUTURE if future)
             x (AFTER_CONTRAST if it follows 然而/但/however in its sentence,
                BEFORE_CONTRAST if a contrast follows it or it sits in a 虽然/although clause)

Within one sentence, votes of one asset and one direction count once (the strongest); the
others stay in the evidence with ``counted = false``. With B, S and N the summed weights of
bullish, bearish and neutral votes::

    direction = argmax(B, S, N)            (a tie between B and S is neutral)
    score     = (B - S) / (B + S + N) x (1 - exp(-(B + S + N)))

Mixed evidence is no call: when an asset has votes both ways, the larger side must weigh at
least DOMINANCE (3:2) times the smaller one, else the direction is neutral (the score keeps its
lean). Drivers that pull against each other in one document (a tariff threat and a ceasefire,
a rate-cut bet and a hot inflation print) leave the direction open; an analyst would not call
it from a near balance. 3:2 leaves a contrast able to decide between two equal votes ("A, but
B": AFTER_CONTRAST / BEFORE_CONTRAST = 1.86).

so the score lies in [-1, 1], its sign agrees with the direction, and a single weak vote
gives a small score while many agreeing votes approach +-1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

BASIS = {"explicit": 1.0, "reported": 0.6, "inferred": 0.55}
HEDGED = 0.6
FUTURE = 0.6
AFTER_CONTRAST = 1.3
BEFORE_CONTRAST = 0.7
# Mixed evidence: when an asset has votes both ways, the larger side must outweigh the smaller
# one at least DOMINANCE times over for a directional call (B >= DOMINANCE x S for bullish).
# A round 3:2, below AFTER_CONTRAST / BEFORE_CONTRAST so that a contrast still decides.
DOMINANCE = 1.5


@dataclass(slots=True)
class Vote:
    asset: str
    direction: str
    weight: float
    rule_index: int
    sentence: int
    trigger: tuple[int, int]
    events: tuple[str, ...]
    modifiers: tuple[str, ...]
    explanation: str
    horizon: str
    counted: bool = True


def weigh(strength: float, basis: str, modifiers: tuple[str, ...]) -> float:
    w = strength * BASIS[basis]
    if "hedged" in modifiers:
        w *= HEDGED
    if "future" in modifiers:
        w *= FUTURE
    if "after-contrast" in modifiers:
        w *= AFTER_CONTRAST
    elif "before-contrast" in modifiers:
        w *= BEFORE_CONTRAST
    return w


@dataclass(slots=True)
class Net:
    asset: str
    direction: str
    score: float
    votes: dict[str, float]
    members: list[Vote]


def resolve(votes: list[Vote]) -> list[Net]:
    by_asset: dict[str, list[Vote]] = {}
    for v in votes:
        by_asset.setdefault(v.asset, []).append(v)
    out: list[Net] = []
    for asset, members in by_asset.items():
        best: dict[tuple[int, str], Vote] = {}
        for v in members:
            key = (v.sentence, v.direction)
            cur = best.get(key)
            if cur is None or v.weight > cur.weight:
                if cur is not None:
                    cur.counted = False
                best[key] = v
            else:
                v.counted = False
        totals = {"bullish": 0.0, "bearish": 0.0, "neutral": 0.0}
        for v in best.values():
            totals[v.direction] += v.weight
        b, s, n = totals["bullish"], totals["bearish"], totals["neutral"]
        total = b + s + n
        if total <= 0:
            continue
        if n >= max(b, s) or b == s or max(b, s) < DOMINANCE * min(b, s):
            direction = "neutral"
        else:
            direction = "bullish" if b > s else "bearish"
        score = (b - s) / total * (1.0 - math.exp(-total))
        members.sort(key=lambda v: (v.trigger[0], v.rule_index))
        out.append(Net(asset, direction, round(max(-1.0, min(1.0, score)), 4), {k: round(x, 4) for k, x in totals.items()}, members))
    out.sort(key=lambda n: (-abs(n.score), n.asset))
    return out
