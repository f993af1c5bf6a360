"""Matching: one automaton, word boundaries, wildcards and lexicons that reference lexicons."""

from impact import Engine

from conftest import write_rules

RULES = """\
lexicons:
  slow_words: {en: [slowed, slows, '@slowest_words']}
  slowest_words: {en: [slowest]}
events:
  demand.slow:
    description: Demand slows (a literal list through two lexicons).
    terms: {en: ['@slow_words']}
    all: [{en: [demand]}]
  anything.slow:
    description: Any word starting with 'slow' (a wildcard with the same text as a literal).
    terms: {en: ['slow*']}
rules:
  - id: demand.slow.copper
    description: Slower demand.
    when: {all: [demand.slow]}
    then: [{asset: copper, direction: bearish}]
    rationale: r
    explain: x
  - id: anything.slow.tin
    description: Anything slow.
    when: {all: [anything.slow]}
    then: [{asset: tin, direction: bearish}]
    rationale: r
    explain: x
"""


def rules_fired(engine, text):
    return sorted({e.rule for s in engine.evaluate(text).signals for e in s.evidence})


def test_a_wildcard_and_a_literal_of_the_same_text_both_match(tmp_path):
    engine = Engine.from_path(write_rules(tmp_path, slow=RULES))
    assert rules_fired(engine, "Consumer spending slowed.") == ["anything.slow.tin"]
    assert rules_fired(engine, "Copper demand slowed.") == ["anything.slow.tin", "demand.slow.copper"]


def test_a_lexicon_inside_a_lexicon_is_expanded(tmp_path):
    engine = Engine.from_path(write_rules(tmp_path, slow=RULES))
    assert "demand.slow.copper" in rules_fired(engine, "Demand is at its slowest in years.")


def test_english_terms_match_whole_words_only(engine):
    # 'gold' inside 'Goldenrod' and 'tin' inside 'tinkering' are no mentions: each sentence holds
    # a trigger that would give them a view
    assert engine.evaluate("Goldenrod rallies.").signals == []
    assert engine.evaluate("The golden age of tinkering rallies.").signals == []
    assert engine.evaluate("Gold rallies.").signal("gold").direction == "bullish"
    assert engine.evaluate("The age of tin rallies.").signal("tin").direction == "bullish"
