"""Tiny rule files that used to blow up: lexicons doubling at every level, one YAML alias repeated,
nesting a thousand levels deep. Each is read in bounded work or refused with a located E101."""

from __future__ import annotations

from pathlib import Path

from adversarial.work import lines_executed
from conftest import write_rules
from impact.lint import lint_path
from impact.ruleset.loader import load_rule_file
from impact.ruleset.schema import Lexicon, expand_terms


def doubling(depth: int) -> str:
    lines = ["lexicons:", "  l0: {en: [alpha, beta]}"]
    lines += [f"  l{i}: {{en: ['@l{i - 1}', '@l{i - 1}']}}" for i in range(1, depth + 1)]
    lines += ["events:", "  e.x:", "    description: d", f"    terms: {{en: ['@l{depth}']}}"]
    return "\n".join(lines) + "\n"


def test_a_lexicon_reached_twice_per_level_is_expanded_once():
    lexicons = {"l0": Lexicon(en=["alpha", "beta"])}
    for i in range(1, 23):
        lexicons[f"l{i}"] = Lexicon(en=[f"@l{i - 1}", f"@l{i - 1}"])
    assert list(expand_terms(lexicons, ["@l22", "gamma"], "en")) == ["alpha", "beta", "gamma"]


def lint_lines(folder: Path) -> int:
    return lines_executed(lint_path, folder)


def test_linting_a_doubling_chain_of_lexicons_grows_with_its_lines_not_its_paths(tmp_path):
    """One more level adds a line to the file; it doubled the paths the cycle check walked."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    small = lint_lines(write_rules(tmp_path / "a", lex=doubling(10)))
    large = lint_lines(write_rules(tmp_path / "b", lex=doubling(12)))
    assert large / small < 1.3, (small, large)


def test_one_alias_repeated_is_refused_at_its_anchor(tmp_path):
    terms = ", ".join(f"term{i}" for i in range(300))
    groups = ", ".join(["{en: *t}"] * 3000)  # 33 KB of text, 900,000 nodes once expanded
    path = tmp_path / "alias.yaml"
    path.write_text(f"lexicons:\n  base: {{en: &t [{terms}]}}\nevents:\n  e.x:\n    description: d\n"
                    f"    terms: {{en: [gold]}}\n    all: [{groups}]\n", encoding="utf-8")
    model, _, problems = load_rule_file(path)
    assert model is None
    assert [(p.code, p.line, p.col) for p in problems] == [("E101", 2, 14)]
    assert "aliases" in problems[0].message and "3,000 times" in problems[0].message


def test_a_few_aliases_as_rule_authors_write_them_still_load(tmp_path):
    path = tmp_path / "ok.yaml"
    path.write_text("lexicons:\n  a: {en: &t [rise, rises]}\n  b: {en: *t}\n  c: {zh: [上涨], en: *t}\n", encoding="utf-8")
    model, _, problems = load_rule_file(path)
    assert problems == [] and model is not None and model.lexicons["c"].en == ["rise", "rises"]


def test_a_thousand_levels_of_nesting_is_a_located_error_not_a_recursion_error(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("lexicons:\n  x: {en: " + "[" * 1000 + "]" * 1000 + "}\n", encoding="utf-8")
    model, _, problems = load_rule_file(path)
    assert model is None
    assert [(p.code, p.line) for p in problems] == [("E101", 2)]
    assert "nested deeper than 100 levels" in problems[0].message


def test_block_nesting_past_the_limit_is_refused_too(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("lexicons:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 150)) + "  " * 150 + "x\n",
                    encoding="utf-8")
    model, _, problems = load_rule_file(path)
    assert model is None and [p.code for p in problems] == ["E101"] and "nested deeper" in problems[0].message
