"""Resolution: the votes of fired rules -> one net view per asset, every vote kept as evidence.

Weight of a vote::

    weight = strength x BASIS[basis] x the factor of each weighed modifier it carries
             (impact.ruleset.modifiers: hedged 0.6, future 0.6, after a contrast such as
              然而/但/however 1.3, before one or in a 虽然/although clause 0.7)

``weigh`` returns the factors it multiplied with the weight, and each vote keeps them
(``Vote.factors``): ``impact explain --trace`` prints the factors that were used.

Within one sentence, votes of one asset and one direction count once (the strongest); the
others stay in the evidence with ``counted = false``. With B, S and N the summed weights of
bullish, bearish and neutral votes::

    direction = argmax(B, S, N)            (a tie between B and S is no call, see below)
    score     = (B - S) / (B + S + N) x (1 - exp(-(B + S + N)))

so the score lies in [-1, 1], the sign of a bullish or bearish score agrees with its direction,
and a single weak vote gives a small score while many agreeing votes approach +-1. A neutral
signal's score keeps the lean of B - S (near 0 when the range view dominates);
``impact.market.timeseries`` counts a neutral signal at 0.

Mixed evidence is no call: when an asset has votes both ways, the larger side must weigh at
least DOMINANCE (3:2) times the smaller one, else the asset gets no direction at all
(``Net.direction`` is None, with the reason in ``Net.undecided``; the engine lists it apart from
the signals, and the score keeps its lean). ``neutral`` is only ever an explicit range-bound
view (震荡, "trade sideways") outweighing both sides, never "no call". Drivers that pull against
each other in one document (a tariff threat and a ceasefire, a rate-cut bet and a hot inflation
print) leave the direction open; an analyst would not call it from a near balance. 3:2 leaves a contrast able to decide between two equal votes ("A, but
B": AFTER_CONTRAST / BEFORE_CONTRAST = 1.86).

Agreeing evidence never removes or weakens a call: every vote of a document counts, in one
sum, whatever driver or sentence it comes from. The one exception is a digest, a text of
separate news items (numbered or bulleted, see ``impact.text.digest_items``): when an asset's
inferred votes come from different items and pull in opposite directions, nothing in the text
says which story moves the asset, and netting them is no view. Those inferred votes are then set
aside (``counted = false``, kept as evidence); the votes that speak about the asset directly
(explicit views, reported moves) still decide, and without any the asset has no call. Items of
a digest that agree still add up.

A contrast weighs a vote only against a view of the same asset on the other side of it: in
"copper rose but aluminium fell" both moves keep their full weight; in "gold rose early, but
fell by the close" the clause after "but" carries the conclusion.

Every vote left out says why in ``why_not_counted`` (``impact explain --trace`` shows it).

Evidence listed is bounded (``cap_evidence``): a report cites at most MAX_EVIDENCE_PER_RULE
votes of one rule for one asset and MAX_EVIDENCE votes per document; the rest are counted in the
report (``evidence_omitted`` per signal, by rule; ``truncated`` and the total on the report).
Direction, score and ``votes`` are computed over EVERY vote before the cap, so the cap changes
what is cited, never the call: a document repeating one sentence 10,000 times still weighs
10,000 sentences, and citing 20 of them cannot tilt the view. The votes kept are the strongest
of each rule (counted first, then by weight, then first in the text); every rule behind an asset
keeps its strongest vote before any rule keeps a second, and every asset keeps one at least.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from impact.ruleset.modifiers import BY_NAME, factors as modifier_factors

BASIS = {"explicit": 1.0, "reported": 0.6, "inferred": 0.55}
AFTER_CONTRAST = BY_NAME["after-contrast"].weight
BEFORE_CONTRAST = BY_NAME["before-contrast"].weight
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
    factors: tuple[tuple[str, float], ...] = ()  # what the weight is the product of, as ``weigh`` used them
    item: int = -1  # the digest item its sentence belongs to (-1: the text is no digest)
    strength: float | None = None  # the view's strength, to weigh it again without a contrast
    release: dict | None = None  # a vote read from an economic release: its numbers (impact.pipeline.releases)

    def set_aside(self, why: str) -> None:
        self.counted = False
        self.why_not_counted = why


SAME_SENTENCE = "a stronger vote of the same direction in this sentence counted"
OPPOSED_ITEMS = (
    "set aside: separate items of a digest pull the asset in opposite directions through "
    "different drivers (no sum); only direct views and reported moves decide"
)


def weigh(strength: float, basis: str, modifiers: tuple[str, ...]) -> tuple[float, tuple[tuple[str, float], ...]]:
    """A vote's weight and the factors it is the product of: strength, basis, weighed modifiers."""
    used = (("strength", strength), (f"basis {basis}", BASIS[basis]), *modifier_factors(modifiers))
    w = strength * BASIS[basis]
    for _, factor in used[2:]:
        w *= factor
    return w, used


def _opposed_items(drivers: list[Vote]) -> bool:
    """Inferred votes from two or more items of a digest that point in opposite directions."""
    items = {v.item for v in drivers}
    return len(items) > 1 and -1 not in items and len({v.direction for v in drivers}) > 1


def _contrast_against_same_asset(members: list[Vote]) -> None:
    """Drop a contrast's weight where the other side of it holds no view of the same asset: an
    after-contrast vote needs an earlier vote of the asset in its sentence that is not after the
    contrast, a before-contrast vote a later one that is not before it. Linear in the votes."""
    inf = float("inf")
    first_not_after: dict[int, float] = {}  # per sentence: the earliest trigger not after a contrast
    last_not_before: dict[int, float] = {}  # per sentence: the latest trigger not before one
    contrasted = []
    for v in members:
        at = v.trigger[0]
        if "after-contrast" not in v.modifiers:
            first_not_after[v.sentence] = min(first_not_after.get(v.sentence, inf), at)
        if "before-contrast" not in v.modifiers:
            last_not_before[v.sentence] = max(last_not_before.get(v.sentence, -inf), at)
        if v.strength is not None and ("after-contrast" in v.modifiers or "before-contrast" in v.modifiers):
            contrasted.append(v)
    for v in contrasted:
        at = v.trigger[0]
        if "after-contrast" in v.modifiers:
            side, paired = "after-contrast", first_not_after.get(v.sentence, inf) < at
        else:
            side, paired = "before-contrast", last_not_before.get(v.sentence, -inf) > at
        if not paired:
            v.modifiers = tuple(m for m in v.modifiers if m != side)
            weight, v.factors = weigh(v.strength, v.basis, v.modifiers)
            v.weight = round(weight, 4)


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
    omitted: dict[int, int] | None = None  # votes not cited in the report (``cap_evidence``), by rule index


def resolve(votes: list[Vote]) -> list[Net]:
    by_asset: dict[str, list[Vote]] = {}
    for v in votes:
        by_asset.setdefault(v.asset, []).append(v)
    out: list[Net] = []
    for asset, members in by_asset.items():
        _contrast_against_same_asset(members)
        eligible = members
        drivers = [v for v in members if v.basis == "inferred" and v.direction != "neutral"]
        if _opposed_items(drivers):
            # separate items of a digest pulling both ways: no sum (see the docstring)
            for v in drivers:
                v.set_aside(OPPOSED_ITEMS)
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


# Evidence cited per report (see the module's docstring): far above what news holds (in the dev
# sets and fixtures, a long flash-news record cites 19 votes of one rule for one asset, and no
# document more than 54 votes), so only documents built to repeat a sentence meet them. 500
# pieces of evidence are about 200 KB of JSON.
MAX_EVIDENCE_PER_RULE = 50
MAX_EVIDENCE = 500


def _strongest_first(v: Vote) -> tuple[bool, float, int]:
    return (not v.counted, -v.weight, v.trigger[0])


def cap_evidence(nets: list[Net], per_rule: int = MAX_EVIDENCE_PER_RULE, per_document: int = MAX_EVIDENCE) -> int:
    """Keep at most ``per_rule`` votes of one rule per asset and ``per_document`` votes in all as
    the nets' members (the cited evidence), in their order; set ``Net.omitted`` where votes were
    left out. Returns how many were. Scores and directions are not touched (computed before)."""
    total = sum(len(net.members) for net in nets)
    if total <= per_rule:
        return 0
    groups: list[list[Vote]] = []  # per asset and rule, strongest first; assets in the nets' order
    firsts = []
    for net in nets:
        by_rule: dict[int, list[Vote]] = {}
        for v in net.members:
            by_rule.setdefault(v.rule_index, []).append(v)
        ranked = sorted((sorted(g, key=_strongest_first) for g in by_rule.values()), key=lambda g: _strongest_first(g[0]))
        groups.extend(ranked)
        firsts.append(ranked[0][0])
    if total <= per_document and all(len(g) <= per_rule for g in groups):
        return 0
    kept = {id(v) for v in firsts[:per_document]}  # every asset keeps its strongest vote
    for depth in range(per_rule):  # then each rule its strongest, its second strongest, ...
        if len(kept) >= per_document:
            break
        for g in groups:
            if depth < len(g):
                kept.add(id(g[depth]))
                if len(kept) >= per_document:
                    break
    omitted = 0
    for net in nets:
        dropped: dict[int, int] = {}
        members = []
        for v in net.members:
            if id(v) in kept:
                members.append(v)
            else:
                dropped[v.rule_index] = dropped.get(v.rule_index, 0) + 1
        if dropped:
            net.members, net.omitted = members, dropped
            omitted += sum(dropped.values())
    return omitted
