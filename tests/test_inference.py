"""durable_rules does the inference, inside its measured limits."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from impact import InferenceError
from impact.facts import Fact
from impact.inference import MAX_RULES_PER_EVENT, MAX_RULES_PER_RULESET, Inference, partition
from impact.schema import Rule

from conftest import FIXTURES, article

DEFICIT = "法案将使美国联邦政府的债务再增加约3万亿美元。"
TARIFF = "特朗普威胁对欧盟商品加征关税。"


def fired_rules(engine, text):
    return {e.rule for s in engine.evaluate(text).signals for e in s.evidence}


def test_two_event_rule_fires_only_when_both_events_occur(engine):
    assert "fiscal.deficit_and_tariffs.usd" not in fired_rules(engine, DEFICIT)
    assert "fiscal.deficit_and_tariffs.usd" not in fired_rules(engine, TARIFF)
    assert "fiscal.deficit_and_tariffs.usd" in fired_rules(engine, DEFICIT + TARIFF)


def test_the_pair_is_more_dollar_bearish_than_either_alone(engine):
    alone = engine.evaluate(DEFICIT).signal("usd").score
    both = engine.evaluate(DEFICIT + TARIFF).signal("usd").score
    assert both < alone < 0


def test_five_thousand_documents_in_a_row_stay_below_the_state_limit(engine):
    text = DEFICIT + TARIFF
    first = engine.evaluate(text).to_dict()
    for _ in range(5000):
        report = engine.evaluate(text)
    assert report.to_dict() == first


def test_one_engine_shared_by_eight_threads_matches_a_serial_run(engine, page):
    texts = [page, article("us-budget-bill-zh"), article("syria-sanctions-zh"), article("base-metals-views-zh"),
             (FIXTURES / "articles" / "gold-dollar-en.txt").read_text(encoding="utf-8"), DEFICIT + TARIFF] * 20
    serial = [engine.evaluate(t).to_json() for t in texts]
    barrier = threading.Barrier(8)

    def run(i):
        if i < 8:
            barrier.wait()
        return engine.evaluate(texts[i]).to_json()

    with ThreadPoolExecutor(8) as pool:
        parallel = list(pool.map(run, range(len(texts))))
    assert parallel == serial


def _rule(i: int, event: str = "e") -> Rule:
    return Rule.model_validate({
        "id": f"r{i}", "description": "d", "when": {"all": [event]}, "rationale": "r", "explain": "x",
        "then": [{"asset": "gold", "direction": "bullish"}],
    })


def test_an_exception_inside_a_rule_action_reaches_the_caller():
    inference = Inference([_rule(0)])
    fact = Fact(0, "e", 0, (0, 1), None, (), {}, 0)

    def boom(rule_index, fact_ids):
        raise ZeroDivisionError("division by zero in a view builder")

    with pytest.raises(InferenceError, match="rule 'r0' failed in its action: ZeroDivisionError"):
        inference.run([fact], boom)
    # the state was cleaned up: the next document works
    seen = []
    inference.run([fact], lambda r, ids: seen.append((r, ids)))
    assert seen == [(0, [0])]


def test_rules_are_split_below_durable_rules_limits():
    rules = [_rule(i, "same") for i in range(300)] + [_rule(300 + i, f"e{i}") for i in range(300)]
    bins = partition(rules)
    assert sorted(i for b in bins for i in b) == list(range(600))
    for members in bins:
        assert len(members) <= MAX_RULES_PER_RULESET
        assert sum(1 for i in members if i < 300) <= MAX_RULES_PER_EVENT
    inference = Inference(rules)
    fired = []
    inference.run([Fact(0, "same", 0, (0, 1), None, (), {}, 0)], lambda r, ids: fired.append(r))
    assert sorted(fired) == list(range(300))
