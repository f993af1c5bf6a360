"""One modifier table: what the schema, the facts, the inference and the trace read."""

import math

import pytest

from impact.explain.trace import trace_dict
from impact.pipeline.resolve import weigh
from impact.ruleset.modifiers import ASSERTED, FLAGS, LEXICONS, MODIFIERS, vote_modifiers
from impact.ruleset.schema import EventRef
from impact.ruleset.schema import MODIFIERS as RESERVED_LEXICONS

from conftest import ROOT


def test_a_rule_can_ask_for_exactly_the_modifiers_that_change_what_a_fact_asserts():
    flags = {name for name, f in EventRef.model_fields.items() if f.annotation in (bool, "bool")}
    assert flags == set(ASSERTED) == {"negated", "reversed", "conditional"}
    assert RESERVED_LEXICONS == LEXICONS


def test_a_vote_lists_its_flags_in_table_order_then_its_contrast():
    assert vote_modifiers({"future": True, "hedged": True}, -1) == ("hedged", "future", "before-contrast")
    assert vote_modifiers({}, 1) == ("after-contrast",)
    assert [m.name for m in MODIFIERS if not m.position] == list(FLAGS)


def test_weigh_returns_the_factors_its_weight_is_the_product_of():
    weight, factors = weigh(0.8, "reported", ("hedged", "past", "after-contrast"))
    assert factors == (("strength", 0.8), ("basis reported", 0.6), ("hedged", 0.6), ("after contrast", 1.3))
    assert math.isclose(weight, math.prod(x for _, x in factors))


def test_the_trace_prints_the_factors_each_vote_was_weighed_with(engine):
    text = (ROOT / "fixtures" / "2025-07-02-news-page-zh.txt").read_text(encoding="utf-8")
    tr = engine.trace(text)
    data = trace_dict(tr, engine)
    votes = [v for w in data["weighing"] for v in w["votes"]]
    assert votes
    for v in votes:
        assert math.isclose(v["weight"], round(math.prod(f["value"] for f in v["factors"]), 4), abs_tol=1e-4)
    assert any(len(v["factors"]) > 2 for v in votes)  # some vote carries a weighed modifier


@pytest.mark.parametrize(
    "rumoured, confirmed",
    [("据传美联储将降息。", "美联储将降息。"), ("The Fed is rumoured to be weighing a rate cut.", "The Fed is weighing a rate cut.")],
)
def test_a_rumoured_event_weighs_half_and_the_trace_prints_its_factor(engine, rumoured, confirmed):
    # the 'rumoured' row of the table and its lexicon in rules/modifiers.yaml are all it took
    weak, firm = engine.evaluate(rumoured).signal("usd"), engine.evaluate(confirmed).signal("usd")
    assert weak.direction == firm.direction == "bearish" and abs(weak.score) < abs(firm.score)
    (ev,) = weak.evidence
    assert ev.modifiers == ["rumoured"] and ev.weight == pytest.approx(firm.evidence[0].weight * 0.5, abs=1e-4)
    vote = next(v for v in engine.trace(rumoured).votes if v.asset == "usd")
    assert ("rumoured", 0.5) in vote.factors


@pytest.mark.parametrize(
    "question, statement, asset",
    [("Copper to rebound soon?", "Copper to rebound soon.", "copper"),
     ("Has zinc rebounded after the selloff?", "Zinc rebounded after the selloff.", "zinc"),
     ("镍价反弹了吗？", "镍价反弹了。", "nickel")],
)
def test_a_clause_ending_in_a_question_mark_asserts_nothing(engine, question, statement, asset):
    # the 'question' lexicon of the conditional row: its events fire only rules that ask for conditional facts
    assert engine.evaluate(statement).signal(asset) is not None
    assert engine.evaluate(question).signal(asset) is None
    (fact,) = [f for f in engine.trace(question).facts if f.event.startswith("move.")]
    assert fact.flag("conditional")


def test_a_question_leaves_the_statement_before_it_in_its_own_clause(engine):
    sig = engine.evaluate("Zinc slumps 3% - is a rebound coming?").signal("zinc")
    assert sig is not None and sig.direction == "bearish"


@pytest.mark.parametrize(
    "question, asset, direction",
    [("Why is gold falling?", "gold", "bearish"),
     ("Why did copper rally this week?", "copper", "bullish"),
     ("金价为何再创新高？", "gold", "bullish"),
     ("铜价为什么大跌？", "copper", "bearish")],
)
def test_a_why_question_takes_its_move_as_given(engine, question, asset, direction):
    # the 'presupposed' lexicon cancels 'question' and 'open_question' (modifiers.CANCELLED_BY)
    sig = engine.evaluate(question).signal(asset)
    assert sig is not None and sig.direction == direction
    yes_no = question.replace("Why ", "").replace("为何", "").replace("为什么", "")
    assert engine.evaluate(yes_no[0].upper() + yes_no[1:]).signal(asset) is None


def test_a_fallback_does_not_pick_an_asset_named_only_as_something_else(engine):
    # '{others}' with fallback [gold]: a dollar move beside gold-mining shares is no view on gold
    assert engine.evaluate("A stronger dollar weighed on prices.").signal("gold") is not None
    assert engine.evaluate("Gold-mining stocks sagged as the dollar gained.").signal("gold") is None
    assert engine.evaluate("美元走强，黄金股集体下挫。").signal("gold") is None
