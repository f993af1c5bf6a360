"""Checks of the text an author writes: `explain` templates, TODO placeholders left by `impact rules new`."""

from __future__ import annotations

import re
import string
from typing import Iterator

from impact.errors import Problem
from impact.ruleset.checks import Check, term_lists
from impact.ruleset.index import RuleIndex
from impact.ruleset.loader import suggest
from impact.ruleset.schema import EXPLAIN_FIELDS


class ExplainTemplate(Check):
    code = "E306"
    bad = "explain: 'Gold falls on {trigers}'"
    good = "explain: 'Gold falls on {trigger}'"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        formatter = string.Formatter()
        for rule in index.rules:
            try:
                parts = [(f, conv, spec) for _, f, spec, conv in formatter.parse(rule.explain) if f is not None]
            except ValueError as exc:
                yield self.problem(index.at("rules", rule.id, "explain"), f"explain template is malformed: {exc}")
                continue
            fields = [f for f, _, _ in parts]
            for f, conv, spec in parts:
                # '{trigger:d}' fails on every evaluation and '{trigger:>99999999}' builds 100 MB a vote
                if conv or spec:
                    written = f"{{{f}{'!' + conv if conv else ''}{':' + spec if spec else ''}}}"
                    yield self.problem(
                        index.at("rules", rule.id, "explain"),
                        f"explain template field {written}: only plain fields such as {{{f}}} are allowed, "
                        "no conversion (!r) or format spec (:...)",
                    )
            for f in fields:
                if f not in EXPLAIN_FIELDS:
                    yield self.problem(
                        index.at("rules", rule.id, "explain"),
                        f"explain template uses unknown field {{{f}}}{suggest(f, list(EXPLAIN_FIELDS))}; "
                        f"known: {', '.join(EXPLAIN_FIELDS)}",
                    )


_TODO = re.compile(r"\bTODO\b")


class TodoLeft(Check):
    code = "W409"
    bad = "text: 'TODO: a sentence where the rule fires'"
    good = "text: 美国宣布解除对叙利亚的制裁。"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        def todo(value: str) -> bool:
            return bool(_TODO.search(value))

        for name, event in index.events.items():
            if todo(event.description):
                yield self.problem(index.at("events", name, "description"), f"event {name!r}: fill in the description")
        for kind, key, sub, lang, terms in term_lists(index):
            for k, term in enumerate(terms):
                if todo(term):
                    yield self.problem(index.at(kind, key, *sub, lang, k), f"{kind[:-1]} {key!r}: replace the TODO term")
        for rule in index.rules:
            for field_name in ("description", "rationale", "explain"):
                if todo(getattr(rule, field_name)):
                    yield self.problem(
                        index.at("rules", rule.id, field_name), f"rule {rule.id!r}: fill in the {field_name}"
                    )
            for j, example in enumerate(rule.examples):
                if todo(example.text):
                    kind_of = "positive" if example.expect else "negative"
                    yield self.problem(
                        index.at("rules", rule.id, "examples", j, "text"),
                        f"rule {rule.id!r}: write the {kind_of} example's text",
                    )
