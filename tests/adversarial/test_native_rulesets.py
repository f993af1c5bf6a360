"""durable_rules rulesets live as long as the engines that use them (durable_rules allows 131,072
per process and frees none by itself), and a join too wide for durable_rules runs anyway, without
taking the other rules' evidence on the document down with it."""

from __future__ import annotations

import pickle

import pytest

from conftest import write_rules
from impact.engine import Engine
from impact.pipeline.facts import Fact
from impact.pipeline.inference import MAX_DURABLE_ARITY, Inference, native_ruleset_count
from impact.pipeline.joins import BACKENDS, durable_available, durable_error
from impact.ruleset.schema import Rule

needs_durable = pytest.mark.skipif(not durable_available(), reason=f"durable_rules does not import here: {durable_error()}")


def join(i: int, *events: str) -> Rule:
    return Rule.model_validate({
        "id": f"j{i}", "description": "d", "when": {"all": list(events)}, "rationale": "r", "explain": "x",
        "then": [{"asset": "gold", "direction": "bullish"}],
    })


def live_native_rulesets(below: int) -> int:
    """Native rulesets alive in the C library with a handle below ``below``: asking for a state of
    a deleted (or never made) ruleset fails with error 111 (invalid handle), of a live one with 309."""
    import durable_rules_engine

    live = 0
    for handle in range(1, below):
        try:
            durable_rules_engine.get_state(handle, "no such state")
        except Exception as exc:
            live += "error code: 111" not in str(exc)
    return live


def next_handle() -> int:
    import durable_rules_engine

    handle = durable_rules_engine.create_ruleset("probe", '{"r0": {"all": [{"e0": {"event": "probe"}}]}}')
    durable_rules_engine.delete_ruleset(handle)
    return handle


def facts(*events: str) -> list[Fact]:
    return [Fact(i, e, 0, (2 * i, 2 * i + 1), None, (), {}, 0) for i, e in enumerate(events)]


@needs_durable
def test_thousands_of_engine_builds_and_pickle_round_trips_leave_the_native_rulesets_flat(tmp_path):
    rules = """events:
  e.a: {description: A., terms: {en: [alpha]}}
  e.b: {description: B., terms: {en: [beta]}}
rules:
  - id: ab
    description: Both.
    when: {all: [e.a, e.b]}
    then: [{asset: gold, direction: bullish}]
    rationale: A test rule.
    explain: 'Both ("{trigger}").'
"""
    engine = Engine.from_path(write_rules(tmp_path, ab=rules), inference="joins")
    assert engine.evaluate("alpha beta").signals
    first = next_handle()
    live_before = live_native_rulesets(first)
    count_before = native_ruleset_count()
    for i in range(2000):  # a new rule set each time (hot reload): nothing to share
        inference = Inference([join(i, f"a{i}", f"b{i}")], "joins")
        fired = []
        inference.run(facts(f"a{i}", f"b{i}"), lambda r, ids: fired.append(ids))
        assert fired == [[0, 1]]
    del inference  # the last of them
    for _ in range(100):  # the same rule set again and again (Dask unpickling it per partition)
        copy = pickle.loads(pickle.dumps(engine))
        assert copy.evaluate("alpha beta").signals == engine.evaluate("alpha beta").signals
        assert Engine(engine.ruleset, "durable").evaluate("beta alpha").signals
    last = next_handle()
    assert last - first > 2000  # that many native rulesets were made ...
    assert live_native_rulesets(last) == live_before  # ... and all but the ones in use deleted
    assert native_ruleset_count() == count_before


@needs_durable
def test_engines_with_the_same_rules_share_their_native_rulesets():
    a = Inference([join(0, "e", "f"), join(1, "f", "g")], "joins")
    first = next_handle()
    b = Inference([join(0, "e", "f"), join(1, "f", "g")], "joins")
    assert next_handle() == first + 1  # b made none of its own
    del a
    fired = []
    b.run(facts("e", "f", "g"), lambda r, ids: fired.append((r, ids)))
    assert fired == [(0, [0, 1]), (1, [1, 2])]


WIDTH = 20


def wide_pack() -> str:
    events = "".join(f"  w.e{i}:\n    description: Word {i}.\n    terms: {{en: [word{i}]}}\n" for i in range(WIDTH))
    events += "  w.solo:\n    description: Solo.\n    terms: {en: [solo]}\n"

    def rule(rule_id: str, when: str, asset: str, direction: str) -> str:
        return (f"  - id: {rule_id}\n    description: A test rule.\n    when: {{all: [{when}]}}\n"
                f"    then: [{{asset: {asset}, direction: {direction}}}]\n    rationale: A test rule.\n"
                f"    explain: 'A test (\"{{trigger}}\").'\n")

    rules = "rules:\n" + rule("wide.join", ", ".join(f"w.e{i}" for i in range(WIDTH)), "gold", "bullish")
    rules += rule("solo", "w.solo", "usd", "bearish") + rule("pair", "w.solo, w.e0", "copper", "bullish")
    return "events:\n" + events + rules


@pytest.mark.parametrize("mode", BACKENDS)
def test_a_join_of_20_events_fires_and_the_other_rules_keep_their_evidence(tmp_path, mode):
    if mode != "python" and not durable_available():
        pytest.skip(f"durable_rules does not import here: {durable_error()}")
    assert WIDTH > MAX_DURABLE_ARITY
    engine = Engine.from_path(write_rules(tmp_path, wide=wide_pack()), inference=mode)
    text = " ".join(f"word{i}" for i in range(WIDTH)) + " solo. " + " ".join(f"word{i}" for i in range(WIDTH))
    report = engine.evaluate(text)
    assert {(s.asset, s.direction) for s in report.signals} == {("gold", "bullish"), ("usd", "bearish"),
                                                                ("copper", "bullish")}
    assert report.to_json() == Engine(engine.ruleset, "python").evaluate(text).to_json()


@needs_durable
def test_a_ruleset_durable_rules_refuses_loses_none_of_the_others_firings(caplog):
    """Whatever durable_rules refuses at run time is evaluated in pure Python, that ruleset only,
    here a ruleset its host does not have (durable_rules raises on it as on error 304)."""
    inference = Inference([join(0, "e", "f"), join(1, "e", "g")], "joins")
    native = inference._native  # noqa: SLF001 - what durable_rules does with one ruleset failing
    payload = {
        "impact_0": [{"sid": "", "id": "0", "event": "e", "m": 0}, {"sid": "", "id": "1", "event": "f", "m": 0}],
        "impact_gone": [{"sid": "", "id": "0", "event": "e", "m": 0}, {"sid": "", "id": "2", "event": "g", "m": 0}],
    }
    inference._conditions["impact_gone"] = [(1, [("e", 0), ("g", 0)])]  # noqa: SLF001
    fired = inference._run_durable(native, payload)  # noqa: SLF001
    assert sorted(fired) == [(0, [0, 1]), (1, [0, 2])]  # the ruleset that works and the one that did not
    assert "impact_gone" in native.broken and "durable_rules refused the facts of ruleset impact_gone" in caplog.text


@pytest.mark.parametrize("mode", BACKENDS)
def test_an_any_rule_of_40_events_fires_once_per_fact_on_every_backend(mode, caplog):
    if mode != "python" and not durable_available():
        pytest.skip(f"durable_rules does not import here: {durable_error()}")
    rule = Rule.model_validate({
        "id": "wide.any", "description": "d", "when": {"any": [f"e{k}" for k in range(40)]}, "rationale": "r",
        "explain": "x", "then": [{"asset": "gold", "direction": "bullish"}],
    })
    fired = []
    Inference([rule, join(1, "e0", "e1")], mode).run(facts(*[f"e{k}" for k in range(40)]),
                                                      lambda r, ids: fired.append((r, ids)))
    assert sorted(fired) == sorted([(0, [k]) for k in range(40)] + [(1, [0, 1])])
    assert "durable_rules refused" not in caplog.text  # routed at build time, not by failing
