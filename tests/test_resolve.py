"""Resolution of votes into one net view per asset: mixed evidence needs a clear margin."""

from __future__ import annotations

import pytest

from impact.resolve import AFTER_CONTRAST, BEFORE_CONTRAST, DOMINANCE, Vote, resolve


def vote(direction: str, weight: float, sentence: int = 0, asset: str = "gold") -> Vote:
    return Vote(asset, direction, weight, 0, sentence, (0, 1), ("e",), (), "", "short")


def net(*votes: Vote):
    (only,) = resolve(list(votes))
    return only


def test_one_side_only_gives_its_direction():
    n = net(vote("bullish", 0.2))
    assert n.direction == "bullish" and n.score > 0


@pytest.mark.parametrize("minority", [0.3, 0.4, 0.41])
def test_mixed_evidence_without_a_clear_margin_is_neutral(minority):
    # 0.42 against 0.3 .. 0.41: the larger side is less than DOMINANCE times the smaller one
    n = net(vote("bullish", 0.42, 0), vote("bearish", minority, 1))
    assert n.direction == "neutral"
    assert n.score > 0  # the score still leans the larger way; only the call is withheld


def test_mixed_evidence_with_a_clear_margin_keeps_the_direction():
    n = net(vote("bearish", 0.5, 0), vote("bullish", 0.5 / DOMINANCE - 0.01, 1))
    assert n.direction == "bearish"


def test_a_contrast_of_equal_votes_still_decides():
    # "A, but B": the clause after the contrast carries the conclusion, so the margin rule must
    # leave the contrast weights able to decide between two votes of equal strength
    assert AFTER_CONTRAST / BEFORE_CONTRAST >= DOMINANCE
    n = net(vote("bullish", 0.5 * BEFORE_CONTRAST, 0), vote("bearish", 0.5 * AFTER_CONTRAST, 0))
    assert n.direction == "bearish"


def test_votes_of_one_direction_in_one_sentence_count_once():
    n = net(vote("bullish", 0.3, 0), vote("bullish", 0.3, 0), vote("bearish", 0.25, 1))
    assert n.votes["bullish"] == pytest.approx(0.3)
    assert n.direction == "neutral"
