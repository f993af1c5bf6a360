"""Every example inside the bundled rules is a test."""

import pytest

from impact.ruleset.collection import load_ruleset
from impact.authoring.examples import rule_views

from conftest import RULES

RULESET = load_ruleset(RULES)
CASES = [(rule.id, i, ex) for rule in RULESET.rules for i, ex in enumerate(rule.examples)]


def test_every_rule_has_a_positive_and_a_negative_example():
    for rule in RULESET.rules:
        assert any(ex.expect for ex in rule.examples), rule.id
        assert any(not ex.expect for ex in rule.examples), rule.id


@pytest.mark.parametrize("rule_id, index, example", CASES, ids=[f"{r}[{i}]" for r, i, _ in CASES])
def test_rule_example(engine, rule_id, index, example):
    assert rule_views(engine, rule_id, example.text) == dict(example.expect)
