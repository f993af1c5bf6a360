"""Checks of the economic-release catalogue (``indicators`` and ``economies``; their logic is in
impact.ruleset.releases, the reader of releases in impact.pipeline.releases)."""

from __future__ import annotations

from typing import Iterator

from impact.errors import Problem
from impact.ruleset.checks import Check
from impact.ruleset.index import RuleIndex

_ERRORS = ("economy", "unit", "rule_id", "asset", "explain")


class IndicatorError(Check):
    code = "E320"
    needs_every_file = True
    bad = "economy: usa"
    good = "economy: us"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        from impact.ruleset.releases import indicator_problems

        codes = {**dict.fromkeys(_ERRORS, self.code), "examples": "", "alias": ""}
        yield from indicator_problems(index, codes, only=self.code)


class IndicatorWarning(Check):
    code = "W413"
    needs_every_file = True
    bad = "examples: []"
    good = "examples: [{text: '美国3月失业率 4.4%，预期4.2%。', expect: {usd: bearish}}, {text: '...', expect: {}}]"

    def check(self, index: RuleIndex) -> Iterator[Problem]:
        from impact.ruleset.releases import indicator_problems

        codes = {**dict.fromkeys(_ERRORS, ""), "examples": self.code, "alias": self.code}
        yield from indicator_problems(index, codes, only=self.code)
