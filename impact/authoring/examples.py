"""Rule examples as tests: every example of a rule states the views that rule must produce.

``run_examples`` is shared by ``impact rules test`` and the pytest plugin, so both run the same
examples and compare them the same way: the views *this rule* produced on the example's text
(other rules may fire too; they do not count) against ``expect`` ({} = the rule must stay silent).

In a stack of rule folders (``--rules bundled --rules mine/``) an example is checked on the
assets of its rule's own pack: those declared by the folder that defines the rule or one beneath
it. A view on an asset a later folder adds is left out of ``got`` (a user's ``silver`` never
breaks a bundled example), unless the example says ``exhaustive: true``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from impact.ruleset.collection import RuleSet, Where


@dataclass(frozen=True, slots=True)
class ExampleResult:
    rule: str
    index: int
    text: str
    expected: dict[str, str]
    got: dict[str, str]
    where: Where
    skipped: str | None = None  # why the example was not run (a disabled or deprecated rule)

    @property
    def passed(self) -> bool:
        return self.skipped is None and self.expected == self.got

    @property
    def failed(self) -> bool:
        return self.skipped is None and self.expected != self.got

    @property
    def status(self) -> str:
        return "skipped" if self.skipped else "passed" if self.passed else "failed"

    def describe(self) -> str:
        return f"expected {show_views(self.expected)}; got {show_views(self.got)}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "example": self.index,
            "path": self.where.path,
            "line": self.where.line,
            "col": self.where.col,
            "text": self.text,
            "expected": self.expected,
            "got": self.got,
            "status": self.status,
            "passed": self.passed,
        }


def authoring_engine(path: Any = None) -> Any:
    """An engine built straight from the rule files, for the rule authors' tools.

    ``Engine.from_path`` may serve a rule set cached by content, read from another copy of the
    folder; the tools report file:line locations, so they always read the files in front of them.
    """
    from impact.ruleset.collection import load_ruleset
    from impact.engine import Engine

    return Engine(load_ruleset(path))


def show_views(views: dict[str, str]) -> str:
    return ", ".join(f"{a}: {d}" for a, d in sorted(views.items())) or "no view"


def rule_views(engine: Any, rule_id: str, text: str) -> dict[str, str]:
    """The views one rule produced on a text (strongest per asset when it fired twice)."""
    report = engine.evaluate(text)
    best: dict[str, tuple[float, str]] = {}
    for signal in report.with_evidence():  # a rule's vote counts whatever the net view
        for ev in signal.evidence:
            if ev.rule == rule_id and (signal.asset not in best or ev.weight > best[signal.asset][0]):
                best[signal.asset] = (ev.weight, ev.direction)
    return {asset: d for asset, (_, d) in best.items()}


def _skip_reason(ruleset: RuleSet, rule_id: str, kind: str, status: str) -> str | None:
    if status not in ("disabled", "deprecated"):
        return None
    at = ruleset.disabled_at.get(rule_id)
    return f"{kind} is {status}" + (f" by {at.path}:{at.line}" if at is not None else "")


def checked_views(ruleset: RuleSet, rule_id: str, example: Any, got: dict[str, str]) -> dict[str, str]:
    """The views of ``got`` that an example checks: on the assets of its rule's own pack (all of
    them for a single folder, or with ``exhaustive: true``)."""
    assets = ruleset.checked_assets(rule_id, example.exhaustive)
    return got if assets is None else {a: d for a, d in got.items() if a in assets}


def run_example(engine: Any, ruleset: RuleSet, rule_id: str, index: int) -> ExampleResult:
    if rule_id.startswith("release.") and rule_id.removeprefix("release.") in ruleset.indicators:
        return _run_release_example(engine, ruleset, rule_id, index)  # an economic release's example
    rule = ruleset.rule(rule_id)
    example = rule.examples[index]
    where = ruleset.example_where.get((rule.id, index), ruleset.rule_where[rule.id])
    skipped = _skip_reason(ruleset, rule.id, "rule", rule.status)
    got = checked_views(ruleset, rule.id, example, rule_views(engine, rule.id, example.text)) if skipped is None else {}
    return ExampleResult(rule.id, index, example.text, dict(example.expect), got, where, skipped)


def run_examples(engine: Any, ruleset: RuleSet, rule_ids: set[str] | None = None) -> Iterator[ExampleResult]:
    for rule in ruleset.rules:
        if rule_ids is not None and rule.id not in rule_ids:
            continue
        for i in range(len(rule.examples)):
            yield run_example(engine, ruleset, rule.id, i)
    for key, indicator in ruleset.indicators.items():  # economic releases: examples like a rule's
        rule_id = indicator.rule_id(key)
        if rule_ids is None or rule_id in rule_ids:
            for i in range(len(indicator.examples)):
                yield run_example(engine, ruleset, rule_id, i)


def _run_release_example(engine: Any, ruleset: RuleSet, rule_id: str, index: int) -> ExampleResult:
    """One example of an indicator of the release catalogue, run like a rule's (``release.<id>``)."""
    key = rule_id.removeprefix("release.")
    ind = ruleset.indicators[key]
    example = ind.examples[index]
    where = ruleset.example_where.get((rule_id, index), ruleset.rule_where.get(rule_id))
    skipped = _skip_reason(ruleset, rule_id, "indicator", ind.status)
    got = checked_views(ruleset, rule_id, example, rule_views(engine, rule_id, example.text)) if skipped is None else {}
    return ExampleResult(rule_id, index, example.text, dict(example.expect), got, where, skipped)
