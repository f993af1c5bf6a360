"""Normalisation and segmentation: sentences keep exact offsets into the original text."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from impact.pipeline.text import detect_language, normalise, segment


def sentences(text: str) -> list[str]:
    norm, offsets = normalise(text)
    return [text[offsets.start(s.start) : offsets.end(s.end)] for s in segment(norm)]


def test_chinese_sentences_end_at_full_stops_and_semicolons():
    text = "铜:短期震荡;锌:美元走弱提振价格。铝:库存累库!"
    assert sentences(text) == ["铜:短期震荡;", "锌:美元走弱提振价格。", "铝:库存累库!"]


def test_a_wrapped_line_is_not_a_sentence_end_but_a_blank_line_is():
    text = "Scale AI 可以视作 Meta “AI\n护城河”最后一块关键拼图。\n\n新段落开始"
    assert sentences(text) == ["Scale AI 可以视作 Meta “AI\n护城河”最后一块关键拼图。", "新段落开始"]


def test_cjk_wrap_inside_a_word_is_joined_for_matching():
    norm, offsets = normalise("金\n价下跌")
    assert norm == "金价下跌"
    assert offsets.start(1) == 2 and offsets.end(4) == 5
    # Windows and old Mac line ends alike
    assert normalise("金\r\n价下跌")[0] == normalise("金\r价下跌")[0] == "金价下跌"
    assert sentences("Gold fell\r\rCopper rose") == sentences("Gold fell\n\nCopper rose") == ["Gold fell", "Copper rose"]


def test_english_abbreviations_and_decimals_do_not_split():
    text = "Mr. Smith said the U.S. dollar fell. Gold settled at $1,116.10 on Friday. Next."
    assert sentences(text) == ["Mr. Smith said the U.S. dollar fell.", "Gold settled at $1,116.10 on Friday.", "Next."]


def test_full_width_and_ligatures_normalise_with_offsets_kept():
    text = "Ｇｏｌｄ　ﬁrms，金价上涨。"
    norm, offsets = normalise(text)
    assert norm.startswith("gold fi")
    (s,) = segment(norm)
    assert text[offsets.start(s.start) : offsets.end(s.end)] == text


def test_language_detection():
    assert detect_language("美元走弱提振金价") == "zh"
    assert detect_language("Gold rallies as the dollar slips") == "en"
    assert detect_language("") == "und"
    assert detect_language("123 !!! 4.5%") == "und"  # ASCII without a letter
    assert detect_language("黄金 ETF (GLD) 本周净流入 12 亿美元") == "zh"
    assert detect_language("黄金ETF本周净流入, SPDR holdings rose") == "mixed"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
def test_sentences_are_exact_substrings_in_order(text):
    norm, offsets = normalise(text)
    last = 0
    for s in segment(norm):
        a, b = offsets.start(s.start), offsets.end(s.end)
        assert 0 <= last <= a <= b <= len(text)
        last = b


MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f\u3099\u309a"


def _normalise_by_definition(text: str) -> str:
    """normalise()'s output spelt out character by character: NFKC + lower case per character,
    except a character with the combining marks after it, NFKC + lower case as one cluster;
    any white space a space, CJK line wraps dropped, the newlines that bound a blank line kept, and
    a run of white space with neither a blank line nor a wrap in it one space; an invisible
    character (zero-width space, soft hyphen, ...) outside such a cluster dropped."""
    import re
    import unicodedata

    from impact.pipeline.text import INVISIBLE

    clusters = {m.start(): m.end() for m in re.finditer(f"[^\\s{MARKS}][{MARKS}]+", text)}

    lines = re.sub(r"\r(?!\n)", "\n", text)  # a carriage return alone is a line break too
    dropped = {i for m in re.finditer(WRAP, lines) for i in range(m.start(), m.end())}
    kept = {i for m in re.finditer(r"\n[ \t\r\f\v]*\n", lines) for i in (m.start(), m.end() - 1)}
    for m in re.finditer(r"\s{2,}", text):
        run = range(m.start(), m.end())
        if not any(i in kept or i in dropped for i in run):
            dropped.update(run[1:])
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if i in clusters:
            out.append(unicodedata.normalize("NFKC", text[i:clusters[i]]).lower())
            i = clusters[i]
            continue
        if i not in dropped and ch not in INVISIBLE:  # zero-width characters and soft hyphens: folded away
            if ch.isspace():
                out.append("\n" if i in kept else " ")
            else:
                out.append(unicodedata.normalize("NFKC", ch).lower())
        i += 1
    return "".join(out)


WRAP = r"(?<=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])[ \t]*\r?\n[ \t]*(?=[\u3400-\u9fff\uff00-\uffef\u3000-\u303f])"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("金价涨，。：Ａa Bİﬁ㍿½\n\r\t\f\u3000\xa0\u2028\u200b\xad\ufeff") | st.characters(codec="utf-8"), max_size=80))
def test_normalised_text_follows_its_definition(text):
    norm, offsets = normalise(text)
    assert norm == _normalise_by_definition(text)
    assert offsets.norm_len == len(norm) and offsets.orig_len == len(text)


def test_a_special_learnt_while_another_thread_builds_the_pattern_is_not_lost(monkeypatch):
    """Thread B learns ﬁ (one character that becomes two) while thread A compiles the pattern of
    the specials known before: the stale pattern must not hide ﬁ from every later document.
    The interleaving is replayed in one thread by running B's step inside A's re.compile."""
    import impact.pipeline.text as text_module

    fold = text_module._Fold()  # noqa: SLF001 - a fresh table replaces the shared one
    monkeypatch.setattr(text_module, "_FOLD", fold)
    fold[ord("\ufb00")]  # A has learnt ﬀ; no pattern compiled yet
    real = text_module.re.compile

    def compile_while_b_learns(pattern, *args, **kwargs):
        monkeypatch.setattr(text_module.re, "compile", real)
        fold[ord("\ufb01")]  # B's translate learns ﬁ meanwhile
        return real(pattern, *args, **kwargs)

    monkeypatch.setattr(text_module.re, "compile", compile_while_b_learns)
    assert text_module.normalise("\ufb00")[0] == "ff"
    for _ in range(2):
        assert text_module.normalise("de\ufb01cit")[0] == "deficit"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The Fed said no. Gold rallied.", ["The Fed said no.", "Gold rallied."]),
        ("Traders no longer expect a Dec. rate cut from the Fed.", ["Traders no longer expect a Dec. rate cut from the Fed."]),
        ("Gold fell after hotter Oct. CPI data lifted the dollar.", ["Gold fell after hotter Oct. CPI data lifted the dollar."]),
        ("Mine No. 5 halted output. Gold rose.", ["Mine No. 5 halted output.", "Gold rose."]),
        ("Prices rose on Jan. 5, traders said.", ["Prices rose on Jan. 5, traders said."]),
        ("金价下跌!!铜价上涨。", ["金价下跌!!", "铜价上涨。"]),
        ("Gold fell‼ Silver rose.", ["Gold fell‼", "Silver rose."]),
    ],
)
def test_words_that_are_abbreviations_only_before_a_number_and_runs_of_marks(text, expected):
    norm, offsets = normalise(text)
    cited = []
    for s in segment(norm):
        a, b = offsets.span(s.start, s.end)
        cited.append(text[a:b])
    assert cited == expected


def test_full_width_latin_text_is_english():
    assert detect_language("Ｇｏｌｄ　ｆｅｌｌ．") == "en"
    assert detect_language("金价下跌。") == "zh"


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("国内新闻：1. 金价上涨。2. 美元走弱。", 2),  # numbered, one line
        ("要闻：１、金价上涨；２、美元走弱", 2),  # full-width numbers
        ("①金价上涨。②美元走弱。③铜价持稳。", 3),  # circled numbers
        ("• Gold rises\n• Dollar slips", 2),  # bullet lines
        ("Gold rises 1.2% as the dollar slips 0.2%", 0),  # numbers, but no items
        ("①金价上涨", 0),  # one circled number
        ("Gold rises as the dollar slips", 0),  # nothing an item needs
        ("1. Gold rises", 0),  # an item 1 alone
    ],
)
def test_digest_items_of_each_kind(text, items):
    from impact.pipeline.text import digest_items

    assert len(digest_items(text)) == items


_ITEM_PARTS = ["1. ", "2. ", "3) ", "１、", "２、", "01. ", "① ", "② ", "\n", "\n• ", "\n- ", "* ", "• ",
               "金价上涨", "gold rises 1.2% ", "2", "1", "。", ": ", "；", " ", "\t"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_ITEM_PARTS), max_size=8).map("".join))
def test_the_quick_look_of_digest_items_never_changes_the_answer(text):
    """digest_items first looks for what any digest needs (a 1 and a 2, a circled number past ①, a
    line break) and skips the item pattern without them: the answer is the pattern's either way."""
    from impact.pipeline import text as module

    assert module.digest_items(text) == module._items_by_pattern(text)  # noqa: SLF001 - the reference is the unguarded pattern
