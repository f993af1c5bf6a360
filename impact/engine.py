"""The Engine: a rule set compiled once, applied to documents. Immutable, thread-safe, picklable."""

from __future__ import annotations

import bisect
import gc
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from impact.ruleset.collection import RuleSet
from impact.errors import BudgetError, InputError
from impact.pipeline.compile import Compiled
from impact.pipeline.document import DocumentFailure, attempt, parse_published
from impact.pipeline.facts import Fact, NearMiss
from impact.pipeline.inference import MODES as INFERENCE_MODES
from impact.report import REPORT_SCHEMA, DocumentInfo, Evidence, Release, Report, Signal, Span, Undecided
from impact.pipeline.resolve import Net, Vote, cap_evidence, resolve, weigh
from impact.ruleset.modifiers import vote_modifiers
from impact.ruleset.schema import Rule
from impact.pipeline.text import OffsetMap, Sentence, detect_language, digest_items, normalise, segment

if TYPE_CHECKING:
    import pandas as pd

    from impact.ruleset.collection import RulePath

# Characters per document, from what one document may cost: the stages before the work budget
# (normalise, segment, match) hold up to about 95 bytes per character (text of two-character
# sentences, the worst shape measured; ordinary news about 25), the work budget below bounds the
# facts and votes (about 100 MB at MAX_FACTS) and the cited evidence is capped
# (impact.pipeline.resolve.cap_evidence): at most about 2 GB for one document, and a 20 MB page
# of news fits.
MAX_CHARS = 20_000_000
# The work budget of one document: every stage is linear (or n log n) in these counts, and a
# document past either is refused with BudgetError (an error record in a batch), never a stalled
# batch. News runs at 50-80 term hits and 2-10 facts per 1,000 characters, so a document of
# 10 MB of ordinary news stays inside; text built to crowd triggers reaches them far sooner.
MAX_HITS = 1_000_000  # term hits of the rule set's automaton
MAX_FACTS = 50_000  # event facts, what inference, votes and evidence are built from


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
    rules: tuple[Rule, ...]  # the rules that ran, in the order ``Vote.rule_index`` counts them
    term_uses: list[tuple[int, int, tuple[tuple, ...]]]  # per hit of ``hits``: what its term is used for
    releases: list = ()  # economic releases read (impact.pipeline.releases.Reading), in line ones too


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
    def from_path(cls, path: "RulePath" = None, *, inference: str = "auto") -> "Engine":
        """Load a rule folder (default: the bundled pack). Raises RuleError with file:line:col.

        ``path`` may be a stack of folders, bottom first: ``["bundled", "my_rules/"]`` (the string
        "bundled" names the bundled pack). A later folder adds assets, lexicons, events and rules,
        replaces an earlier item of the same id that says ``override: true``, and turns earlier
        rules off with ``disable: [ids]``; the rule-set hash covers every folder, in order.

        The validated rules are cached by the bytes of the rule files (see impact.ruleset.cache).
        ``inference="durable"`` runs every rule on durable_rules instead of the joins only
        (same results, slower; see impact.pipeline.inference); ``"python"`` runs the joins in pure Python
        (same results; the default where durable_rules does not import, Python >= 3.13); ``"auto"``
        reads the IMPACT_INFERENCE environment variable, else picks (impact.pipeline.joins).
        """
        from impact.ruleset.cache import load_cached

        with _gc_paused():
            engine = cls(load_cached(path), inference)
            engine.compiled  # compile now, so that errors and costs show at load time
        return engine

    # -- immutability and pickling -------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Engine is immutable; build a new one with Engine.from_path()")

    def __reduce__(self):
        return (Engine, (self._ruleset, self._inference))

    @property
    def compiled(self) -> Compiled:
        """The parts built from the rule set (automaton, conditions, inference host), built on
        first use and never pickled: what tools and benchmarks may look at, not change."""
        parts = self._compiled
        if parts is None:
            with self._build_lock:
                parts = self._compiled
                if parts is None:
                    parts = Compiled(self._ruleset, self._inference)
                    object.__setattr__(self, "_compiled", parts)
        return parts

    @property
    def ruleset(self) -> RuleSet:
        return self._ruleset

    @property
    def inference(self) -> str:
        """The inference backend that runs: "joins", "durable" or "python" (impact.pipeline.joins)."""
        return self.compiled.inference.mode

    @property
    def ruleset_hash(self) -> str:
        return self._ruleset.hash

    @property
    def assets(self) -> list[str]:
        return list(self._ruleset.assets)

    # -- evaluation ----------------------------------------------------------------------

    def evaluate(self, text: str, doc_id: str | None = None, published_at: Any = None) -> Report:
        """Evaluate one document; raises InputError for input that is not text."""
        return self._run(text, doc_id, published_at, trace=False)

    def profile(
        self, text: str, stages: dict[str, float], doc_id: str | None = None, published_at: Any = None
    ) -> Report:
        """:meth:`evaluate`, adding the seconds each stage took to ``stages`` (normalise, segment,
        match, facts, infer, resolve, report): the profiling hook of benchmarks/run.py."""
        return self._run(text, doc_id, published_at, trace=False, stages=stages)

    def trace(self, text: str, doc_id: str | None = None, published_at: Any = None) -> Trace:
        """Evaluate one document and keep every intermediate step (facts, near misses, votes)."""
        return self._run(text, doc_id, published_at, trace=True)

    def _run(
        self, text: str, doc_id: Any, published_at: Any, *, trace: bool, stages: dict[str, float] | None = None
    ) -> Any:
        """One document through every stage; ``stages`` (:meth:`profile`) collects seconds per stage.
        Returns the :class:`Trace` with ``trace``, else only the report (no trace record is built
        when nobody asked for one)."""
        if not isinstance(text, str):
            raise InputError(f"text must be a string, not {type(text).__name__}")
        if len(text) > MAX_CHARS:
            raise InputError(f"document has {len(text):,} characters; the limit is {MAX_CHARS:,}")
        clock = _Clock(stages) if stages is not None else None
        when = parse_published(published_at)
        parts = self._compiled or self.compiled
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
        if len(hits) > MAX_HITS:
            raise BudgetError(
                f"document exceeds the work budget: {len(hits):,} term hits (the limit is {MAX_HITS:,} per "
                "document); split it into smaller documents"
            )
        # no hit, no fact: the extractor is not called
        facts, misses = parts.extractor.extract(norm, sentences, hits, trace=trace) if hits else ([], [])
        if clock:
            clock.lap("facts")
        if len(facts) > MAX_FACTS:
            raise BudgetError(
                f"document exceeds the work budget: {len(facts):,} event facts (the limit is {MAX_FACTS:,} per "
                "document); split it into smaller documents"
            )
        # original span of a normalised span (most documents need no normalisation: identity)
        original = _same_span if offsets.plain else offsets.span
        votes: list[Vote] = []
        fired: list[tuple[str, list[int]]] = []
        # a rule votes once per sentence and asset: its strongest vote there (facts that read a
        # sentence differently may fire it twice; which comes first must not decide)
        # the digest item of a sentence, found when a vote first asks (the text is read for
        # digest items once, and only when some rule fired or a release was read)
        item_of = _item_of(text, sentences, original) if facts else None

        if facts:  # no fact, no rule can fire: durable_rules is not called at all
            seen: dict[tuple[int, int, str], int] = {}
            shared: dict[tuple, str] = {}  # one explanation string per distinct text (repeated sentences)
            rules, weights = parts.rules, parts.weights

            def on_fire(rule_index: int, fact_ids: list[int]) -> None:
                rule = rules[rule_index]
                chosen = [facts[i] for i in fact_ids]
                if trace:
                    fired.append((rule.id, fact_ids))
                for vote in _votes(rule, rule_index, chosen, text, original, weights[rule_index], item_of, shared):
                    key = (rule_index, vote.sentence, vote.asset)
                    at = seen.get(key)
                    if at is None:
                        seen[key] = len(votes)
                        votes.append(vote)
                    elif vote.weight > votes[at].weight:
                        votes[at] = vote

            parts.inference.run(facts, on_fire)
        if clock:
            clock.lap("infer")
        readings = parts.releases.read(norm, sentences) if parts.releases is not None and norm else []
        if readings:  # economic releases: votes of their own, in the same resolution
            if item_of is None:
                item_of = _item_of(text, sentences, original)
            votes.extend(parts.releases.votes(readings, parts.release_base, item_of))
        if clock:
            clock.lap("releases")
        nets = resolve(votes) if votes else []
        omitted = cap_evidence(nets) if nets else 0  # the evidence cited is bounded; the nets were computed over every vote
        if clock:
            clock.lap("resolve")
        # every value below is checked already (validated rules, the resolver's arithmetic)
        report = Report.from_checked(
            schema_id=REPORT_SCHEMA,
            document=DocumentInfo.from_checked(
                id=None if doc_id is None else str(doc_id),
                language=detect_language(text),
                chars=len(text),
                published_at=when,
            ),
            signals=[_signal(net, parts, sentences, text, original) for net in nets if net.direction is not None]
            if nets else [],
            undecided=[
                Undecided.from_checked(
                    asset=net.asset,
                    reason=net.undecided,
                    score=net.score,
                    votes=net.votes,
                    evidence=_evidence(net, parts, sentences, text, original),
                    evidence_omitted=_omitted(net, parts),
                )
                for net in nets
                if net.direction is None
            ] if nets else [],
            ruleset=self._ruleset.hash,
            truncated=omitted > 0,
            evidence_omitted=omitted,
        )
        if clock:
            clock.lap("report")
        if not trace:
            return report
        matcher = parts.matcher
        named_hits = [(a, b, matcher.term(t)) for a, b, t in hits]
        uses = [(a, b, tuple(matcher.uses(t))) for a, b, t in hits]
        return Trace(report, text, norm, offsets, sentences, named_hits, facts, misses, fired, votes,
                     tuple(parts.rules), uses, readings)

    def evaluate_many(self, records: Iterable[dict[str, Any]]) -> Iterator[Report | dict[str, Any]]:
        """Evaluate records ``{"id", "text", "published_at"?}``; a bad record yields its
        :class:`DocumentFailure` as a dict ``{"id", "error"}``."""
        for n, record in enumerate(records):
            if not isinstance(record, dict):
                failure = DocumentFailure.of(InputError(f"record is a {type(record).__name__}, not an object"), n)
                yield failure.to_dict()
                continue
            rid = record.get("id", n)
            if "text" not in record:
                yield DocumentFailure.of(InputError("record has no 'text'"), rid).to_dict()
                continue
            result = attempt(self, record["text"], doc_id=rid, published_at=record.get("published_at"))
            yield result.to_dict() if isinstance(result, DocumentFailure) else result

    def evaluate_frame(
        self,
        df: "pd.DataFrame",
        text: str = "text",
        id: str = "id",
        time: str | None = "published_at",
        per: str = "signal",
        tz: Any = None,
    ) -> "pd.DataFrame":
        """Evaluate a DataFrame of documents; see impact.io.frames for the output columns.
        ``tz`` (e.g. "Asia/Shanghai") is the zone of naive times; without it they are read as UTC
        and a NaiveTimeWarning says so (impact.timezones)."""
        from impact.io.frames import evaluate_frame

        return evaluate_frame(self, df, text=text, id=id, time=time, per=per, tz=tz)

    def __repr__(self) -> str:
        rs = self._ruleset
        return f"Engine(rules={len(rs.rules)}, events={len(rs.events)}, assets={len(rs.assets)}, hash={rs.hash})"


def _same_span(a: int, b: int) -> tuple[int, int]:
    return a, b


def _item_of(
    text: str, sentences: list[Sentence], original: Callable[[int, int], tuple[int, int]]
) -> Callable[[int], int]:
    """The digest item of each sentence (by index), -1 for every sentence when the text is no
    digest; the text is read for its items on the first call."""
    found: list[tuple[int, ...]] = []

    def item(sentence: int) -> int:
        if not found:
            found.append(digest_items(text))
        starts = found[0]
        if not starts:
            return -1
        s = sentences[sentence]
        return max(bisect.bisect_right(starts, original(s.start, s.end)[0]) - 1, 0)

    return item


def _votes(
    rule: Rule,
    rule_index: int,
    facts: list[Fact],
    text: str,
    original: Callable[[int, int], tuple[int, int]],
    weights: list[dict[tuple[str, ...], tuple[float, tuple[tuple[str, float], ...]]]],
    item_of: Callable[[int], int] | None = None,
    shared: dict[tuple, str] | None = None,
) -> Iterator[Vote]:
    anchor = facts[0] if len(facts) == 1 else max(facts, key=lambda f: f.trigger)
    modifiers = vote_modifiers(anchor.modifiers, anchor.contrast)
    t0, t1 = original(*anchor.trigger)
    trigger_text = text[t0:t1]
    events = (anchor.event,) if len(facts) == 1 else tuple(dict.fromkeys(f.event for f in facts))
    item = item_of(anchor.sentence) if item_of is not None else -1
    for view, weight_of in zip(rule.then, weights):
        weighed = weight_of.get(modifiers)
        if weighed is None:
            weight, factors = weigh(view.strength, rule.basis, modifiers)
            weighed = weight_of[modifiers] = (round(weight, 4), factors)
        weight, factors = weighed
        if view.asset == "{subject}":
            targets = list(dict.fromkeys(f.subject for f in facts if f.subject))
        elif view.asset == "{others}":
            targets = [a for a in anchor.others if a not in view.exclude] or [
                a for a in view.fallback if a not in anchor.set_aside]  # not when named only as miners, imports...
        else:
            targets = [view.asset]
        for asset in targets:
            key = (rule_index, asset, view.direction, trigger_text, anchor.event, events)
            explanation = shared.get(key) if shared is not None else None
            if explanation is None:
                explanation = rule.explain.format(
                    asset=asset, direction=view.direction, trigger=trigger_text, event=anchor.event, events=", ".join(events)
                )
                if shared is not None:
                    shared[key] = explanation
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
                factors=factors,
                item=item,
                strength=view.strength,
            )


def _signal(
    net: Net, parts: Compiled, sentences: list[Sentence], text: str, original: Callable[[int, int], tuple[int, int]]
) -> Signal:
    evidence = _evidence(net, parts, sentences, text, original)
    return Signal.from_checked(asset=net.asset, direction=net.direction, score=net.score, votes=net.votes, evidence=evidence,
                               evidence_omitted=_omitted(net, parts))


def _omitted(net: Net, parts: Compiled) -> dict[str, int] | None:
    """The votes of ``net`` its evidence does not cite (``cap_evidence``), by rule id."""
    if net.omitted is None:
        return None
    return {parts.rules[i].id: n for i, n in net.omitted.items()}


def _evidence(
    net: Net, parts: Compiled, sentences: list[Sentence], text: str, original: Callable[[int, int], tuple[int, int]]
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
            Evidence.from_checked(
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
                trigger=Span.from_checked(start=t0, end=t1, text=text[t0:t1]),
                modifiers=list(v.modifiers),
                release=None if v.release is None else Release.model_construct(**v.release),
            )
        )
    return evidence
