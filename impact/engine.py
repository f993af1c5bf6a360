"""The Engine: a rule set compiled once, applied to documents. Immutable, thread-safe, picklable."""

from __future__ import annotations

import gc
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from impact.collection import RuleSet
from impact.errors import ImpactError, InputError
from impact.facts import FLAG_MODIFIERS, Fact, FactExtractor, NearMiss
from impact.inference import MODES as INFERENCE_MODES, Inference
from impact.pipeline.joins import resolve_backend
from impact.matcher import Matcher
from impact.report import REPORT_SCHEMA, DocumentInfo, Evidence, Report, Signal, Span, Undecided
from impact.resolve import Net, Vote, resolve, weigh
from impact.schema import Rule
from impact.text import OffsetMap, Sentence, detect_language, normalise, segment

if TYPE_CHECKING:
    import pandas as pd

MAX_CHARS = 50_000_000


@dataclass(frozen=True, slots=True)
class Trace:
    """Everything the engine saw in one document, for ``impact explain --trace``."""

    report: Report
    text: str
    norm: str
    offsets: OffsetMap
    sentences: list[Sentence]
    hits: list[tuple[int, int, str]]
    facts: list[Fact]
    near_misses: list[NearMiss]
    fired: list[tuple[str, list[int]]]
    votes: list[Vote]


class _Compiled:
    """The parts of an engine that are rebuilt, never pickled: automaton, conditions, host."""

    def __init__(self, ruleset: RuleSet, inference: str):
        self.rules: list[Rule] = list(ruleset.active_rules)
        self.event_index = {name: i for i, name in enumerate(ruleset.events)}
        self.matcher = Matcher(ruleset, self.event_index)
        self.extractor = FactExtractor(ruleset, self.event_index, self.matcher)
        self.inference = Inference(self.rules, resolve_backend(inference))
        self.rationales = [rule.rationale.strip() for rule in self.rules]
        # per rule and view: modifiers -> the vote's weight, filled as they occur (a few each)
        self.weights: list[list[dict[tuple[str, ...], float]]] = [[{} for _ in rule.then] for rule in self.rules]


_RELATIVE_TIMES = frozenset({"now", "today", "tomorrow", "yesterday"})


def _published(value: Any) -> str | None:
    if value is None or value == "":
        return None
    import numbers

    import pandas as pd

    if isinstance(value, numbers.Number) and not isinstance(value, bool):
        # a bare number is no date: pandas would read 1751340660 as nanoseconds after 1970
        if pd.isna(value):
            return None
        raise InputError(
            f"published_at {value!r} is a number, not a date or time (give ISO 8601 text such as "
            "2025-07-01T03:31:00Z; convert epoch seconds first)"
        )
    if isinstance(value, str) and value.strip().lower() in _RELATIVE_TIMES:
        # pandas reads these as the clock's time: a report would depend on when it was made
        raise InputError(f"published_at {value!r} is relative to now, not a date or time (give ISO 8601 text)")
    try:
        if pd.isna(value):
            return None
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"published_at {value!r} is not a date or time: {exc}") from None
    if ts is pd.NaT:  # the text 'NaT'
        return None
    utc = ts.tz_convert(timezone.utc).tz_localize(None) if ts.tzinfo is not None else ts
    if not pd.Timestamp.min <= utc <= pd.Timestamp.max:
        # outside what a frame's datetime column holds (1677-2262, in UTC): a typo, not news
        raise InputError(f"published_at {value!r} is outside the years 1677 to 2262")
    if ts.tzinfo is None:
        ts = ts.tz_localize(timezone.utc)
    return ts.tz_convert(timezone.utc).isoformat().replace("+00:00", "Z")


class _Clock:
    """Adds the seconds since the previous lap to ``stages[name]`` (benchmarks/run.py's profile)."""

    __slots__ = ("stages", "last")

    def __init__(self, stages: dict[str, float]):
        self.stages = stages
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.last
        self.last = now


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Loading builds hundreds of thousands of objects and no cycles worth collecting: without the
    pause, the cyclic collector walks the growing heap again and again (10,000 rules: 3x slower)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class Engine:
    """Rules in, reports out.

    >>> engine = Engine.from_path()            # the bundled rule pack
    >>> report = engine.evaluate("美元走弱提振金价。")
    >>> [(s.asset, s.direction) for s in report.signals]
    [('gold', 'bullish'), ('usd', 'bearish')]
    """

    __slots__ = ("_ruleset", "_inference", "_compiled", "_build_lock")

    def __init__(self, ruleset: RuleSet, inference: str = "auto"):
        if inference != "auto" and inference not in INFERENCE_MODES:
            raise ValueError(f"inference must be one of {('auto',) + INFERENCE_MODES}, not {inference!r}")
        try:
            self._ruleset
        except AttributeError:  # a new engine: its slots are empty
            pass
        else:
            raise AttributeError("Engine is immutable; build a new one with Engine.from_path()")
        object.__setattr__(self, "_ruleset", ruleset)
        object.__setattr__(self, "_inference", inference)
        object.__setattr__(self, "_compiled", None)
        object.__setattr__(self, "_build_lock", threading.Lock())

    @classmethod
    def from_path(cls, path: str | Path | None = None, *, inference: str = "auto") -> "Engine":
        """Load a rule folder (default: the bundled pack). Raises RuleError with file:line:col.

        The validated rules are cached by the bytes of the rule files (see impact.cache).
        ``inference="durable"`` runs every rule on durable_rules instead of the joins only
        (same results, slower; see impact.inference); ``"python"`` runs the joins in pure Python
        (same results; the default where durable_rules does not import, Python >= 3.13); ``"auto"``
        reads the IMPACT_INFERENCE environment variable, else picks (impact.pipeline.joins).
        """
        from impact.cache import load_cached

        with _gc_paused():
            engine = cls(load_cached(path), inference)
            engine._parts()  # compile now, so that errors and costs show at load time
        return engine

    # -- immutability and pickling -------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Engine is immutable; build a new one with Engine.from_path()")

    def __reduce__(self):
        return (Engine, (self._ruleset, self._inference))

    def _parts(self) -> _Compiled:
        parts = self._compiled
        if parts is None:
            with self._build_lock:
                parts = self._compiled
                if parts is None:
                    parts = _Compiled(self._ruleset, self._inference)
                    object.__setattr__(self, "_compiled", parts)
        return parts

    @property
    def ruleset(self) -> RuleSet:
        return self._ruleset

    @property
    def inference(self) -> str:
        """The inference backend that runs: "joins", "durable" or "python" (impact.pipeline.joins)."""
        return self._parts().inference.mode

    @property
    def ruleset_hash(self) -> str:
        return self._ruleset.hash

    @property
    def assets(self) -> list[str]:
        return list(self._ruleset.assets)

    # -- evaluation ----------------------------------------------------------------------

    def evaluate(self, text: str, doc_id: str | None = None, published_at: Any = None) -> Report:
        """Evaluate one document; raises InputError for input that is not text."""
        return self._run(text, doc_id, published_at, trace=False).report

    def trace(self, text: str, doc_id: str | None = None, published_at: Any = None) -> Trace:
        """Evaluate one document and keep every intermediate step (facts, near misses, votes)."""
        return self._run(text, doc_id, published_at, trace=True)

    def _run(
        self, text: str, doc_id: Any, published_at: Any, *, trace: bool, stages: dict[str, float] | None = None
    ) -> Trace:
        """One document through every stage; ``stages`` (benchmarks) collects seconds per stage."""
        if not isinstance(text, str):
            raise InputError(f"text must be a string, not {type(text).__name__}")
        if len(text) > MAX_CHARS:
            raise InputError(f"document has {len(text):,} characters; the limit is {MAX_CHARS:,}")
        clock = _Clock(stages) if stages is not None else None
        when = _published(published_at)
        parts = self._parts()
        norm, offsets = normalise(text)
        if clock:
            clock.lap("normalise")
        sentences = segment(norm)
        if clock:
            clock.lap("segment")
        try:
            hits = parts.matcher.scan(norm)
        except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800" from JSON, or a Python caller)
            raise InputError(
                f"text is not valid Unicode: a lone surrogate {norm[exc.start]!r} at character {offsets.start(exc.start)}"
            ) from None
        if clock:
            clock.lap("match")
        facts, misses = parts.extractor.extract(norm, sentences, hits, trace=trace)
        if clock:
            clock.lap("facts")
        # original span of a normalised span (most documents need no normalisation: identity)
        original = _same_span if offsets.plain else offsets.span
        votes: list[Vote] = []
        fired: list[tuple[str, list[int]]] = []
        # a rule votes once per sentence and asset: its strongest vote there (facts that read a
        # sentence differently may fire it twice; which comes first must not decide)
        seen: dict[tuple[int, int, str], int] = {}

        def on_fire(rule_index: int, fact_ids: list[int]) -> None:
            rule = parts.rules[rule_index]
            chosen = [facts[i] for i in fact_ids]
            if trace:
                fired.append((rule.id, fact_ids))
            for vote in _votes(rule, rule_index, chosen, text, original, parts.weights[rule_index]):
                key = (rule_index, vote.sentence, vote.asset)
                at = seen.get(key)
                if at is None:
                    seen[key] = len(votes)
                    votes.append(vote)
                elif vote.weight > votes[at].weight:
                    votes[at] = vote

        if facts:  # no fact, no rule can fire: durable_rules is not called at all
            parts.inference.run(facts, on_fire)
        if clock:
            clock.lap("infer")
        nets = resolve(votes)
        if clock:
            clock.lap("resolve")
        # every value below is checked already (validated rules, the resolver's arithmetic)
        report = Report._build(
            schema_id=REPORT_SCHEMA,
            document=DocumentInfo._build(
                id=None if doc_id is None else str(doc_id),
                language=detect_language(text),
                chars=len(text),
                published_at=when,
            ),
            signals=[_signal(net, parts, sentences, text, original) for net in nets if net.direction is not None],
            undecided=[
                Undecided._build(
                    asset=net.asset,
                    reason=net.undecided,
                    score=net.score,
                    votes=net.votes,
                    evidence=_evidence(net, parts, sentences, text, original),
                )
                for net in nets
                if net.direction is None
            ],
            ruleset=self._ruleset.hash,
        )
        if clock:
            clock.lap("report")
        named_hits = [(a, b, parts.matcher.term(t)) for a, b, t in hits] if trace else []
        return Trace(report, text, norm, offsets, sentences, named_hits, facts, misses, fired, votes)

    def evaluate_many(self, records: Iterable[dict[str, Any]]) -> Iterator[Report | dict[str, Any]]:
        """Evaluate records ``{"id", "text", "published_at"?}``; a bad record yields an error dict
        (any failure: a rule whose action fails, even a bug, costs its record, not the rest)."""
        for n, record in enumerate(records):
            rid = record.get("id", n) if isinstance(record, dict) else n
            result: Report | dict[str, Any]
            try:
                if not isinstance(record, dict):
                    raise InputError(f"record is a {type(record).__name__}, not an object")
                if "text" not in record:
                    raise InputError("record has no 'text'")
                result = self.evaluate(record["text"], doc_id=rid, published_at=record.get("published_at"))
            except ImpactError as exc:
                result = {"id": rid, "error": str(exc)}
            except Exception as exc:  # noqa: BLE001
                result = {"id": rid, "error": f"internal error: {type(exc).__name__}: {exc}"}
            yield result

    def evaluate_frame(
        self,
        df: "pd.DataFrame",
        text: str = "text",
        id: str = "id",
        time: str | None = "published_at",
        per: str = "signal",
        tz: Any = None,
    ) -> "pd.DataFrame":
        """Evaluate a DataFrame of documents; see impact.frames for the output columns.
        ``tz`` (e.g. "Asia/Shanghai") is the zone of naive times; without it they are read as UTC
        and a NaiveTimeWarning says so (impact.timezones)."""
        from impact.frames import evaluate_frame

        return evaluate_frame(self, df, text=text, id=id, time=time, per=per, tz=tz)

    def __repr__(self) -> str:
        rs = self._ruleset
        return f"Engine(rules={len(rs.rules)}, events={len(rs.events)}, assets={len(rs.assets)}, hash={rs.hash})"


def _same_span(a: int, b: int) -> tuple[int, int]:
    return a, b


def _votes(
    rule: Rule,
    rule_index: int,
    facts: list[Fact],
    text: str,
    original: Callable[[int, int], tuple[int, int]],
    weights: list[dict[tuple[str, ...], float]],
) -> Iterator[Vote]:
    anchor = facts[0] if len(facts) == 1 else max(facts, key=lambda f: f.trigger)
    flags = anchor.modifiers
    mods = [m for m in FLAG_MODIFIERS if flags.get(m)] if flags else []
    if anchor.contrast > 0:
        mods.append("after-contrast")
    elif anchor.contrast < 0:
        mods.append("before-contrast")
    modifiers = tuple(mods)
    t0, t1 = original(*anchor.trigger)
    trigger_text = text[t0:t1]
    events = (anchor.event,) if len(facts) == 1 else tuple(dict.fromkeys(f.event for f in facts))
    for view, weight_of in zip(rule.then, weights):
        weight = weight_of.get(modifiers)
        if weight is None:
            weight = weight_of[modifiers] = round(weigh(view.strength, rule.basis, modifiers), 4)
        if view.asset == "{subject}":
            targets = list(dict.fromkeys(f.subject for f in facts if f.subject))
        elif view.asset == "{others}":
            targets = [a for a in anchor.others if a not in view.exclude] or list(view.fallback)
        else:
            targets = [view.asset]
        for asset in targets:
            explanation = rule.explain.format(
                asset=asset, direction=view.direction, trigger=trigger_text, event=anchor.event, events=", ".join(events)
            )
            yield Vote(
                asset=asset,
                direction=view.direction,
                weight=weight,
                rule_index=rule_index,
                sentence=anchor.sentence,
                trigger=anchor.trigger,
                events=events,
                modifiers=modifiers,
                explanation=explanation,
                horizon=view.horizon,
                basis=rule.basis,
            )


def _signal(
    net: Net, parts: _Compiled, sentences: list[Sentence], text: str, original: Callable[[int, int], tuple[int, int]]
) -> Signal:
    evidence = _evidence(net, parts, sentences, text, original)
    return Signal._build(asset=net.asset, direction=net.direction, score=net.score, votes=net.votes, evidence=evidence)


def _evidence(
    net: Net, parts: _Compiled, sentences: list[Sentence], text: str, original: Callable[[int, int], tuple[int, int]]
) -> list[Evidence]:
    evidence = []
    rules, rationales = parts.rules, parts.rationales
    cited: dict[int, tuple[int, int, str]] = {}
    for v in net.members:
        rule = rules[v.rule_index]
        where = cited.get(v.sentence)
        if where is None:
            s = sentences[v.sentence]
            start, end = original(s.start, s.end)
            where = cited[v.sentence] = (start, end, text[start:end])
        t0, t1 = original(*v.trigger)
        evidence.append(
            Evidence._build(
                rule=rule.id,
                rule_version=rule.version,
                direction=v.direction,
                sentence=where[2],
                start=where[0],
                end=where[1],
                explanation=v.explanation,
                rationale=rationales[v.rule_index],
                basis=rule.basis,
                horizon=v.horizon,
                weight=v.weight,
                counted=v.counted,
                events=list(v.events),
                trigger=Span._build(start=t0, end=t1, text=text[t0:t1]),
                modifiers=list(v.modifiers),
            )
        )
    return evidence
