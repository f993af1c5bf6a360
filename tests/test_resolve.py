"""Resolution of votes into one net view per asset: mixed evidence needs a clear margin."""

from __future__ import annotations

import pytest

from impact.pipeline.resolve import (
    ALL_SET_ASIDE,
    AFTER_CONTRAST,
    BEFORE_CONTRAST,
    DOMINANCE,
    MIXED,
    TIE,
    WEIGHTLESS,
    Vote,
    resolve,
)


def vote(direction: str, weight: float, sentence: int = 0, asset: str = "gold", event: str = "e",
         basis: str = "inferred", item: int = -1) -> Vote:
    return Vote(asset, direction, weight, 0, sentence, (sentence * 10, sentence * 10 + 1), (event,), (), "", "short",
                basis=basis, item=item)


def net(*votes: Vote):
    (only,) = resolve(list(votes))
    return only


def test_one_side_only_gives_its_direction():
    n = net(vote("bullish", 0.2))
    assert n.direction == "bullish" and n.score > 0


@pytest.mark.parametrize("minority", [0.3, 0.4, 0.41])
def test_mixed_evidence_without_a_clear_margin_is_no_call(minority):
    # 0.42 against 0.3 .. 0.41: the larger side is less than DOMINANCE times the smaller one.
    # No call is no direction at all: neutral is an explicit range view, never "no view"
    n = net(vote("bullish", 0.42, 0), vote("bearish", minority, 1))
    assert n.direction is None and n.undecided == MIXED
    assert n.score > 0  # the score still leans the larger way; only the call is withheld


def test_votes_of_strength_zero_are_no_call_and_say_so():
    n = net(vote("bullish", 0.0, 0))
    assert n.direction is None and n.undecided == WEIGHTLESS


def test_a_tie_is_no_call_and_a_range_view_is_neutral():
    n = net(vote("bullish", 0.4, 0), vote("bearish", 0.4, 1))
    assert n.direction is None and n.undecided == TIE
    n = net(vote("neutral", 0.5, 0), vote("bullish", 0.3, 1))
    assert n.direction == "neutral" and n.undecided is None


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
    assert n.direction is None and n.undecided == MIXED


def test_agreeing_drivers_in_different_sentences_add_up():
    # a cut, then a weaker jobs report: two drivers, one view; the second only strengthens it
    a = vote("bullish", 0.22, 0, event="cb.easing")
    alone = net(vote("bullish", 0.22, 0, event="cb.easing"))
    n = net(a, vote("bullish", 0.25, 3, event="growth.weak"))
    assert n.direction == "bullish" and n.score > alone.score


def test_opposed_drivers_from_separate_items_of_a_digest_are_no_sum():
    # a tariff item and a Fed item of a digest pulling gold both ways: nothing says which moves it
    a = vote("bullish", 0.22, 0, event="tariffs.threat", item=0)
    b = vote("bearish", 0.25, 3, event="cb.tightening", item=1)
    n = net(a, b)
    assert n.direction is None and n.undecided == ALL_SET_ASIDE and n.score == 0.0
    assert n.members == [a, b] and not a.counted and not b.counted  # still cited as evidence


def test_agreeing_items_of_a_digest_add_up():
    n = net(vote("bullish", 0.22, 0, event="tariffs.threat", item=0), vote("bullish", 0.25, 3, event="cb.easing", item=1))
    assert n.direction == "bullish" and all(v.counted for v in n.members)


def test_opposed_drivers_outside_a_digest_are_weighed_together():
    n = net(vote("bullish", 0.5, 0, event="tariffs.threat"), vote("bearish", 0.25, 3, event="cb.tightening"))
    assert n.direction == "bullish" and all(v.counted for v in n.members)


def test_a_direct_vote_decides_when_opposed_digest_items_are_set_aside():
    a = vote("bearish", 0.275, 0, event="geo.easing", item=0)
    b = vote("bullish", 0.25, 2, event="cb.easing", item=1)
    move = vote("bullish", 0.42, 4, event="move.up", basis="reported", item=2)
    n = net(a, b, move)
    assert n.direction == "bullish" and n.votes == {"bullish": 0.42, "bearish": 0.0, "neutral": 0.0}
    assert move.counted and not a.counted and not b.counted


def test_a_contrast_weighs_only_against_a_view_of_the_same_asset():
    def contrasted(direction, sentence, at, side, asset):
        return Vote(asset, direction, round(0.7 * 0.6 * (1.3 if side == "after-contrast" else 0.7), 4), 0, sentence,
                    (at, at + 1), ("e",), (side,), "", "short", basis="reported", strength=0.7)

    # copper rose, but aluminium fell: two assets, each keeps its full weight
    cu, al = contrasted("bullish", 0, 0, "before-contrast", "copper"), contrasted("bearish", 0, 9, "after-contrast", "aluminium")
    resolve([cu, al])
    assert cu.weight == al.weight == round(0.7 * 0.6, 4) and cu.modifiers == al.modifiers == ()
    # gold rose early, but fell: the clause after the contrast carries the conclusion
    up, down = contrasted("bullish", 0, 0, "before-contrast", "gold"), contrasted("bearish", 0, 9, "after-contrast", "gold")
    (n,) = resolve([up, down])
    assert n.direction == "bearish" and up.modifiers == ("before-contrast",) and down.modifiers == ("after-contrast",)


@pytest.mark.parametrize(
    "votes",
    [
        # one driver over several sentences
        [vote("bullish", 0.25, 0, event="cb.easing"), vote("bullish", 0.25, 2, event="cb.easing")],
        # several drivers in one sentence
        [vote("bullish", 0.25, 1, event="cb.easing"), vote("bullish", 0.22, 1, event="tariffs.threat")],
        # a rule combining two events states their link: it joins the single-event rule's driver
        [vote("bearish", 0.25, 0, event="fiscal.deficit"),
         Vote("gold", "bearish", 0.4, 1, 2, (20, 21), ("fiscal.deficit", "tariffs.threat"), (), "", "short")],
        # explicit and reported votes of different events in different sentences speak about the asset
        [vote("bullish", 0.8, 0, event="view.bullish", basis="explicit"),
         vote("bullish", 0.42, 2, event="move.up", basis="reported")],
    ],
)
def test_one_driver_or_one_sentence_or_direct_votes_still_count(votes):
    n = net(*votes)
    assert n.direction == votes[0].direction and n.votes[votes[0].direction] > 0
    assert all(v.counted for v in votes if v.weight == max(w.weight for w in votes if w.sentence == v.sentence))
