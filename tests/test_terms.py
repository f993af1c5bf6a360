"""A term reads as the document does: one reading shared by the matcher, lint and asset names."""

import shutil
from pathlib import Path

import pytest

from impact import Engine
from impact.lint import lint_path
from impact.pipeline.text import normalise
from impact.ruleset.collection import canonical_asset
from impact.ruleset.terms import read_term

BASE = Path(__file__).parent / "lint_fixtures" / "_base"

RULES = """\
events:
  gold.falls:
    description: The gold price falls.
    terms: {{en: [{terms}]}}
    none: {{en: [{none}]}}
rules:
  - id: gold.falls.bearish
    description: A reported fall of the gold price.
    when: {{all: [gold.falls]}}
    then: [{{asset: gold, direction: bearish, strength: 0.8}}]
    basis: reported
    rationale: Reported moves are views.
    explain: 'The gold price fell ("{{trigger}}").'
"""


def engine_with(tmp_path, terms, none="'no-such-veto'"):
    shutil.copy(BASE / "00-base.yaml", tmp_path / "00-base.yaml")
    (tmp_path / "gold.yaml").write_text(RULES.format(terms=terms, none=none), encoding="utf-8")
    return Engine.from_path(tmp_path)


def bearish_on_gold(engine, text):
    return [(s.asset, s.direction) for s in engine.evaluate(text).signals] == [("gold", "bearish")]


def test_a_term_with_two_spaces_matches_the_text_with_one_or_three(tmp_path):
    engine = engine_with(tmp_path, "'gold  price fell'")
    assert bearish_on_gold(engine, "The gold price fell on Monday.")
    assert bearish_on_gold(engine, "The gold   price fell on Monday.")


def test_a_decomposed_accent_in_the_text_meets_the_composed_term(tmp_path):
    engine = engine_with(tmp_path, "'gold prices fell in the café'")
    decomposed = "Gold prices fell in the cafe\u0301 market on Monday."
    assert bearish_on_gold(engine, decomposed)
    # the citation is the text as the reader saw it, accent and all
    evidence = engine.evaluate(decomposed).signals[0].evidence[0]
    assert evidence.sentence == decomposed
    assert decomposed[evidence.trigger.start:evidence.trigger.end] == "Gold prices fell in the cafe\u0301"


def test_composing_keeps_every_offset_pointing_into_the_original():
    text = "Ame\u0301lie: か\u3099 gold"
    norm, offsets = normalise(text)
    assert norm == "amélie: が gold"
    assert text[offsets.start(norm.index("が")):offsets.end(norm.index("が") + 1)] == "か\u3099"
    assert text[offsets.start(norm.index("gold")):offsets.end(len(norm))] == "gold"


@pytest.mark.parametrize("written", ["sanction*", "sanction* ", " sanction*", "Sanction*\t"])
def test_a_wildcard_reads_the_same_whatever_white_space_surrounds_it(written):
    assert read_term(written) == read_term("sanction*")
    assert read_term(written).wildcard


def test_a_wildcard_with_a_trailing_space_matches_and_lints_as_a_wildcard(tmp_path):
    engine = engine_with(tmp_path, "'gold price fell', 'gold slump*  '")
    assert bearish_on_gold(engine, "A gold slumping market spooked traders.")
    # lint reads it as the matcher does: the veto 'gold slump' lies inside the wildcard trigger
    # only if the trigger cannot run on past it; as a wildcard it can, so no W406
    (tmp_path / "gold.yaml").write_text(RULES.format(terms="'gold slump* '", none="'gold slump'"), encoding="utf-8")
    assert [p.code for p in lint_path(tmp_path, ignore=["W401"])] == []
    (tmp_path / "gold.yaml").write_text(RULES.format(terms="'gold slump'", none="'gold slump* '"), encoding="utf-8")
    assert [p.code for p in lint_path(tmp_path, ignore=["W401"])] == ["W406"]


def test_terms_that_read_alike_are_duplicates_to_lint(tmp_path):
    shutil.copy(BASE / "00-base.yaml", tmp_path / "00-base.yaml")
    (tmp_path / "gold.yaml").write_text(RULES.format(terms="'gold  price fell', 'gold price fell'", none="'x y'"),
                                        encoding="utf-8")
    assert [p.code for p in lint_path(tmp_path, ignore=["W401"])] == ["W407"]


def test_an_asset_is_named_as_the_matcher_reads_its_aliases(tmp_path):
    engine = engine_with(tmp_path, "'gold price fell'")
    assert canonical_asset("ＧＯＬＤ", engine.ruleset) == "gold"
    assert canonical_asset(" 金价 ", engine.ruleset) == "gold"
