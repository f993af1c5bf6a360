"""Checks of a rule's examples: that it has them, both ways, and that they expect what it can say."""

from __future__ import annotations

from typing import Iterator

from impact.errors import Problem
from impact.ruleset.checks import Check
from impact.ruleset.index import RuleIndex
from impact.ruleset.schema import Rule, View


class RuleHasExamples(Check):
    code = "W401"
    bad = "a rule without `examples:`"
    good = "examples: [{text: ..., expect: {gold: bearish}}, {text: ..., expect: {}}]"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for rule in index.rules:
            if not rule.examples:
                yield self.problem(index.at("rules", rule.id, "id"), f"rule {rule.id!r} has no examples")


class PositiveExample(Check):
    code = "W403"
    bad = "examples: [{text: ..., expect: {}}]"
    good = "examples: [{text: ..., expect: {gold: bullish}}, {text: ..., expect: {}}]"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for rule in index.rules:
            if rule.examples and not any(ex.expect for ex in rule.examples):
                yield self.problem(index.at("rules", rule.id, "id"), f"rule {rule.id!r} has no positive example")


class NegativeExample(Check):
    code = "W404"
    bad = "examples: [{text: ..., expect: {gold: bullish}}]"
    good = "add {text: <a near miss>, expect: {}}"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for rule in index.rules:
            if rule.examples and all(ex.expect for ex in rule.examples):
                yield self.problem(index.at("rules", rule.id, "id"), f"rule {rule.id!r} has no negative example")


class ExampleReachable(Check):
    code = "W408"
    needs_every_file = True
    bad = "then: [{asset: gold, direction: bearish}] with expect: {gold: bullish}"
    good = "expect: {gold: bearish}"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for rule in index.rules:
            if any(not v.asset.startswith("{") and v.asset not in index.assets for v in rule.then):
                continue  # E307
            if any(r.event not in index.events for r in rule.when.refs()):
                continue  # E302
            reach = [(view, self._targets(index, rule, view)) for view in rule.then]
            for j, example in enumerate(rule.examples):
                for asset, direction in example.expect.items():
                    if asset not in index.assets:
                        continue  # E308
                    can = {view.direction for view, targets in reach if asset in targets}
                    if can and direction in can:
                        continue
                    where = index.at("rules", rule.id, "examples", j, "expect", asset)
                    if not can:
                        views = ", ".join(sorted({self._shown(view) for view in rule.then}))
                        yield self.problem(where, f"rule {rule.id!r} never asserts a view on {asset!r} (its views: {views})")
                    else:
                        yield self.problem(
                            where, f"rule {rule.id!r} never says {asset} is {direction} (it says {', '.join(sorted(can))})"
                        )

    @staticmethod
    def _targets(index: RuleIndex, rule: Rule, view: View) -> set[str]:
        """The assets a view can target: '{subject}' only the events' `assets`, '{others}' less `exclude`."""
        if view.asset == "{subject}":
            events = [index.events[r.event] for r in rule.when.refs()]
            if any(not e.assets for e in events):
                return set(index.assets)
            return {a for e in events for a in e.assets}
        if view.asset == "{others}":
            return (set(index.assets) - set(view.exclude)) | set(view.fallback)
        return {view.asset}

    @staticmethod
    def _shown(view: View) -> str:
        if view.asset == "{others}" and view.exclude:
            return f"{{others}} except {', '.join(view.exclude)}"
        return view.asset
