"""Lint checks beyond loading: things that load fine but are probably mistakes."""

from __future__ import annotations

from impact.collection import RuleSet
from impact.errors import Problem


def lint_ruleset(ruleset: RuleSet) -> list[Problem]:
    problems: list[Problem] = []
    for rule in ruleset.rules:
        w = ruleset.rule_where[rule.id]
        langs = {"zh": False, "en": False}
        for ex in rule.examples:
            lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in ex.text) else "en"
            langs[lang] = True
        if rule.examples and not any(ex.expect for ex in rule.examples):
            problems.append(Problem(w.path, w.line, w.col, "W403", f"rule {rule.id!r} has no positive example", "warning"))
        if rule.examples and all(ex.expect for ex in rule.examples):
            problems.append(Problem(w.path, w.line, w.col, "W404", f"rule {rule.id!r} has no negative example", "warning"))
    return problems
