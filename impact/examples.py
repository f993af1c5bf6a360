"""Rule examples as tests: every example of a rule states the views that rule must produce."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from impact.collection import RuleSet, Where


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: str
    index: int
    text: str
    expected: dict[str, str]
    got: dict[str, str]
    where: Where

    @property
    def passed(self) -> bool:
        return self.expected == self.got

    def describe(self) -> str:
        def show(views: dict[str, str]) -> str:
            return ", ".join(f"{a}: {d}" for a, d in sorted(views.items())) or "no view"

        return f"expected {show(self.expected)}; got {show(self.got)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "example": self.index,
            "path": self.where.path,
            "line": self.where.line,
            "text": self.text,
            "expected": self.expected,
            "got": self.got,
            "passed": self.passed,
        }


def rule_views(engine: Any, rule_id: str, text: str) -> dict[str, str]:
    """The views one rule produced on a text (strongest per asset when it fired twice)."""
    report = engine.evaluate(text)
    best: dict[str, tuple[float, str]] = {}
    for signal in report.signals:
        for ev in signal.evidence:
            if ev.rule == rule_id and (signal.asset not in best or ev.weight > best[signal.asset][0]):
                best[signal.asset] = (ev.weight, ev.direction)
    return {asset: d for asset, (_, d) in best.items()}


def run_examples(engine: Any, ruleset: RuleSet, rule_ids: set[str] | None = None) -> Iterator[ExampleResult]:
    for rule in ruleset.rules:
        if rule_ids is not None and rule.id not in rule_ids:
            continue
        for i, example in enumerate(rule.examples):
            got = rule_views(engine, rule.id, example.text) if rule.status != "disabled" else {}
            yield ExampleResult(
                rule=rule.id,
                index=i,
                text=example.text,
                expected=dict(example.expect),
                got=got,
                where=ruleset.example_where.get((rule.id, i), ruleset.rule_where[rule.id]),
            )
