"""Cases, expectations and how one case is judged against an engine's reports.

A case names one asset and what a market analyst would say about it. Three kinds, after CheckList
(Ribeiro et al., "Beyond Accuracy", ACL 2020):

- MFT (minimum functionality): ``text`` alone; its call on ``asset`` must match ``expect``.
- INV (invariance): ``base`` and ``text`` (the base with a perturbation that must not matter);
  both must give the expected call, and the same direction. A pack that gets the base wrong fails
  the case too, so a pack that says nothing cannot pass invariance by silence.
- DIR (directional): ``base`` and ``text`` with their own expectations, and optionally a relation
  between their scores (``weaker``: a hedge lowers |score|; ``not_weaker``: agreeing evidence never
  lowers it; ``same_score``: an independent clause about another asset leaves it as it was).

Call specs (what the report says about the asset):

- ``bullish`` / ``bearish`` / ``neutral``: a signal in that direction.
- ``none``: no signal on the asset (an undecided asset is no call either).
- ``flat``: no bullish or bearish signal (none, undecided or neutral).
- ``not_bullish`` / ``not_bearish``: anything but a signal in that direction.

Basis specs (on the counted evidence of the asset's signal): ``reported``: a move that happened:
some counted evidence is ``reported`` and none is ``explicit``; ``view``: a forecast, expectation
or driver: the asset has a bullish/bearish signal and no counted evidence is ``reported``;
``not_reported``: whatever the call, no counted evidence on the asset is ``reported``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CALLS = ("bullish", "bearish", "neutral", "none", "flat", "not_bullish", "not_bearish")
BASES = ("reported", "view", "not_reported")
RELATIONS = ("weaker", "not_weaker", "same_score")
KINDS = ("MFT", "INV", "DIR")
LANGS = ("zh", "en")

# scores are rounded by the engine to two places; two scores this close are the same score
SCORE_TOLERANCE = 0.02


@dataclass(frozen=True)
class Case:
    capability: str
    lang: str
    kind: str
    asset: str
    text: str
    expect: str
    base: str | None = None
    base_expect: str | None = None
    relation: str | None = None
    basis: str | None = None
    other: str | None = None  # a second asset whose |score| must equal this one's (contrast)
    name: str = ""  # the template or perturbation the case comes from

    def __post_init__(self) -> None:
        assert self.kind in KINDS, self.kind
        assert self.lang in LANGS, self.lang
        assert self.expect in CALLS, self.expect
        assert self.base_expect is None or self.base_expect in CALLS, self.base_expect
        assert self.relation is None or self.relation in RELATIONS, self.relation
        assert self.basis is None or self.basis in BASES, self.basis
        assert (self.base is None) == (self.kind == "MFT"), (self.kind, self.base)
        assert self.kind == "MFT" or self.base_expect is not None
        assert self.base != self.text

    @property
    def key(self) -> tuple[Any, ...]:
        return (self.capability, self.kind, self.asset, self.base, self.text, self.expect, self.relation,
                self.basis, self.other)

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None and v != ""}


@dataclass(frozen=True)
class Call:
    """What one report says about one asset."""

    direction: str | None  # bullish / bearish / neutral, or None (no signal; see undecided)
    score: float
    undecided: bool = False
    bases: tuple[str, ...] = ()  # bases of the counted evidence
    rules: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.direction is None:
            return "undecided" if self.undecided else "no call"
        basis = f" [{','.join(sorted(set(self.bases)))}]" if self.bases else ""
        return f"{self.direction} {self.score:+.2f}{basis}"


def read_call(report: Any, asset: str) -> Call:
    for signal in report.signals:
        if signal.asset == asset:
            counted = [e for e in signal.evidence if e.counted]
            return Call(signal.direction, float(signal.score), False, tuple(e.basis for e in counted),
                        tuple(e.rule for e in counted))
    for item in getattr(report, "undecided", []) or []:
        if item.asset == asset:
            counted = [e for e in item.evidence if e.counted]
            return Call(None, float(item.score), True, tuple(e.basis for e in counted), tuple(e.rule for e in counted))
    return Call(None, 0.0)


def call_matches(call: Call, spec: str) -> bool:
    d = call.direction
    if spec in ("bullish", "bearish", "neutral"):
        return d == spec
    if spec == "none":
        return d is None
    if spec == "flat":
        return d not in ("bullish", "bearish")
    if spec == "not_bullish":
        return d != "bullish"
    if spec == "not_bearish":
        return d != "bearish"
    raise ValueError(spec)


def basis_matches(call: Call, spec: str) -> bool:
    if spec == "reported":
        return call.direction in ("bullish", "bearish") and "reported" in call.bases and "explicit" not in call.bases
    if spec == "view":
        return call.direction in ("bullish", "bearish") and bool(call.bases) and "reported" not in call.bases
    if spec == "not_reported":
        return "reported" not in call.bases
    raise ValueError(spec)


@dataclass
class Result:
    case: Case
    passed: bool
    got: str
    got_base: str | None = None
    why: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = self.case.to_dict()
        out.update(passed=self.passed, got=self.got, why=self.why)
        if self.got_base is not None:
            out["got_base"] = self.got_base
        return out


def judge(case: Case, evaluate: Any) -> Result:
    """Judge one case; ``evaluate`` maps a text to a report (memoised by the caller)."""
    why: list[str] = []
    call = read_call(evaluate(case.text), case.asset)
    if not call_matches(call, case.expect):
        why.append(f"{case.asset}: expected {case.expect}, got {call.describe()}")
    if case.basis is not None and not basis_matches(call, case.basis):
        why.append(f"{case.asset}: expected basis {case.basis}, got {call.describe()}")
    base_call = None
    if case.base is not None:
        base_call = read_call(evaluate(case.base), case.asset)
        if case.base_expect is not None and not call_matches(base_call, case.base_expect):
            why.append(f"base: expected {case.base_expect}, got {base_call.describe()}")
        if case.kind == "INV" and base_call.direction != call.direction:
            why.append(f"the perturbation changed the call: {base_call.describe()} -> {call.describe()}")
        if case.relation == "weaker" and not abs(call.score) < abs(base_call.score) - 1e-9:
            why.append(f"|score| must fall: {abs(base_call.score):.2f} -> {abs(call.score):.2f}")
        if case.relation == "not_weaker" and abs(call.score) < abs(base_call.score) - 1e-9:
            why.append(f"|score| fell with agreeing evidence: {abs(base_call.score):.2f} -> {abs(call.score):.2f}")
        if case.relation == "same_score" and abs(abs(call.score) - abs(base_call.score)) > SCORE_TOLERANCE:
            why.append(f"|score| changed: {abs(base_call.score):.2f} -> {abs(call.score):.2f}")
    if case.other is not None:
        other = read_call(evaluate(case.text), case.other)
        if abs(abs(other.score) - abs(call.score)) > SCORE_TOLERANCE:
            why.append(f"unequal weights for equal moves: {case.asset} {call.describe()}, "
                       f"{case.other} {other.describe()}")
    return Result(case, not why, call.describe(), base_call.describe() if base_call else None, why)
