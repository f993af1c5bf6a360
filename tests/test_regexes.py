"""Author regexes on RE2, and the hot path's test of whether one matches."""

import re2

from impact.ruleset.regexes import compile_regex, found_in

TEXTS = ["barrick (nyse: gold) slips", "山东黄金股份 (600547.sh) 涨停", "金价 (gold) 上涨", "gold rises",
         "", "黄金(600547.sz)", "金价上涨，黄金股份走弱"]
PATTERN = r"\(\s*(?:nyse\s*:\s*)?gold\s*\)|黄金(?:股份)?\s*\([0-9]{6}\.s[hz]\)"


def test_found_in_uses_re2s_match_call_and_agrees_with_search():
    rx = compile_regex(PATTERN)
    test = found_in(rx)
    assert test.__name__ == "by_match"  # the installed binding exposes its match call
    assert [test(t) for t in TEXTS] == [rx.search(t) is not None for t in TEXTS] == [
        True, True, True, False, False, True, False]
    for pattern in ("", "$", "^", r"\b", "a*", "金$"):  # empty matches, edges, multi-byte text
        rx = compile_regex(pattern)
        assert [found_in(rx)(t) for t in TEXTS] == [rx.search(t) is not None for t in TEXTS]


def test_found_in_falls_back_to_search_without_the_binding_or_when_it_disagrees():
    rx = compile_regex(PATTERN)

    class Public:  # a binding without RE2's match call
        def __init__(self, inner: re2._Regexp):
            self.search = inner.search

    fallback = found_in(Public(rx))
    assert fallback.__name__ == "by_search"
    assert [fallback(t) for t in TEXTS] == [found_in(rx)(t) for t in TEXTS]

    class Changed(Public):  # a match call that no longer returns spans
        def __init__(self, inner: re2._Regexp):
            super().__init__(inner)
            self._regexp = type("Raw", (), {"Match": staticmethod(lambda *args: None)})()

    assert found_in(Changed(rx)).__name__ == "by_search"
