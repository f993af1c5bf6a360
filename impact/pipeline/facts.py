"""Event facts: which events happened in which sentence, about which asset, with which modifiers.

Works sentence by sentence on the automaton's hits; only events whose trigger terms occurred
are examined. Near misses (a trigger without its other conditions) are kept for ``--trace``.
"""

from __future__ import annotations

import bisect
import itertools
from dataclasses import dataclass

from impact.ruleset.collection import RuleSet
from impact.ruleset.regexes import RegexError, compile_regex, found_in
from impact.pipeline.matcher import ALIAS, GROUP, MODIFIER, NONE, NOT_WITHIN, TRIGGER, Matcher
from impact.ruleset.modifiers import ASSERTED, CANCELLED_BY, FLAG_OF, FLAGS
from impact.ruleset.schema import MODIFIERS, Lexicon
from impact.pipeline.subject import Mentions, TriggerSpans, coordinated, find_subject
from impact.pipeline.text import Sentence

_UNMET = "condition not met"  # the reason of a miss when no trace asks which condition
_NO_SPANS: tuple[tuple[int, ...], tuple[int, ...]] = ((), ())  # no `not_regex` match in a sentence



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
    # assets the sentence names only inside a `not_within`/`not_regex` span (gold-mining stocks,
    # gold imports): it is about that thing, so a view's `fallback` does not pick that asset
    set_aside: tuple[str, ...] = ()

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
    regexes: tuple  # (compiled RE2 regex, its found_in test) per author regex
    has_none: bool
    ignore: frozenset[str]
    side: str
    # per `all` group: its cache key in SentenceHits.groups and its terms; the terms of `none`
    group_terms: tuple[tuple[tuple[int, int], frozenset[int]], ...] = ()
    none_terms: frozenset[int] = frozenset()
    group_sets: tuple[frozenset[int], ...] = ()  # the terms of each `all` group (group_terms without keys)
    checked: bool = True  # whether a trigger has conditions to check (`all`, `none`, regex)


class SentenceHits:
    """The hits of one sentence, by what their terms are used for."""

    __slots__ = ("aliases", "not_within", "modifiers", "triggers", "terms", "groups", "nones", "_indexed")

    def __init__(self) -> None:  # plain slots: built for every triggered sentence
        self.aliases: list[tuple[int, int, str]] = []
        self.not_within: list[tuple[int, int, str]] = []
        self.modifiers: dict[str, list[tuple[int, int]]] = {}
        self.triggers: dict[int, list[tuple[int, int]]] = {}
        # hits of terms used in `all` groups or `none` vetoes, by term; spread over the events that
        # use them only for an event triggered here, on first use (a common word can sit in the
        # vetoes of dozens of events)
        self.terms: dict[int, list[tuple[int, int]]] = {}
        self.groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
        self.nones: dict[int, list[tuple[int, int]]] = {}
        self._indexed: dict[object, Spans] = {}

    def modifier_spans(self, name: str) -> "Spans | None":
        """The hits of one modifier lexicon, indexed for look-ups in reach (None: no hit)."""
        found = self._indexed.get(name)
        if found is None:
            spans = self.modifiers.get(name)
            if not spans:
                return None
            found = self._indexed[name] = Spans(spans)
        return found

    def group_spans(self, key: tuple[int, int], tids: frozenset[int]) -> "Spans":
        """The hits of the terms of one `all` group, indexed (built once per sentence)."""
        found = self._indexed.get(key)
        if found is None:
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = self.spans_of(tids)
            found = self._indexed[key] = Spans(group)
        return found

    def none_spans(self, event: int, tids: frozenset[int]) -> "Spans":
        """The hits of an event's `none` vetoes, indexed (built once per sentence)."""
        key = ("none", event)
        found = self._indexed.get(key)
        if found is None:
            nones = self.nones.get(event)
            if nones is None:
                nones = self.nones[event] = self.spans_of(tids)
            found = self._indexed[key] = Spans(nones)
        return found

    def spans_of(self, tids: frozenset[int]) -> list[tuple[int, int]]:
        """The hits of these terms in this sentence, in text order."""
        terms = self.terms
        if not terms or tids.isdisjoint(terms):
            return []
        if len(tids) < len(terms):  # walk the smaller of the two
            lists = [terms[tid] for tid in tids if tid in terms]
        else:
            lists = [found for tid, found in terms.items() if tid in tids]
        if len(lists) == 1:  # the hits of one term are in text order already
            return lists[0][:]
        spans = [span for found in lists for span in found]
        spans.sort()
        return spans


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
                regexes=tuple((rx, found_in(rx)) for rx in map(compile_regex, ev.regex)),
                has_none=not ev.none.is_empty(),
                ignore=frozenset(ev.ignore),
                side=ev.subject_side,
            )
        self.subject_events = frozenset(e.index for e in self.events if e.subject)
        # per term, what one hit of it adds to its sentence's SentenceHits, its plan: (kept by term
        # for `all` groups and `none` lists, the events it triggers, the assets it names, the
        # modifier lexicons it is in, the assets whose `not_within` it is), or None for a term of
        # no use there. One walk over the terms' uses (a pack of 10,000 rules has 150,000 terms);
        # terms with the same plan share one object (most share their event's)
        self._plans: list[tuple[bool, tuple, tuple, tuple, tuple] | None] = []
        shared: dict[tuple, tuple] = {}
        trigger_tids: list[int] = []
        group_tids: dict[tuple[int, int], set[int]] = {}
        none_tids: dict[int, set[int]] = {}
        for tid in range(matcher.term_count):
            by_term = False
            events: list[int] = []
            assets: list[str] = []
            lexicons: list[str] = []
            vetoed: list[str] = []
            for use in matcher.uses(tid):
                kind = use[0]
                if kind == GROUP:
                    group_tids.setdefault((use[1], use[2]), set()).add(tid)
                    by_term = True
                elif kind == NONE:
                    none_tids.setdefault(use[1], set()).add(tid)
                    by_term = True
                elif kind == TRIGGER:
                    events.append(use[1])
                elif kind == ALIAS:
                    assets.append(use[1])
                elif kind == MODIFIER:
                    lexicons.append(use[1])
                elif kind == NOT_WITHIN:
                    vetoed.append(use[1])
            if events:
                trigger_tids.append(tid)
            plan = (by_term, tuple(events), tuple(assets), tuple(lexicons), tuple(vetoed))
            self._plans.append(shared.setdefault(plan, plan) if any(plan) else None)
        self._trigger_tids = frozenset(trigger_tids)
        self._group_tids = {key: frozenset(v) for key, v in group_tids.items()}
        self._none_tids = {key: frozenset(v) for key, v in none_tids.items()}
        for spec in self.events:
            spec.group_terms = tuple(
                ((spec.index, g), self._group_tids.get((spec.index, g), frozenset())) for g in range(spec.groups)
            )
            spec.none_terms = self._none_tids.get(spec.index, frozenset())
            spec.group_sets = tuple(tids for _, tids in spec.group_terms)
            spec.checked = bool(spec.groups or spec.has_none or spec.regexes)
        self.lexicons: dict[str, Lexicon] = {m: ruleset.lexicons[m] for m in MODIFIERS if m in ruleset.lexicons}
        self.asset_regexes = {
            a: tuple(compile_regex(r) for r in spec.not_regex) for a, spec in ruleset.assets.items() if spec.not_regex
        }
        # an asset's several `not_regex` as one alternation: one search tells whether any of them
        # matches the sentence at all (most sentences: none, and no pass of each is needed)
        self._asset_probes = {
            a: found_in(probe)
            for a, spec in ruleset.assets.items()
            if len(spec.not_regex) > 1 and (probe := _alternation(spec.not_regex)) is not None
        }

    # -- grouping -------------------------------------------------------------------------

    def group(self, hits: list[tuple[int, int, int]], sentences: list[Sentence]) -> dict[int, SentenceHits]:
        """The hits of each sentence that holds a trigger hit (no other sentence can hold a fact)."""
        out: dict[int, SentenceHits] = {}
        if not hits or not sentences:
            return out
        trigger_tids = self._trigger_tids
        # the sentences that hold a trigger hit wholly: each trigger hit's sentence is the first
        # one ending after the hit starts (sentences are sorted and apart), found by bisect; the
        # hits of a sentence are those starting in it (hits are sorted by start), by bisect too
        triggers = [h for h in hits if h[2] in trigger_tids]
        if not triggers:
            return out
        n = len(sentences)
        ends = [s.end for s in sentences]
        starts: list[int] | None = None
        spans: list[tuple[int, int, int]] = []  # (sentence, first hit, end hit)
        last = -1
        for a, b, _ in triggers:
            si = bisect.bisect_right(ends, a)
            if si == n or si == last:
                continue
            sentence = sentences[si]
            if b > sentence.end or a < sentence.start:
                continue
            last = si
            if starts is None:
                starts = [h[0] for h in hits]
            spans.append((si, bisect.bisect_left(starts, sentence.start), bisect.bisect_left(starts, sentence.end)))
        plans = self._plans
        for i, lo, hi in spans:
            sentence = sentences[i]
            s_start, s_end = sentence.start, sentence.end
            bucket = out[i] = SentenceHits()
            terms, triggered, aliases = bucket.terms, bucket.triggers, bucket.aliases
            for k in range(lo, hi):
                start, end, tid = hits[k]
                if end > s_end or start < s_start:
                    continue
                plan = plans[tid]
                if plan is None:
                    continue
                span = (start, end)
                by_term, events, assets, lexicons, vetoed = plan
                if by_term:
                    terms.setdefault(tid, []).append(span)
                for ev in events:
                    triggered.setdefault(ev, []).append(span)
                for asset in assets:
                    aliases.append((start, end, asset))
                for name in lexicons:
                    bucket.modifiers.setdefault(name, []).append(span)
                for asset in vetoed:
                    bucket.not_within.append((start, end, asset))
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
            subject_triggers: TriggerSpans | None = None  # built when an event first needs a subject
            candidates_for: dict[frozenset[str], Mentions] = {}
            others: tuple[str, ...] | None = None  # the sentence's assets, once a fact needs them
            regex_ok: dict[object, bool] = {}
            events = self.events
            present = bucket.terms.keys()  # the condition terms that occur in the sentence
            for ev_idx, spans in bucket.triggers.items():
                spec = events[ev_idx]
                if not trace and spec.group_sets and any(map(present.isdisjoint, spec.group_sets)):
                    # an `all` group none of whose terms occurs in the sentence fails at every
                    # trigger: most triggered events of a sentence end here (a set test per group)
                    continue
                candidates = None
                if spec.subject:
                    if not mentions and not trace:
                        continue  # no asset named in the sentence: every trigger misses
                    candidates = candidates_for.get(spec.assets)
                    if candidates is None:
                        assets = spec.assets
                        candidates = candidates_for[assets] = Mentions(
                            [m for m in mentions if m[2] in assets] if assets else mentions
                        )
                    if not candidates.items and not trace:
                        continue  # no asset of the event named in the sentence: every trigger misses
                seen: dict[str | None, tuple[tuple[str, ...], set[tuple]]] = {}
                for trig in spans if len(spans) == 1 else _longest_first(spans):
                    if spec.checked:
                        anchors: list[tuple[int, int]] = []
                        reason = self._conditions(norm, sentence, bucket, spec, trig, anchors, regex_ok, trace)
                    else:  # nothing to check: the trigger alone is the event
                        anchors, reason = [trig], None
                    subjects: list[str | None] = [None]
                    if reason is None and candidates is not None:
                        chosen = None
                        if candidates.items:  # no asset named in the sentence: nothing to look for
                            if subject_triggers is None:
                                subject_events = self.subject_events
                                subject_triggers = TriggerSpans(sorted([
                                    span for ev, found in bucket.triggers.items() if ev in subject_events for span in found
                                ]))
                            chosen = find_subject(sentence, trig, candidates, subject_triggers, spec.side)
                        if chosen is None:
                            reason = "no asset named near the trigger" + (
                                f" (needs one of: {', '.join(sorted(spec.assets))})" if spec.assets and trace else ""
                            )
                        else:
                            subjects = coordinated(norm, candidates.items, chosen)
                    if reason is not None:
                        if trace:
                            misses.append(NearMiss(spec.name, si, trig, reason))
                        continue
                    # per subject, the event's first hit in the sentence sets what it asserts
                    # (negated, reversed, conditional: "没有理由降息 ... 只降息一次" stays a
                    # negated cut). A later hit asserting the same with other weights (hedged,
                    # future, a contrast: "可能承压 ... 承压明显") is a fact of its own, so that the
                    # engine can keep the stronger vote whichever comes first; a hit that reads
                    # the same as an earlier one adds nothing.
                    mods, contrast = self._modifiers(sentence, bucket, anchors, spec.ignore)
                    asserts = tuple(f for f in ASSERTED if f in mods) if mods else ()
                    reading = (tuple(mods), contrast)
                    fresh = []
                    for s in subjects:
                        first = seen.get(s)
                        if first is None:
                            seen[s] = (asserts, {reading})
                        elif first[0] != asserts or reading in first[1]:
                            continue
                        else:
                            first[1].add(reading)
                        fresh.append(s)
                    if not fresh:
                        continue
                    if others is None:
                        others = tuple(dict.fromkeys(a for _, _, a in mentions))
                        set_aside = tuple(dict.fromkeys(a for _, _, a in bucket.aliases if a not in others))
                    for subject in fresh:
                        facts.append(Fact(len(facts), spec.name, si, trig, subject, others, mods, contrast, set_aside))
        facts.sort(key=lambda f: (f.trigger, f.event))
        for i, f in enumerate(facts):
            f.id = i
        return facts, misses

    def _mentions(self, norm: str, sentence: Sentence, bucket: SentenceHits) -> list[tuple[int, int, str]]:
        out = []
        if not bucket.aliases:
            return out
        # aliases and vetoes are each sorted by start: look only at vetoes that start in reach
        vetoes = sorted(bucket.not_within)
        if vetoes:
            veto_starts = [v[0] for v in vetoes]
            veto_reach = max([y - x for x, y, _ in vetoes])
        # per asset: the starts of its `not_regex` matches (sorted) and the furthest end among the
        # matches starting at or before each: an alias lies inside a match iff that end reaches it
        vetoed_by_regex: dict[str, tuple[list[int], list[int]]] = {}
        for a, b, asset in bucket.aliases:
            if vetoes:
                lo_k = bisect.bisect_left(veto_starts, b - veto_reach)
                hi_k = bisect.bisect_right(veto_starts, a)
                if any(vetoes[k][1] >= b and vetoes[k][2] == asset for k in range(lo_k, hi_k)):
                    continue
            regexes = self.asset_regexes.get(asset)
            if regexes:
                spans = vetoed_by_regex.get(asset)
                if spans is None:  # one pass of each regex per sentence, not one per alias
                    text = norm[sentence.start : sentence.end]
                    probe = self._asset_probes.get(asset)
                    if probe is not None and not probe(text):
                        found = []
                    else:
                        found = sorted(
                            (m.start() + sentence.start, m.end() + sentence.start)
                            for rx in regexes
                            for m in rx.finditer(text)
                        )
                    spans = vetoed_by_regex[asset] = (
                        [x for x, _ in found],
                        list(itertools.accumulate((y for _, y in found), max)),
                    ) if found else _NO_SPANS
                if spans[0]:
                    k = bisect.bisect_right(spans[0], a)
                    if k and spans[1][k - 1] >= b:
                        continue
            out.append((a, b, asset))
        if len(out) < 2:
            return out
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
        regex_ok: dict[object, bool] | None = None,
        explain: bool = True,
    ) -> str | None:
        """Why the event does not hold at this trigger (None: it holds); fills ``anchors``. Without
        ``explain`` the reason is only ``_UNMET``: no text is formatted for a miss nobody reads."""
        anchors.append(trig)
        span: tuple[int, int] | None = None  # the trigger's clause (or sentence): only found when needed
        t0, t1 = trig
        window = spec.window
        for g, (key, tids) in enumerate(spec.group_terms):
            group = bucket.group_spans(key, tids)
            found = None
            if group.items:
                if span is None:
                    span = _scope(sentence, spec.scope, t0)
                lo, hi = span
                # the first term in text order that is in scope, off the trigger and in the
                # window: only terms in reach are looked at (one ending more than `window`
                # before the trigger starts after t0 - window - reach at the latest)
                items, starts = group.items, group.starts
                first = lo if window is None else max(lo, t0 - window - group.reach)
                for k in range(bisect.bisect_left(starts, first), len(items)):
                    a, b = items[k]
                    if a >= hi or (window is not None and a - t1 > window):
                        break
                    if b > hi or (a < t1 and t0 < b):
                        continue
                    if window is not None and t0 - b > window:
                        continue
                    found = (a, b)
                    break
            if found is None:
                if not explain:
                    return _UNMET
                where = f"within {spec.window} characters" if spec.window else f"in the same {spec.scope}"
                return f"condition all[{g}] has no term {where}"
            anchors.append(found)
        if spec.has_none and not spec.none_terms.isdisjoint(bucket.terms):  # (most: no veto term here)
            # a heading "特朗普:" / "英国央行:" / "Trump:" is the speaker of the whole sentence:
            # its vetoes (a politician's demand, another central bank) hold in every clause
            nones = bucket.none_spans(spec.index, spec.none_terms)
            if nones.items:
                if span is None:
                    span = _scope(sentence, spec.scope, t0)
                veto = nones.first_within(*span)
                if veto is not None:
                    if not explain:
                        return _UNMET
                    return f"vetoed by {norm[veto[0]:veto[1]]!r} (none)"
                head = _heading_end(norm, sentence)
                veto = nones.first_within(sentence.start, head) if head >= 0 else None
                if veto is not None:
                    if not explain:
                        return _UNMET
                    return f"vetoed by {norm[veto[0]:veto[1]]!r} (none, in the heading)"
        for rx, found in spec.regexes:
            ok = regex_ok.get(rx) if regex_ok is not None else None
            if ok is None:  # a regex depends on the sentence only: search it once per sentence
                ok = found(norm[sentence.start : sentence.end])
                if regex_ok is not None:
                    regex_ok[rx] = ok
            if not ok:
                if not explain:
                    return _UNMET
                return f"regex {rx.pattern!r} does not match the sentence"
        return None

    def _modifiers(
        self, sentence: Sentence, bucket: SentenceHits, anchors: list[tuple[int, int]], ignore: frozenset[str]
    ) -> tuple[dict[str, bool], int]:
        """Modifier flags of an event: a modifier near the trigger or near one of its `all` terms."""
        if not bucket.modifiers:  # most sentences: no modifier term at all
            return {}, 0
        trig = anchors[0]
        found = set()
        for name in bucket.modifiers:  # the few modifier lexicons that occur
            flag = FLAG_OF.get(name)
            if flag is not None and flag not in found and name not in ignore:
                lex = self.lexicons[name]
                spans = bucket.modifier_spans(name)
                for anchor in anchors:
                    if self._near(lex, spans, anchor, sentence) and not self._cancelled(name, bucket, anchor, sentence):
                        found.add(flag)
                        break
        flags = {flag: True for flag in FLAGS if flag in found} if found else {}
        contrast = 0
        markers = bucket.modifier_spans("contrast")
        if markers is not None:
            if markers.min_end <= trig[0]:
                contrast = 1
            elif markers.items[-1][0] >= trig[1]:
                contrast = -1
        if not contrast:
            conceded = bucket.modifier_spans("concession")
            # 虽然/尽管/although weakens its own clause only, not the clause it leads to
            # ("Although the dollar strengthened, gold rose": 'rose' keeps its full weight)
            if conceded is not None and conceded.any_ending_before(trig[0], sentence.clause_span(trig[0])[0]):
                contrast = -1
        return flags, contrast

    def _cancelled(self, name: str, bucket: SentenceHits, anchor: tuple[int, int], sentence: Sentence) -> bool:
        """Whether a lexicon that cancels ``name`` (modifiers.CANCELLED_BY) reaches the trigger too."""
        for other in CANCELLED_BY.get(name, ()):
            spans = bucket.modifier_spans(other)
            if spans is not None and other in self.lexicons and self._near(self.lexicons[other], spans, anchor, sentence):
                return True
        return False

    @staticmethod
    def _near(lex: Lexicon, spans: "Spans", trig: tuple[int, int], sentence: Sentence) -> bool:
        """Whether a hit of ``lex`` lies where the lexicon reaches from ``trig``: in its scope,
        off the trigger, on its side, within its distance and clauses. Only the hits next to the
        trigger on each side are looked at (bisect on sorted starts): the nearest one that is no
        overlap decides, so a sentence of thousands of triggers and modifiers stays n log n."""
        lo, hi = _scope(sentence, lex.scope, trig[0])
        t0, t1 = trig
        position, max_distance, max_clauses = lex.position, lex.max_distance, lex.max_clauses
        items, starts, reach = spans.items, spans.starts, spans.reach
        first, last = lo, hi  # the starts a hit may have
        if max_clauses is not None:
            # clauses apart = |bisect_right(clauses, t0) - bisect_right(clauses, a)| <= max_clauses
            clauses = sentence.clauses
            r = bisect.bisect_right(clauses, t0)
            if r - max_clauses - 1 >= 0:
                first = max(first, clauses[r - max_clauses - 1])
            if r + max_clauses < len(clauses):
                last = min(last, clauses[r + max_clauses])
        if position != "after":
            # before the trigger: b <= t0. Scanning back from the trigger, the first hit that
            # ends by t0 is the nearest; the hits skipped on the way overlap the trigger, or
            # end too far from it (only within max_distance + reach of it)
            stop = first if max_distance is None else max(first, t0 - max_distance - reach)
            for k in range(bisect.bisect_left(starts, t0) - 1, bisect.bisect_left(starts, stop) - 1, -1):
                a, b = items[k]
                if b > t0 or b > hi:
                    continue
                if max_distance is not None and t0 - b > max_distance:
                    continue
                return True
        if position != "before":
            # after the trigger: a >= t1, the first in scope (hits crossing the end of the
            # scope start within reach of it)
            if max_distance is not None:
                last = min(last, t1 + max_distance + 1)
            for k in range(bisect.bisect_left(starts, t1), len(items)):
                a, b = items[k]
                if a >= last:
                    break
                if b > hi:
                    continue
                return True
        return False


class Spans:
    """Hits of one sentence sorted by start, with their starts for bisect, the longest hit's
    length and the smallest end: what a look-up needs to visit only the hits in reach."""

    __slots__ = ("items", "starts", "reach", "min_end")

    def __init__(self, items: list[tuple[int, int]]):
        self.items = items
        self.starts = [a for a, _ in items]
        self.reach = max([b - a for a, b in items]) if items else 0
        self.min_end = min([b for _, b in items]) if items else 0

    def first_within(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The first hit (in text order) lying wholly inside [lo, hi]; hits starting in it that
        end past hi all start within ``reach`` of hi."""
        items = self.items
        for k in range(bisect.bisect_left(self.starts, lo), len(items)):
            a, b = items[k]
            if a > hi:
                break
            if b <= hi:
                return items[k]
        return None

    def any_ending_before(self, pos: int, lo: int) -> bool:
        """Whether a hit starting at or after ``lo`` ends at or before ``pos``: scanning back
        from ``pos``, the hits skipped end past it, so start within ``reach`` of it."""
        items = self.items
        for k in range(bisect.bisect_left(self.starts, pos) - 1, bisect.bisect_left(self.starts, lo) - 1, -1):
            if items[k][1] <= pos:
                return True
        return False


def _alternation(patterns: list[str]):
    """One RE2 regex matching wherever any of ``patterns`` matches (each in a group of its own,
    which also bounds its inline flags); None if RE2 does not take the combination."""
    try:
        return compile_regex("|".join(f"(?:{p})" for p in patterns))
    except RegexError:
        return None


def _scope(sentence: Sentence, scope: str, pos: int) -> tuple[int, int]:
    """The span an event's conditions look in: the clause of ``pos``, or the whole sentence."""
    return sentence.clause_span(pos) if scope == "clause" else (sentence.start, sentence.end)


def _heading_end(norm: str, sentence: Sentence) -> int:
    """End of the sentence's heading (its first clause when that clause ends in a colon), else -1."""
    if len(sentence.clauses) < 2:
        return -1
    end = sentence.clauses[1]
    k = end - 1
    while k > sentence.start and norm[k].isspace():
        k -= 1
    return end if norm[k] == ":" else -1


def _longest_first(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Trigger hits of one event, dropping those nested inside a longer hit of the same event."""
    if len(spans) == 1:
        return spans
    ordered = sorted(spans, key=lambda s: (s[0], -(s[1] - s[0])))
    kept: list[tuple[int, int]] = []
    furthest = -1  # every kept span starts at or before s: s is nested iff one reaches its end
    for s in ordered:
        if furthest >= s[1]:
            continue
        kept.append(s)
        furthest = max(furthest, s[1])
    return kept


