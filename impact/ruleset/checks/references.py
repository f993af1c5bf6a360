"""Checks that the folder's parts refer to each other: an error here and the folder does not load."""

from __future__ import annotations

from typing import Iterator

from impact.errors import Problem
from impact.ruleset.checks import Check, term_lists
from impact.ruleset.index import RuleIndex
from impact.ruleset.loader import suggest


class UnknownEvent(Check):
    code = "E302"
    needs_every_file = True
    bad = "when: {all: [sanctions.lifed]}"
    good = "when: {all: [sanctions.lifted]}"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for rule in index.rules:
            for k, ref in enumerate(rule.when.refs()):
                if ref.event not in index.events:
                    yield self.problem(
                        index.at("rules", rule.id, "when", rule.when.mode, k),
                        f"unknown event {ref.event!r}{suggest(ref.event, list(index.events))}",
                    )


class UnknownLexicon(Check):
    code = "E303"
    needs_every_file = True
    bad = "zh: ['@negatoin']"
    good = "zh: ['@negation']"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for kind, key, sub, lang, terms in term_lists(index):
            for k, term in enumerate(terms):
                if term.startswith("@") and term[1:] not in index.lexicons:
                    yield self.problem(
                        index.at(kind, key, *sub, lang, k),
                        f"unknown lexicon {term[1:]!r}{suggest(term[1:], list(index.lexicons))}",
                    )


_CYCLE_STEPS = 100_000  # paths walked per lexicon: the first cycles found are reported, never minutes of search


class LexiconCycle(Check):
    code = "E309"
    needs_every_file = True
    bad = "lexicons: {a: {en: ['@b']}, b: {en: ['@a']}}"
    good = "lexicons: {a: {en: ['@b']}, b: {en: [rise, rises]}}"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        def refs(name: str) -> list[tuple[str, str, int]]:
            lex = index.lexicons[name]
            return [(t[1:], lang, k) for lang in ("zh", "en") for k, t in enumerate(getattr(lex, lang))
                    if t.startswith("@") and t[1:] in index.lexicons]

        # only lexicons that can reach back to ``start`` can close a cycle through it: the search
        # keeps to them (a chain of lexicons each referencing the one before twice has no cycle,
        # and walking its 2**depth paths took minutes)
        referenced_by: dict[str, set[str]] = {}
        for name in index.lexicons:
            for target, _, _ in refs(name):
                referenced_by.setdefault(target, set()).add(name)
        reported: set[frozenset[str]] = set()
        for start in index.lexicons:
            reaching = {start}
            todo = [start]
            while todo:
                for source in referenced_by.get(todo.pop(), ()):
                    if source not in reaching:
                        reaching.add(source)
                        todo.append(source)
            stack = [(start, (start,))]
            steps = 0
            while stack and steps < _CYCLE_STEPS:
                name, path = stack.pop()
                steps += 1
                for target, lang, k in refs(name):
                    if target == start and frozenset(path) not in reported:
                        reported.add(frozenset(path))
                        cycle = " -> ".join("@" + p for p in path + (start,))
                        yield self.problem(index.at("lexicons", name, lang, k), f"lexicon reference cycle {cycle}")
                    elif target not in path and target in reaching:
                        stack.append((target, path + (target,)))


class SubjectNeedsSubjectEvents(Check):
    code = "E305"
    bad = "then: [{asset: '{subject}', ...}] with an event lacking `subject: required`"
    good = "subject: required on every event of the rule"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for rule in index.rules:
            refs = [r.event for r in rule.when.refs()]
            if any(e not in index.events for e in refs):
                continue  # E302 already
            if all(index.events[e].subject == "required" for e in refs):
                continue
            for k, view in enumerate(rule.then):
                if view.asset == "{subject}":
                    yield self.problem(
                        index.at("rules", rule.id, "then", k, "asset"),
                        "'{subject}' needs every event of the rule to have `subject: required`",
                    )


class UnknownAsset(Check):
    code = "E307"
    needs_every_file = True
    bad = "then: [{asset: glod, direction: bullish}]"
    good = "then: [{asset: gold, direction: bullish}]"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        known = list(index.assets)

        def unknown(asset: str, kind: str, key: str, *sub: object) -> Iterator[Problem]:
            if asset not in index.assets:  # locate only what is reported: 10,000 rules are checked
                yield self.problem(index.at(kind, key, *sub), f"unknown asset {asset!r}{suggest(asset, known)}")

        for name, event in index.events.items():
            for k, a in enumerate(event.assets):
                yield from unknown(a, "events", name, "assets", k)
        for rule in index.rules:
            for k, view in enumerate(rule.then):
                if view.asset not in ("{subject}", "{others}"):
                    yield from unknown(view.asset, "rules", rule.id, "then", k, "asset")
                for field_name in ("exclude", "fallback"):
                    for m, a in enumerate(getattr(view, field_name)):
                        yield from unknown(a, "rules", rule.id, "then", k, field_name, m)


class ExampleAssetDeclared(Check):
    code = "E308"
    needs_every_file = True
    bad = "expect: {glod: bearish}"
    good = "expect: {gold: bearish}"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for rule in index.rules:
            for j, example in enumerate(rule.examples):
                for asset in example.expect:
                    if asset not in index.assets:
                        yield self.problem(
                            index.at("rules", rule.id, "examples", j, "expect", asset, on_key=True),
                            f"example expects undeclared asset {asset!r}{suggest(asset, list(index.assets))}",
                        )
