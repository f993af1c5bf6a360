"""Bounded cost per document: the work of the pipeline grows linearly with the text however the
triggers, modifiers, conditions and vetoes are packed into one sentence.

Work is counted, not timed: the Python lines the engine's modules execute (a line trace over
``impact/``) for a document of n and of 2n copies of one unit. Linear work doubles; the
quadratic look-ups fixed here (every modifier, condition and veto span of the sentence scanned
for every trigger) made it grow three to four times per doubling at these sizes.
"""

from __future__ import annotations

import pytest

from adversarial.work import lines_executed

# one sentence each (no sentence end, or a line list read as one wrapped sentence), packed with
# what each look-up of the facts stage scans
UNITS = {
    # a conditional modifier before every trigger: flash news headlines one per line
    "conditional headlines zh": "如果美联储降息，金价上涨\n",
    # hedge and future modifiers, an English list of clauses
    "hedged clauses en": "The Fed may cut rates, and gold could rise, ",
    # a concession before every trigger (no contrast marker to settle it first), and contrast markers
    "concession zh": "虽然美元走强，金价上涨，",
    "contrast en": "Although the dollar rose, gold fell but copper gained; ",
    # an asset's not_regex matching next to every alias of that asset
    "asset not_regex zh": "美元走强，油价5美元，",
    # a heading speaker whose vetoes hold in every clause
    "heading veto zh": "特朗普：美联储应降息，金价或上涨，",
    # `all` conditions within a window, after the trigger
    "condition window en": "Gold could rise if the Fed cuts rates and the dollar weakens, ",
}


def lines_run(engine, text: str) -> int:
    """Lines of impact's own modules executed to evaluate ``text``."""
    return lines_executed(engine.evaluate, text)


@pytest.mark.parametrize("unit", list(UNITS.values()), ids=list(UNITS))
def test_the_work_of_one_crowded_sentence_grows_linearly(engine, unit):
    n = 150
    small, large = lines_run(engine, unit * n), lines_run(engine, unit * 2 * n)
    # one crowded sentence (not a list of short ones) holding n triggers at least
    trace = engine.trace(unit * n)
    assert len(trace.sentences) == 1 and trace.facts
    assert len(trace.hits) >= 3 * n
    assert large / small <= 2.1, (small, large, large / small)
