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
