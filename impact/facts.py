"""Event facts: which events happened in which sentence, about which asset, with which modifiers.

Works sentence by sentence on the automaton's hits; only events whose trigger terms occurred
are examined. Near misses (a trigger without its other conditions) are kept for ``--trace``.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

from impact.collection import RuleSet
from impact.regexes import compile_regex
from impact.matcher import ALIAS, GROUP, MODIFIER, NONE, NOT_WITHIN, TRIGGER, Matcher
from impact.schema import MODIFIERS, Lexicon
from impact.text import Sentence

FLAG_MODIFIERS = ("negated", "hedged", "reversed", "conditional", "future", "past")
_FLAG_OF = {
    "negation": "negated",
    "hedge": "hedged",
    "reversal": "reversed",
    "conditional": "conditional",
    "future": "future",
    "past": "past",
}


@dataclass(slots=True)
class Fact:
    """One event found in one sentence (normalised coordinates)."""

    id: int
    event: str
    sentence: int
    trigger: tuple[int, int]
    subject: str | None
    others: tuple[str, ...]
    modifiers: dict[str, bool]
    contrast: int  # +1 after a contrast marker in its sentence, -1 before one or after a concession

    def flag(self, name: str) -> bool:
        return self.modifiers.get(name, False)


@dataclass(slots=True)
class NearMiss:
    """An event whose trigger occurred but whose conditions did not all hold."""

    event: str
    sentence: int
    trigger: tuple[int, int]
    reason: str


@dataclass(slots=True)
class _EventSpec:
    name: str
    index: int
    kind: str
    scope: str
    window: int | None
    subject: bool
    assets: frozenset[str]
    groups: int
    regexes: tuple
    has_none: bool
    ignore: frozenset[str]
    side: str


@dataclass(slots=True)
class SentenceHits:
    aliases: list[tuple[int, int, str]] = field(default_factory=list)
    not_within: list[tuple[int, int, str]] = field(default_factory=list)
    modifiers: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    triggers: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    groups: dict[tuple[int, int], list[tuple[int, int]]] = field(default_factory=dict)
    nones: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


class FactExtractor:
    """Compiled event conditions of one rule set."""

    def __init__(self, ruleset: RuleSet, event_index: dict[str, int], matcher: Matcher):
        self.matcher = matcher
        self.events: list[_EventSpec] = [None] * len(event_index)  # type: ignore[list-item]
        for name, ev in ruleset.events.items():
            idx = event_index[name]
            self.events[idx] = _EventSpec(
                name=name,
                index=idx,
                kind=ev.kind,
                scope=ev.scope,
                window=ev.window,
                subject=ev.subject == "required",
                assets=frozenset(ev.assets),
                groups=len(ev.all),
                regexes=tuple(compile_regex(r) for r in ev.regex),
                has_none=not ev.none.is_empty(),
                ignore=frozenset(ev.ignore),
                side=ev.subject_side,
            )
        self.subject_events = frozenset(e.index for e in self.events if e.subject)
        self._trigger_tids = frozenset(
            tid for tid in range(matcher.term_count) if any(use[0] == TRIGGER for use in matcher.uses(tid))
        )
        self.lexicons: dict[str, Lexicon] = {m: ruleset.lexicons[m] for m in MODIFIERS if m in ruleset.lexicons}
        self.asset_regexes = {
            a: tuple(compile_regex(r) for r in spec.not_regex) for a, spec in ruleset.assets.items() if spec.not_regex
        }

    # -- grouping -------------------------------------------------------------------------

    def group(self, hits: list[tuple[int, int, int]], sentences: list[Sentence]) -> dict[int, SentenceHits]:
        """The hits of each sentence that holds a trigger hit (no other sentence can hold a fact)."""
        trigger_tids = self._trigger_tids
        starts = [s.start for s in sentences]
        triggered: set[int] = set()
        for start, end, tid in hits:
            if tid in trigger_tids:
                i = bisect.bisect_right(starts, start) - 1
                if i >= 0 and end <= sentences[i].end:
                    triggered.add(i)
        out: dict[int, SentenceHits] = {}
        if not triggered:
            return out
        hit_starts = [h[0] for h in hits]
        uses = self.matcher.uses
        for i in sorted(triggered):
            sentence = sentences[i]
            bucket = out[i] = SentenceHits()
            for k in range(bisect.bisect_left(hit_starts, sentence.start), bisect.bisect_left(hit_starts, sentence.end)):
                start, end, tid = hits[k]
                if end > sentence.end:
                    continue
                for use in uses(tid):
                    kind = use[0]
                    if kind == TRIGGER:
                        bucket.triggers.setdefault(use[1], []).append((start, end))
                    elif kind == ALIAS:
                        bucket.aliases.append((start, end, use[1]))
                    elif kind == MODIFIER:
                        bucket.modifiers.setdefault(use[1], []).append((start, end))
                    elif kind == GROUP:
                        bucket.groups.setdefault((use[1], use[2]), []).append((start, end))
                    elif kind == NONE:
                        bucket.nones.setdefault(use[1], []).append((start, end))
                    elif kind == NOT_WITHIN:
                        bucket.not_within.append((start, end, use[1]))
        return out

    # -- facts ----------------------------------------------------------------------------

    def extract(
        self, norm: str, sentences: list[Sentence], hits: list[tuple[int, int, int]], *, trace: bool = False
    ) -> tuple[list[Fact], list[NearMiss]]:
        facts: list[Fact] = []
        misses: list[NearMiss] = []
        for si, bucket in self.group(hits, sentences).items():
            if not bucket.triggers:
                continue
            sentence = sentences[si]
            mentions = self._mentions(norm, sentence, bucket)
            subject_triggers = sorted(
                span for ev, spans in bucket.triggers.items() if ev in self.subject_events for span in spans
            )
            for ev_idx, spans in bucket.triggers.items():
                spec = self.events[ev_idx]
                seen: set[str | None] = set()
                for trig in _longest_first(spans):
                    anchors: list[tuple[int, int]] = []
                    reason = self._conditions(norm, sentence, bucket, spec, trig, anchors)
                    subject = None
                    if reason is None and spec.subject:
                        subject = self._subject(sentence, trig, mentions, subject_triggers, spec.assets, spec.side)
                        if subject is None:
                            reason = "no asset named near the trigger" + (
                                f" (needs one of: {', '.join(sorted(spec.assets))})" if spec.assets else ""
                            )
                    if reason is not None:
                        if trace:
                            misses.append(NearMiss(spec.name, si, trig, reason))
                        continue
                    if subject in seen:
                        continue
                    seen.add(subject)
                    mods, contrast = self._modifiers(sentence, bucket, anchors, spec.ignore)
                    others = tuple(dict.fromkeys(a for _, _, a in mentions))
                    facts.append(Fact(len(facts), spec.name, si, trig, subject, others, mods, contrast))
        facts.sort(key=lambda f: (f.trigger, f.event))
        for i, f in enumerate(facts):
            f.id = i
        return facts, misses

    def _mentions(self, norm: str, sentence: Sentence, bucket: SentenceHits) -> list[tuple[int, int, str]]:
        out = []
        for a, b, asset in bucket.aliases:
            if any(x <= a and b <= y and asset == who for x, y, who in bucket.not_within):
                continue
            regexes = self.asset_regexes.get(asset)
            if regexes:
                text = norm[sentence.start : sentence.end]
                if any(
                    m.start() + sentence.start <= a and b <= m.end() + sentence.start
                    for rx in regexes
                    for m in rx.finditer(text)
                ):
                    continue
            out.append((a, b, asset))
        # overlapping aliases of one asset (金价 inside 沪金价) count once
        out.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        kept: list[tuple[int, int, str]] = []
        for m in out:
            if kept and m[0] < kept[-1][1] and m[2] == kept[-1][2]:
                continue
            kept.append(m)
        return kept

    def _conditions(
        self,
        norm: str,
        sentence: Sentence,
        bucket: SentenceHits,
        spec: _EventSpec,
        trig: tuple[int, int],
        anchors: list[tuple[int, int]],
    ) -> str | None:
        """Why the event does not hold at this trigger (None: it holds); fills ``anchors``."""
        lo, hi = sentence.clause_span(trig[0]) if spec.scope == "clause" else (sentence.start, sentence.end)
        anchors.append(trig)
        for g in range(spec.groups):
            found = None
            for a, b in bucket.groups.get((spec.index, g), ()):
                if a < lo or b > hi or (a < trig[1] and trig[0] < b):
                    continue
                if spec.window is not None and max(a - trig[1], trig[0] - b) > spec.window:
                    continue
                found = (a, b)
                break
            if found is None:
                where = f"within {spec.window} characters" if spec.window else f"in the same {spec.scope}"
                return f"condition all[{g}] has no term {where}"
            anchors.append(found)
        if spec.has_none:
            for a, b in bucket.nones.get(spec.index, ()):
                if lo <= a and b <= hi:
                    return f"vetoed by {norm[a:b]!r} (none)"
        for rx in spec.regexes:
            if rx.search(norm[sentence.start : sentence.end]) is None:
                return f"regex {rx.pattern!r} does not match the sentence"
        return None

    @staticmethod
    def _subject(
        sentence: Sentence,
        trig: tuple[int, int],
        mentions: list[tuple[int, int, str]],
        triggers: list[tuple[int, int]],
        allowed: frozenset[str],
        side: str,
    ) -> str | None:
        candidates = [m for m in mentions if not allowed or m[2] in allowed]
        if not candidates:
            return None
        lo, hi = sentence.clause_span(trig[0])

        def blocked(a: int, b: int) -> bool:
            # another subject-taking trigger between the mention and this trigger claims the mention
            return any(t != trig and a <= t[0] and t[1] <= b for t in triggers)

        best = None
        for a, b, asset in candidates:
            if a < trig[1] and trig[0] < b:  # the trigger contains the alias (金价下跌 as one term)
                return asset
            if not (lo <= a and b <= hi):
                continue
            if b <= trig[0]:
                if side == "after":
                    continue
                dist, between = trig[0] - b, (b, trig[0])
            else:
                if side == "before":
                    continue
                dist, between = a - trig[1] + 0.5, (trig[1], a)
            if blocked(*between):
                continue
            if best is None or dist < best[0]:
                best = (dist, asset)
        if best is not None:
            return best[1]
        # a heading such as "锌:" or "Gold:" names the subject of the whole sentence
        first = sentence.clauses[1] if len(sentence.clauses) > 1 else None
        for a, b, asset in candidates:
            if a == sentence.start and first is not None and b + 2 >= first:
                return asset
        if side == "after":
            return None
        # otherwise the nearest mention in an earlier clause with no other trigger in between
        earlier = [m for m in candidates if m[1] <= lo and not blocked(m[1], trig[0])]
        return earlier[-1][2] if earlier else None

    def _modifiers(
        self, sentence: Sentence, bucket: SentenceHits, anchors: list[tuple[int, int]], ignore: frozenset[str]
    ) -> tuple[dict[str, bool], int]:
        """Modifier flags of an event: a modifier near the trigger or near one of its `all` terms."""
        flags: dict[str, bool] = {}
        trig = anchors[0]
        for name, flag in _FLAG_OF.items():
            spans = None if name in ignore else bucket.modifiers.get(name)
            if spans and any(
                self._near(self.lexicons[name], spans, anchor, sentence.clause_span(anchor[0]), sentence)
                for anchor in anchors
            ):
                flags[flag] = True
        contrast = 0
        markers = bucket.modifiers.get("contrast", ())
        if any(b <= trig[0] for a, b in markers):
            contrast = 1
        elif any(a >= trig[1] for a, b in markers):
            contrast = -1
        elif any(b <= trig[0] for a, b in bucket.modifiers.get("concession", ())):
            contrast = -1
        return flags, contrast

    @staticmethod
    def _near(
        lex: Lexicon, spans: list[tuple[int, int]], trig: tuple[int, int], clause: tuple[int, int], sentence: Sentence
    ) -> bool:
        lo, hi = clause if lex.scope == "clause" else (sentence.start, sentence.end)
        for a, b in spans:
            if a < lo or b > hi or (a < trig[1] and trig[0] < b):
                continue
            before = b <= trig[0]
            if lex.position == "before" and not before:
                continue
            if lex.position == "after" and before:
                continue
            if lex.max_distance is not None:
                dist = trig[0] - b if before else a - trig[1]
                if dist > lex.max_distance:
                    continue
            if lex.max_clauses is not None:
                apart = abs(bisect.bisect_right(sentence.clauses, trig[0]) - bisect.bisect_right(sentence.clauses, a))
                if apart > lex.max_clauses:
                    continue
            return True
        return False


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Trigger hits of one event, dropping those nested inside a longer hit of the same event."""
    ordered = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int]] = []
    for s in ordered:
        if any(k[0] <= s[0] and s[1] <= k[1] for k in kept):
            continue
        kept.append(s)
    return kept
