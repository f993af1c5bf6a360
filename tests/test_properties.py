"""Properties that hold for any text: evaluation never raises, is deterministic, cites exactly."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from impact.pipeline.text import normalise, segment

# pieces of news in both languages (triggers, aliases, modifiers, wraps, full-width forms) mixed
# with arbitrary Unicode, so that the generated texts do reach the rules
PIECES = [
    "美元走弱提振金价", "金价承压", "解除制裁", "和平谈判", "不会", "可能", "然而", "虽然", "铜价", "亿美元",
    "。", ",", ",", ";", "!", "?", "\n", "\n\n", " ", "\u3000", "…", "ＧＯＬＤ", "①", "ﬁ", "Ⅻ",
    "gold", "Gold prices rose", " as the dollar weakened", "could", "not", "however", "U.S.", "Mr.", ". ",
    "sanctions were lifted", "LME inventories rose", "\r\n", "\t", "e\u0301", "\x00",
]
texts = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=60).map("".join),
)
PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@PROPERTY
@given(text=texts)
def test_any_text_evaluates_and_every_citation_is_exact(engine, text):
    report = engine.evaluate(text)
    for signal in report.with_evidence():  # undecided assets cite evidence too
        assert -1.0 <= signal.score <= 1.0
        for ev in signal.evidence:
            assert text[ev.start : ev.end] == ev.sentence
            assert text[ev.trigger.start : ev.trigger.end] == ev.trigger.text
            assert ev.start <= ev.trigger.start and ev.trigger.end <= ev.end


@PROPERTY
@given(text=texts)
def test_evaluation_is_deterministic(engine, text):
    assert engine.evaluate(text, doc_id="d").to_json() == engine.evaluate(text, doc_id="d").to_json()


@PROPERTY
@given(text=texts)
def test_sentences_cover_the_text(text):
    norm, offsets = normalise(text)
    sentences = segment(norm)
    covered = [False] * len(norm)
    last_end = 0
    for s in sentences:
        assert last_end <= s.start < s.end <= len(norm)  # in order, no overlap, never empty
        assert s.clauses[0] == s.start and list(s.clauses) == sorted(set(s.clauses))
        for i in range(s.start, s.end):
            covered[i] = True
        last_end = s.end
        a, b = offsets.start(s.start), offsets.end(s.end)
        assert 0 <= a <= b <= len(text)
    # only white space (paragraph breaks, padding) is left out of every sentence
    assert all(covered[i] or norm[i].isspace() for i in range(len(norm)))


@PROPERTY
@given(text=st.text(alphabet="\n\r \t中a，\u3000Ｂ\u33ff\u3400\u303f\u3040x", max_size=40))
def test_line_wraps_found_from_newlines_are_those_of_the_wrap_pattern(text):
    # the fast wrap finder against its regex: an internal, tested against its own oracle
    from impact.pipeline.text import _WRAP_RE, _wraps  # noqa: PLC2701

    assert _wraps(text) == [(m.start(), m.end()) for m in _WRAP_RE.finditer(text)]


@PROPERTY
@given(text=texts)
def test_normalisation_is_the_per_character_mapping_whatever_was_seen_before(text):
    # the shared character table learns as it goes: the result must not depend on its state
    from impact.pipeline.text import _char_map  # noqa: PLC2701 - the per-character oracle of normalise

    norm, offsets = normalise(text)
    if offsets.identity == (True,):
        plain = "".join(_char_map(c) if c not in "\n\r" else c for c in text)
        assert len(norm) == len(text)
        for a, b, c in zip(text, norm, plain):
            assert b == c or (a in "\n\r" and b in " \n")
