"""Zero-width characters and soft hyphens inside a word no longer hide it from the rules: they are
folded away in the normalised text, and every citation still quotes the input exactly."""

from __future__ import annotations

import pytest

CASES = [
    ("金价上\u200b涨。", "上\u200b涨"),  # zero-width space
    ("金价上\u2060涨。", "上\u2060涨"),  # word joiner
    ("Gold ro\u00adse sharply.", "ro\u00adse"),  # soft hyphen
    ("Gold ro\u200dse sharply.", "ro\u200dse"),  # zero-width joiner
    ("\ufeff金价上\u200c涨。", "上\u200c涨"),  # a byte order mark first, a zero-width non-joiner inside
]


@pytest.mark.parametrize("text, trigger", CASES)
def test_a_word_split_by_an_invisible_character_matches(engine, text, trigger):
    report = engine.evaluate(text)
    gold = report.signal("gold")
    assert gold is not None and gold.direction == "bullish"
    ev = gold.evidence[0]
    assert text[ev.start:ev.end] == ev.sentence and ev.trigger.text == trigger
    assert text[ev.trigger.start:ev.trigger.end] == trigger


def test_citations_stay_exact_among_many_invisible_characters(engine):
    text = "".join(f"消息{i}：美元走\u00ad弱，金价上\u200b涨。Copper fe\u00adll on weak de\u200bmand.\n" for i in range(30))
    report = engine.evaluate(text)
    assert {s.asset for s in report.signals} >= {"gold", "usd", "copper"}
    for s in report.with_evidence():
        for ev in s.evidence:
            assert text[ev.start:ev.end] == ev.sentence
            assert text[ev.trigger.start:ev.trigger.end] == ev.trigger.text
