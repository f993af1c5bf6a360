"""Rule loading: every error names file:line:col, like a compiler."""

import pytest

from impact import Engine, RuleError
from impact.ruleset.collection import check_ruleset

from conftest import write_rules

GOOD_RULE = """\
events:
  tin.strike:
    description: A strike at a tin mine.
    terms: {zh: [罢工], en: [strike]}
    subject: required
rules:
  - id: tin.strike.bullish
    description: Strikes cut supply.
    when: {all: [tin.strike]}
    then: [{asset: '{subject}', direction: bullish}]
    rationale: Less supply.
    explain: 'Strike at a {asset} mine.'
    examples:
      - text: Tin miners strike in Indonesia.
        expect: {tin: bullish}
"""


def errors_of(folder):
    with pytest.raises(RuleError) as info:
        Engine.from_path(folder)
    return [str(p) for p in info.value.problems]


def test_a_valid_rule_loads_and_fires(tmp_path):
    engine = Engine.from_path(write_rules(tmp_path, strike=GOOD_RULE))
    report = engine.evaluate("Tin miners strike in Indonesia.")
    assert [(s.asset, s.direction) for s in report.signals] == [("tin", "bullish")]


def test_unknown_key_is_located_with_a_suggestion(tmp_path):
    folder = write_rules(tmp_path, strike=GOOD_RULE.replace("    then: [{asset: '{subject}', direction: bullish}]",
                                                            "    then: [{asset: '{subject}', diretion: bullish}]"))
    (msg,) = [m for m in errors_of(folder) if "E201" in m]
    assert msg.endswith("strike.yaml:10:33: E201 unknown key 'diretion' (did you mean 'direction'?)")


def test_duplicate_key_is_reported_at_the_second_occurrence(tmp_path):
    text = GOOD_RULE.replace("    rationale: Less supply.\n", "    rationale: Less supply.\n    rationale: again\n")
    (msg,) = errors_of(write_rules(tmp_path, strike=text))
    assert msg.endswith("strike.yaml:12:5: E102 duplicate key 'rationale' (first defined on line 11)")


def test_yaml_syntax_error_is_located(tmp_path):
    text = GOOD_RULE.replace("terms: {zh: [罢工], en: [strike]}", "terms: {zh: [罢工, en: [strike]}")
    (msg,) = errors_of(write_rules(tmp_path, strike=text))
    assert "strike.yaml:4:" in msg and "E101 YAML syntax error" in msg


def test_a_character_yaml_refuses_is_located_at_its_line_and_column(tmp_path):
    text = GOOD_RULE.replace("    rationale: Less supply.\n", "    rationale: Less\x07supply.\n")
    (msg,) = errors_of(write_rules(tmp_path, strike=text))
    assert msg.endswith("strike.yaml:11:20: E101 YAML error: character U+0007 is not allowed (special characters are not allowed)")


def test_yaml11_boolean_in_a_string_field_is_explained(tmp_path):
    text = GOOD_RULE.replace("en: [strike]", "en: [strike, no]")
    (msg,) = errors_of(write_rules(tmp_path, strike=text))
    assert "strike.yaml:4:36: E204" in msg and "quote it" in msg


def test_bad_regex_and_unknown_event_are_located(tmp_path):
    text = GOOD_RULE.replace("    subject: required\n", "    subject: required\n    regex: ['(unclosed']\n")
    text = text.replace("when: {all: [tin.strike]}", "when: {all: [tin.strik]}")
    msgs = errors_of(write_rules(tmp_path, strike=text))
    assert any(":6:13: E304 regex '(unclosed' does not compile" in m for m in msgs)
    assert any(":10:18: E302 unknown event 'tin.strik' (did you mean 'tin.strike'?)" in m for m in msgs)


def _folder(path):
    path.mkdir()
    return path


def test_loading_runs_the_checks_that_decide_it_and_leaves_advice_to_lint(tmp_path):
    # a rule without examples (W401) and a wildcard that runs into 'east' (W412): advice only
    advised = GOOD_RULE.replace("terms: {zh: [罢工], en: [strike]}", "terms: {zh: [罢工], en: [strike, 'eas*']}")
    advised = advised[: advised.index("    examples:")]
    folder = write_rules(_folder(tmp_path / "advised"), strike=advised)
    from impact.ruleset.collection import load_ruleset

    _, problems = check_ruleset(folder)
    assert {"W401", "W412"} <= {p.code for p in problems}
    loaded = load_ruleset(folder)
    assert not {"W401", "W412"} & {p.code for p in loaded.warnings}
    assert Engine(loaded).evaluate("Tin miners strike in Indonesia.").signals[0].asset == "tin"
    # an error of the merged folder (a rule naming an event no file defines) still refuses the load
    broken = GOOD_RULE.replace("when: {all: [tin.strike]}", "when: {all: [tin.strik]}")
    assert any("E302 unknown event 'tin.strik'" in m for m in errors_of(write_rules(_folder(tmp_path / "broken"), strike=broken)))


def test_catastrophic_regex_is_compiled_by_re2(tmp_path):
    """The pattern is an RE2 object (linear time); the timing itself is run in a subprocess with a
    time-out by test_robustness, so that a backtracking engine fails that test instead of hanging."""
    import re2

    text = GOOD_RULE.replace("    subject: required\n", "    subject: required\n    regex: ['(a+)+$']\n")
    engine = Engine.from_path(write_rules(tmp_path, strike=text))
    compiled = [rx for spec in engine.compiled.extractor.events for rx, _ in spec.regexes]
    assert [rx.pattern for rx in compiled] == ["(a+)+$"]
    assert all(isinstance(rx, re2._Regexp) for rx in compiled)  # noqa: SLF001 - re2's compiled type has no public name
    assert engine.evaluate("Tin strike aaaa!").signals == []


def test_bundled_rules_load_without_errors():
    ruleset, problems = check_ruleset(None)
    assert ruleset is not None
    assert [p for p in problems if p.severity == "error"] == []
