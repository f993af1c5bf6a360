"""Event facts: which asset an event is about."""

import pytest


def views(engine, text):
    return {s.asset: s.direction for s in engine.evaluate(text).signals}


@pytest.mark.parametrize("text, expected", [
    ("铜、锌价格下跌。", {"copper": "bearish", "zinc": "bearish"}),
    ("The dollar and gold rally.", {"usd": "bullish", "gold": "bullish"}),
    ("Gold rises, dollar falls.", {"gold": "bullish", "usd": "bearish"}),
])
def test_every_asset_of_a_list_gets_the_view_and_separate_clauses_stay_separate(engine, text, expected):
    assert views(engine, text) == expected


def test_a_heading_names_the_subject_and_a_driver_does_not_claim_it(engine):
    assert views(engine, "锌:美元走弱提振价格。") == {"zinc": "bullish", "usd": "bearish"}


def test_two_readings_of_one_event_score_the_same_whichever_comes_first(engine):
    """A hedged and a plain hit of one event about one asset in one sentence: the rule's vote
    is the stronger one in either order, not the first one."""
    hedged_first = engine.evaluate("金价可能承压,分析师认为金价承压明显。").signal("gold")
    plain_first = engine.evaluate("金价承压明显,分析师认为金价可能承压。").signal("gold")
    assert hedged_first.direction == plain_first.direction == "bearish"
    assert hedged_first.score == plain_first.score
    assert [e.modifiers for e in hedged_first.evidence] == [[]]


def test_a_later_hit_does_not_undo_what_the_first_hit_negates(engine):
    """The first hit sets what the sentence asserts about the event: a negated rate cut stays
    negated when a hedged mention of the cut follows."""
    report = engine.evaluate("当前没有太多理由进一步降息,预期今年只降息一次。")
    # the cut stays negated: no easing view on gold, and on the dollar only the reading of a cut
    # denied (hawkish, central_bank.no_cut.usd), never the easing the second hit would suggest
    assert report.signal("gold") is None
    usd = report.signal("usd")
    assert usd is not None and usd.direction == "bullish"
    assert {e.rule for e in usd.evidence} == {"central_bank.no_cut.usd"}


@pytest.mark.parametrize("text", ["Although the dollar strengthened, gold rose.", "尽管美元走强,金价上涨。"])
def test_a_concession_weakens_its_own_clause_not_the_main_clause(engine, text):
    gold = engine.evaluate(text).signal("gold")
    moves = [e for e in gold.evidence if e.rule == "market.move.up"]
    assert moves and "before-contrast" not in moves[0].modifiers
    # the conceded clause is weakened where it speaks against the main clause: gold's view from
    # the dollar; the dollar's own view has nothing of the dollar against it and keeps its weight
    against = [e for e in gold.evidence if e.rule != "market.move.up"]
    assert against and all("before-contrast" in e.modifiers for e in against)
    usd = engine.evaluate(text).signal("usd").evidence
    assert usd and not any("before-contrast" in e.modifiers for e in usd)
