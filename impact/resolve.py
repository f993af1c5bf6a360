"""Resolution: the votes of fired rules -> one net view per asset, every vote kept as evidence.

Weight of a vote::

    weight = strength x BASIS[basis] x (HEDGED if hedged) x (FUTURE if future)
             x (AFTER_CONTRAST if it follows 然而/但/however in its sentence,
                BEFORE_CONTRAST if a contrast follows it or it sits in a 虽然/although clause)

Within one sentence, votes of one asset and one direction count once (the strongest); the
others stay in the evidence with ``counted = false``. With B, S and N the summed weights of
bullish, bearish and neutral votes::

    direction = argmax(B, S, N)            (a tie between B and S is no call, see below)
    score     = (B - S) / (B + S + N) x (1 - exp(-(B + S + N)))

so the score lies in [-1, 1], the sign of a bullish or bearish score agrees with its direction,
and a single weak vote gives a small score while many agreeing votes approach +-1. A neutral
signal's score keeps the lean of B - S (near 0 when the range view dominates);
``impact.timeseries`` counts a neutral signal at 0.

Mixed evidence is no call: when an asset has votes both ways, the larger side must weigh at
least DOMINANCE (3:2) times the smaller one, else the asset gets no direction at all
(``Net.direction`` is None, with the reason in ``Net.undecided``; the engine lists it apart from
the signals, and the score keeps its lean). ``neutral`` is only ever an explicit range-bound
view (震荡, "trade sideways") outweighing both sides, never "no call". Drivers that pull against
each other in one document (a tariff threat and a ceasefire, a rate-cut bet and a hot inflation
print) leave the direction open; an analyst would not call it from a near balance. 3:2 leaves a contrast able to decide between two equal votes ("A, but
B": AFTER_CONTRAST / BEFORE_CONTRAST = 1.86).

Unrelated drivers are no sum: an inferred vote carries the link to the asset in its rule, not in
the text. When an asset's inferred votes come from different drivers (events) in different
sentences - a tariff item and a Fed item of a news digest, typically - nothing in the text says
which of them moves the asset, and adding them up is no view (a rule whose condition combines
events, such as a deficit with tariffs, states the link, so votes sharing an event are one
driver). Those inferred votes are then set
aside (``counted = false``, kept as evidence); the votes that speak about the asset directly
(explicit views, reported moves) still decide, and without any the asset has no call. One
driver repeated over several sentences, or several drivers in one sentence, still count.

Every vote left out says why in ``why_not_counted`` (``impact explain --trace`` shows it).
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
    basis: str = "inferred"  # the rule's basis: explicit view, reported move or inferred from a driver
    why_not_counted: str | None = None
    release: dict | None = None  # a vote read from an economic release: its numbers (impact.pipeline.releases)

    def set_aside(self, why: str) -> None:
        self.counted = False
        self.why_not_counted = why


SAME_SENTENCE = "a stronger vote of the same direction in this sentence counted"
UNRELATED_DRIVERS = (
    "set aside: the asset's inferred votes rest on different drivers in different sentences "
    "(separate stories, no sum); only direct views and reported moves decide"
)


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


def _stories(votes: list[Vote]) -> int:
    """How many unrelated drivers the votes rest on: votes whose events overlap are one driver (a
    rule that combines a deficit and tariffs joins the deficit rule's story)."""
    groups: list[set[str]] = []
    for v in votes:
        joined = set(v.events)
        rest = []
        for g in groups:
            if g & joined:
                joined |= g
            else:
                rest.append(g)
        groups = rest + [joined]
    return len(groups)


# Why an asset with votes has no direction (``Net.undecided``)
TIE = "bullish and bearish votes weigh the same"
MIXED = f"votes both ways, the larger side less than {DOMINANCE:g} times the smaller"
ALL_SET_ASIDE = "every vote was set aside"
WEIGHTLESS = "the votes weigh nothing (strength 0)"


@dataclass(slots=True)
class Net:
    asset: str
    direction: str | None  # None: no call, see ``undecided``
    score: float
    votes: dict[str, float]
    members: list[Vote]
    undecided: str | None = None  # why there is no call


def resolve(votes: list[Vote]) -> list[Net]:
    by_asset: dict[str, list[Vote]] = {}
    for v in votes:
        by_asset.setdefault(v.asset, []).append(v)
    out: list[Net] = []
    for asset, members in by_asset.items():
        eligible = members
        drivers = [v for v in members if v.basis == "inferred" and v.direction != "neutral"]
        if len({v.sentence for v in drivers}) > 1 and _stories(drivers) > 1:
            # different drivers in different sentences: separate stories, no view (see the docstring)
            for v in drivers:
                v.set_aside(UNRELATED_DRIVERS)
            eligible = [v for v in members if v.basis != "inferred" or v.direction == "neutral"]
        best: dict[tuple[int, str], Vote] = {}
        for v in eligible:
            key = (v.sentence, v.direction)
            cur = best.get(key)
            if cur is None or v.weight > cur.weight:
                if cur is not None:
                    cur.set_aside(SAME_SENTENCE)
                best[key] = v
            else:
                v.set_aside(SAME_SENTENCE)
        totals = {"bullish": 0.0, "bearish": 0.0, "neutral": 0.0}
        for v in best.values():
            totals[v.direction] += v.weight
        b, s, n = totals["bullish"], totals["bearish"], totals["neutral"]
        total = b + s + n
        members.sort(key=lambda v: (v.trigger[0], v.rule_index))
        if total <= 0:
            if members:  # every vote set aside (or of strength 0): no call, but the evidence stays visible
                why = WEIGHTLESS if any(v.counted for v in members) else ALL_SET_ASIDE
                out.append(Net(asset, None, 0.0, totals, members, why))
            continue
        why = None
        if n > 0 and n >= max(b, s):
            direction: str | None = "neutral"  # an explicit range view outweighs both sides
        elif b == s:
            direction, why = None, TIE
        elif max(b, s) < DOMINANCE * min(b, s):
            direction, why = None, MIXED
        else:
            direction = "bullish" if b > s else "bearish"
        score = (b - s) / total * (1.0 - math.exp(-total))
        out.append(Net(asset, direction, round(max(-1.0, min(1.0, score)), 4), {k: round(x, 4) for k, x in totals.items()}, members, why))
    out.sort(key=lambda n: (-abs(n.score), n.asset))
    return out
