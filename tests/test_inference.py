"""durable_rules does the inference, inside its measured limits; where it does not import (Python
>= 3.13) the joins run in pure Python with the same firings (impact.pipeline.joins)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from impact import Engine, InferenceError
from impact.pipeline.facts import Fact
from impact.pipeline.inference import MAX_RULES_PER_EVENT, MAX_RULES_PER_RULESET, Inference, partition
from impact.pipeline.joins import durable_available, durable_error
from impact.ruleset.schema import Rule

from conftest import FIXTURES, RULES, article

needs_durable = pytest.mark.skipif(not durable_available(), reason=f"durable_rules does not import here: {durable_error()}")
# every backend: durable_rules ones only where it imports
BACKENDS = [pytest.param("joins", marks=needs_durable), pytest.param("durable", marks=needs_durable), "python"]

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


@pytest.mark.parametrize("mode", BACKENDS)
def test_an_exception_inside_a_rule_action_reaches_the_caller(mode):
    inference = Inference([_rule(0)], mode)
    fact = Fact(0, "e", 0, (0, 1), None, (), {}, 0)

    def boom(rule_index, fact_ids):
        raise ZeroDivisionError("division by zero in a view builder")

    with pytest.raises(InferenceError, match="rule 'r0' failed in its action: ZeroDivisionError"):
        inference.run([fact], boom)
    # the state was cleaned up: the next document works
    seen = []
    inference.run([fact], lambda r, ids: seen.append((r, ids)))
    assert seen == [(0, [0])]


@needs_durable
def test_rules_are_split_below_durable_rules_limits():
    rules = [_rule(i, "same") for i in range(300)] + [_rule(300 + i, f"e{i}") for i in range(300)]
    bins = partition(rules)
    assert sorted(i for b in bins for i in b) == list(range(600))
    for members in bins:
        assert len(members) <= MAX_RULES_PER_RULESET
        assert sum(1 for i in members if i < 300) <= MAX_RULES_PER_EVENT
    inference = Inference(rules, "durable")
    assert inference.ruleset_count == len(bins)
    fired = []
    inference.run([Fact(0, "same", 0, (0, 1), None, (), {}, 0)], lambda r, ids: fired.append(r))
    assert sorted(fired) == list(range(300))


def _facts(*events: str) -> list[Fact]:
    return [Fact(i, e, 0, (2 * i, 2 * i + 1), None, (), {}, 0) for i, e in enumerate(events)]


@pytest.mark.parametrize("mode", BACKENDS)
def test_an_any_rule_fires_once_per_fact_and_binds_only_that_fact(mode):
    # durable_rules keeps earlier facts in the other aliases of an `any` frame; each firing must
    # still bind the one fact that completed it, or the vote cites the wrong trigger
    rule = Rule.model_validate({
        "id": "r0", "description": "d", "when": {"any": ["e", "f"]}, "rationale": "r", "explain": "x",
        "then": [{"asset": "gold", "direction": "bullish"}],
    })
    fired = []
    Inference([rule], mode).run(_facts("e", "e", "f"), lambda r, ids: fired.append(ids))
    assert fired == [[0], [1], [2]]


@pytest.mark.parametrize("mode", BACKENDS)
def test_a_join_binds_one_fact_per_condition(mode):
    rule = Rule.model_validate({
        "id": "r0", "description": "d", "when": {"all": ["e", "f"]}, "rationale": "r", "explain": "x",
        "then": [{"asset": "gold", "direction": "bullish"}],
    })
    inference = Inference([rule], mode)
    assert inference.ruleset_count == 1  # joins run in rulesets of their own in every mode
    fired = []
    inference.run(_facts("e", "f"), lambda r, ids: fired.append(sorted(ids)))
    assert fired == [[0, 1]]
    fired.clear()
    inference.run(_facts("e", "e"), lambda r, ids: fired.append(ids))
    assert fired == []


@needs_durable
def test_the_lookup_durable_rules_and_python_joins_give_identical_reports(engine):
    """The default mode (single-condition rules by lookup, joins on durable_rules) against every
    rule on durable_rules and against the joins in pure Python: the same reports, byte for byte,
    over every rule example of the bundled pack, the fixtures, and documents that join examples of
    different rules."""
    import random

    durable = Engine.from_path(RULES, inference="durable")
    python = Engine.from_path(RULES, inference="python")
    assert (engine.inference, durable.inference, python.inference) == ("joins", "durable", "python")
    assert durable.compiled.inference.durable_rule_count == len(engine.ruleset.active_rules)
    assert 0 < engine.compiled.inference.durable_rule_count < len(engine.ruleset.active_rules)
    texts = [ex.text for rule in engine.ruleset.rules for ex in rule.examples]
    texts += [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.rglob("*.txt"))]
    rnd = random.Random(7)
    texts += ["".join(rnd.sample(texts[:-10], 6)) for _ in range(300)]
    joined = 0
    for text in texts:
        expected = engine.evaluate(text).to_json()
        assert expected == durable.evaluate(text).to_json(), text[:200]
        assert expected == python.evaluate(text).to_json(), text[:200]
        joined += "fiscal.deficit_and_tariffs" in expected
    assert joined >= 5  # the corpus does exercise a join


@pytest.mark.parametrize("mode", BACKENDS)
def test_a_join_fires_within_its_budget_however_often_a_document_repeats_itself(mode):
    from impact.pipeline.inference import JOIN_FIRINGS

    join = Rule.model_validate({
        "id": "j", "description": "d", "when": {"all": ["e", "f"]}, "rationale": "r", "explain": "x",
        "then": [{"asset": "usd", "direction": "bearish"}],
    })
    single = _rule(1, "e")
    inference = Inference([join, single], mode)
    fired: list[int] = []
    inference.run(_facts(*["e", "f"] * 300), lambda r, ids: fired.append(r))
    assert fired.count(0) == JOIN_FIRINGS == 64 * 64  # the first 64 facts of each event
    assert fired.count(1) == 300  # a single-condition rule is not capped


@needs_durable
def test_a_batch_durable_rules_refuses_is_evaluated_in_python_and_the_next_document_works(caplog):
    rule = Rule.model_validate({
        "id": "j", "description": "d", "when": {"all": ["e", "f"]}, "rationale": "r", "explain": "x",
        "then": [{"asset": "usd", "direction": "bearish"}],
    })
    inference = Inference([rule])
    refused = {"impact_0": [{"sid": "", "id": "0", "event": "e", "m": 0}, {"sid": "", "id": "1", "event": "zzz", "m": 0},
                            {"sid": "", "id": "2", "event": "f", "m": 0}]}
    native = inference._native  # noqa: SLF001 - what durable_rules does with facts it refuses
    assert inference._run_durable(native, refused) == [(0, [0, 2])]  # noqa: SLF001
    assert "durable_rules refused the facts of ruleset impact_0" in caplog.text
    fired = []
    inference.run(_facts("e", "f"), lambda r, ids: fired.append(sorted(ids)))
    assert fired == [[0, 1]]


def _random_rule(rnd, i: int) -> Rule:
    def ref():
        event = rnd.choice("efg")
        return {"event": event, "negated": True} if rnd.random() < 0.3 else event

    mode = "all" if rnd.random() < 0.85 else "any"
    return Rule.model_validate({
        "id": f"r{i}", "description": "d", "when": {mode: [ref() for _ in range(rnd.choice([1, 2, 2, 3, 3, 4]))]},
        "rationale": "r", "explain": "x", "then": [{"asset": "gold", "direction": "bullish"}],
    })


@needs_durable
def test_every_backend_fires_the_same_joins_in_the_same_order_on_random_rules_and_facts():
    """Joins of two to four conditions, some asking twice for one (event, flags), modifier flags,
    documents long enough to reach the per-ruleset fact caps: every backend hands on_fire the same
    firings, each citing its facts in the same order."""
    import random

    rnd = random.Random(15)
    repeated = capped = 0
    for _ in range(250):
        rules = [_random_rule(rnd, i) for i in range(rnd.randint(1, 6))]
        facts = [Fact(i, rnd.choice("efg"), 0, (2 * i, 2 * i + 1), None, (), {"negated": True} if rnd.random() < 0.3 else {}, 0)
                 for i in range(rnd.choice([2, 4, 6, 10, 30, 90]))]
        runs = {}
        for mode in ("joins", "durable", "python"):
            fired: list[tuple[int, list[int]]] = []
            Inference(rules, mode).run(facts, lambda r, ids: fired.append((r, list(ids))))
            runs[mode] = fired
        assert runs["python"] == runs["joins"] == runs["durable"]
        keys = [[(r.event, r.negated) for r in rule.when.refs()] for rule in rules]
        repeated += any(rule.when.mode == "all" and len(set(k)) < len(k) and r in {f[0] for f in runs["python"]}
                        for r, (rule, k) in enumerate(zip(rules, keys)))
        capped += len(facts) == 90 and any(len(ids) > 1 for _, ids in runs["python"])
    assert repeated >= 20 and capped >= 10  # the cases that differ between engines were exercised


def test_the_python_backend_binds_facts_asked_for_twice_in_text_order():
    rule = Rule.model_validate({
        "id": "r0", "description": "d", "when": {"all": ["e", "f", "e"]}, "rationale": "r", "explain": "x",
        "then": [{"asset": "gold", "direction": "bullish"}],
    })
    fired = []
    Inference([rule], "python").run(_facts("e", "e", "f", "e"), lambda r, ids: fired.append(ids))
    assert fired == [[0, 2, 1], [0, 2, 3], [1, 2, 3]]  # each pair of e once, the earlier one first


def test_the_backend_is_chosen_by_argument_or_environment(monkeypatch):
    from impact.errors import InferenceError
    from impact.pipeline.joins import resolve_backend

    monkeypatch.delenv("IMPACT_INFERENCE", raising=False)
    assert resolve_backend("auto") == ("joins" if durable_available() else "python")
    assert resolve_backend("python") == "python"
    monkeypatch.setenv("IMPACT_INFERENCE", "python")
    assert resolve_backend("auto") == "python"
    assert Engine.from_path(RULES).inference == "python"
    monkeypatch.setenv("IMPACT_INFERENCE", "rete")
    with pytest.raises(InferenceError, match="IMPACT_INFERENCE must be one of"):
        resolve_backend("auto")
    with pytest.raises(ValueError, match="inference must be one of"):
        Engine.from_path(RULES, inference="rete")
    if not durable_available():
        with pytest.raises(InferenceError, match="durable_rules, which does not import"):
            resolve_backend("durable")
