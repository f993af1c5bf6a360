"""Checks of options that do nothing where they are written, and of events nothing uses."""

from __future__ import annotations

from typing import Iterator

from impact.errors import Problem
from impact.ruleset.checks import Check
from impact.ruleset.index import RuleIndex


class EventUsed(Check):
    code = "W402"
    needs_every_file = True
    bad = "events: {geo.truce: ...} and no rule with `when: {all: [geo.truce]}`"
    good = "a rule whose `when` names the event, or delete the event"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        used = {ref.event for rule in index.rules for ref in rule.when.refs()}
        for name in index.events:
            if name not in used:
                yield self.problem(index.at("events", name, on_key=True), f"event {name!r} is not used by any rule")


class SubjectOptionsNeedSubject(Check):
    code = "W410"
    bad = "assets: [copper] with no `subject: required`"
    good = "subject: required\nassets: [copper]"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for name, event in index.events.items():
            if event.subject == "required":
                continue
            for field_name, value, default in (("assets", event.assets, []), ("subject_side", event.subject_side, "any")):
                if value != default:
                    yield self.problem(
                        index.at("events", name, field_name, on_key=True),
                        f"event {name!r}: `{field_name}` has no effect without `subject: required`",
                    )


class OthersOptionsNeedOthers(Check):
    code = "W411"
    bad = "{asset: gold, direction: bullish, exclude: [usd]}"
    good = "{asset: '{others}', direction: bullish, exclude: [usd]}"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        for rule in index.rules:
            for k, view in enumerate(rule.then):
                if view.asset == "{others}":
                    continue
                for field_name in ("exclude", "fallback"):
                    if getattr(view, field_name):
                        yield self.problem(
                            index.at("rules", rule.id, "then", k, field_name, on_key=True),
                            f"rule {rule.id!r}: `{field_name}` only applies to asset '{{others}}'",
                        )
