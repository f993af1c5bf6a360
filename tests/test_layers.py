"""Layered rule packs: a user's folder on top of the bundled pack (``["bundled", "mine/"]``,
``--rules bundled --rules mine/``) adds assets, events and rules, overrides a bundled rule by id
(``override: true``) or turns one off (``disable``), and conflicts are located errors."""

from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from impact import Engine, RuleError
from impact.authoring.examples import checked_views, run_examples
from impact.ruleset.cache import load_cached
from impact.ruleset.collection import check_ruleset, load_ruleset

from conftest import RULES

OIL = """\
assets:
  crude_oil:
    description: Crude oil (Brent, WTI).
    names:
      zh: [原油, 油价]
      en: [crude oil, oil prices, brent, wti]
events:
  oil.output_cut:
    description: Oil producers agree to pump less.
    terms: {zh: [减产], en: [output cut, production cut, cut output]}
rules:
  - id: oil.output_cut.bullish
    description: An agreed cut in oil output is bullish for crude.
    when: {all: [oil.output_cut]}
    then: [{asset: crude_oil, direction: bullish, strength: 0.6}]
    rationale: Less oil pumped tightens the market.
    explain: 'Producers cut output ("{trigger}"), which lifts {asset}.'
    examples:
      - text: Producers agreed a fresh output cut at the weekend meeting.
        expect: {crude_oil: bullish}
      - text: The refinery reported a quiet week.
        expect: {}
"""

# a bundled rule, replaced by id: the same events, a view twice as strong, the user's explanation
GLUT_OVERRIDE = """\
rules:
  - id: market.glut.metals
    override: true
    description: A glut is strongly bearish for the metal (the desk's own weighting).
    when: {all: [market.glut]}
    then: [{asset: '{others}', direction: bearish, strength: 0.9, horizon: medium, exclude: [usd]}]
    rationale: Our desk weighs oversupply heavily.
    explain: 'Desk view: oversupply ("{trigger}") weighs on {asset}.'
    examples:
      - text: 分析师预计明年全球锌市场供应过剩。
        expect: {zinc: bearish}
"""

ZINC_GLUT = "分析师预计明年全球锌市场供应过剩。"


def folder(tmp_path: Path, name: str, **files: str) -> Path:
    root = tmp_path / name
    root.mkdir()
    for stem, text in files.items():
        (root / f"{stem}.yaml").write_text(text, encoding="utf-8")
    return root


def problems_of(stack) -> list[str]:
    with pytest.raises(RuleError) as info:
        load_ruleset(stack)
    return [str(p) for p in info.value.problems]


def test_a_user_folder_adds_an_asset_an_event_and_a_rule_and_the_bundled_examples_still_pass(tmp_path):
    mine = folder(tmp_path, "mine", oil=OIL)
    ruleset = load_ruleset(["bundled", mine])
    bundled = load_ruleset("bundled")
    assert len(ruleset.rules) == len(bundled.rules) + 1 and "crude_oil" in ruleset.assets
    engine = Engine(ruleset)
    views = {s.asset: s.direction for s in engine.evaluate("OPEC+ agreed an output cut; gold rose.").signals}
    assert views["crude_oil"] == "bullish" and views["gold"] == "bullish"
    # a bundled rule now gives a view on the user's asset (a glut of crude)...
    report = engine.evaluate("原油市场供过于求。")
    assert [(s.asset, s.evidence[0].rule) for s in report.signals] == [("crude_oil", "market.glut.metals")]
    # ...yet its example expecting no view still passes: it checks the assets of its own pack
    results = list(run_examples(engine, ruleset))
    assert len(results) > 800 and not [r for r in results if r.failed]
    assert any(r.rule == "oil.output_cut.bullish" and r.passed for r in results)
    glut = ruleset.rule("market.glut.metals")
    crude_example = next(e for e in glut.examples if e.text == "原油市场供过于求。")
    assert checked_views(ruleset, glut.id, crude_example, {"crude_oil": "bearish"}) == {}
    exhaustive = crude_example.model_copy(update={"exhaustive": True})
    assert checked_views(ruleset, glut.id, exhaustive, {"crude_oil": "bearish"}) == {"crude_oil": "bearish"}
    # the user's own rule checks every asset beneath it and its own
    assert ruleset.checked_assets("oil.output_cut.bullish") == frozenset(ruleset.assets)
    assert "crude_oil" not in ruleset.checked_assets("market.glut.metals")


def test_a_bundled_example_checks_every_asset_when_there_is_one_folder(tmp_path):
    # the same asset copied into one folder is part of the pack: the bundled example fails, as it should
    single = tmp_path / "single"
    shutil.copytree(RULES, single)
    (single / "oil.yaml").write_text(OIL, encoding="utf-8")
    ruleset = load_ruleset(single)
    failed = [r for r in run_examples(Engine(ruleset), ruleset, {"market.glut.metals"}) if r.failed]
    assert [(r.text, r.got) for r in failed] == [("原油市场供过于求。", {"crude_oil": "bearish"})]


def test_the_hash_covers_every_folder_in_order(tmp_path):
    a = folder(tmp_path, "a", oil=OIL)
    b = folder(tmp_path, "b", more="assets:\n  cocoa:\n    names: {en: [cocoa]}\n")
    bundled = load_ruleset(None).hash
    assert load_ruleset("bundled").hash == load_ruleset(["bundled"]).hash == load_ruleset(RULES).hash == bundled
    ab, ba = load_ruleset(["bundled", a, b]).hash, load_ruleset(["bundled", b, a]).hash
    assert len({bundled, load_ruleset(["bundled", a]).hash, ab, ba}) == 4
    (b / "more.yaml").write_text("assets:\n  cocoa:\n    names: {en: [cocoa, cacao]}\n", encoding="utf-8")
    assert load_ruleset(["bundled", a, b]).hash != ab


def test_override_replaces_a_bundled_rule_in_its_place(tmp_path):
    mine = folder(tmp_path, "mine", glut=GLUT_OVERRIDE)
    ruleset = load_ruleset(["bundled", mine])
    bundled = load_ruleset("bundled")
    assert [r.id for r in ruleset.rules] == [r.id for r in bundled.rules]
    assert ruleset.rule_where["market.glut.metals"].path == str(mine / "glut.yaml")
    before = Engine(bundled).evaluate(ZINC_GLUT).signals[0].evidence[0]
    after = Engine(ruleset).evaluate(ZINC_GLUT).signals[0].evidence[0]
    assert after.explanation.startswith("Desk view") and after.weight > before.weight
    assert [r for r in run_examples(Engine(ruleset), ruleset) if r.failed] == []


def test_a_second_definition_without_override_is_a_located_error(tmp_path):
    mine = folder(tmp_path, "mine", glut=GLUT_OVERRIDE.replace("    override: true\n", ""))
    found = problems_of(["bundled", mine])
    assert len(found) == 1
    assert found[0].startswith(f"{mine / 'glut.yaml'}:2:9: E301 rule id 'market.glut.metals' is already used at ")
    assert "commodity_markets.yaml:" in found[0] and "add `override: true`" in found[0]
    # an asset, event or lexicon likewise
    again = folder(tmp_path, "again", gold="assets:\n  gold:\n    names: {en: [gold]}\n")
    (message,) = problems_of(["bundled", again])
    assert message.startswith(f"{again / 'gold.yaml'}:2:3: E301 asset 'gold' is already defined at ")


def test_override_of_an_id_no_earlier_folder_defines_is_a_located_error(tmp_path):
    mine = folder(tmp_path, "mine", glut=GLUT_OVERRIDE.replace("market.glut.metals", "market.glut.metal"))
    (message,) = problems_of(["bundled", mine])
    assert message.startswith(f"{mine / 'glut.yaml'}:3:5: E310 rule 'market.glut.metal' says `override: true`")


def test_an_overridden_asset_keeps_the_bundled_examples_checking_it(tmp_path):
    gold = load_ruleset("bundled").assets["gold"]
    names = ", ".join(gold.names.en + ["the yellow stuff"])
    zh = ", ".join(gold.names.zh)
    mine = folder(tmp_path, "mine", gold=f"assets:\n  gold:\n    override: true\n    names: {{zh: [{zh}], en: [{names}]}}\n")
    ruleset = load_ruleset(["bundled", mine])
    assert "the yellow stuff" in ruleset.assets["gold"].names.en
    assert "gold" in ruleset.checked_assets("market.glut.metals")


def test_disable_turns_a_bundled_rule_off_and_its_examples_are_skipped(tmp_path):
    mine = folder(tmp_path, "mine", off="# our desk ignores gluts\ndisable: [market.glut.metals]\n")
    ruleset = load_ruleset(["bundled", mine])
    assert ruleset.rule("market.glut.metals").status == "disabled"
    def rules_behind(rs):
        return {e.rule for s in Engine(rs).evaluate(ZINC_GLUT).signals for e in s.evidence}

    assert "market.glut.metals" in rules_behind(load_ruleset("bundled"))
    assert "market.glut.metals" not in rules_behind(ruleset)
    results = [r for r in run_examples(Engine(ruleset), ruleset) if r.rule == "market.glut.metals"]
    assert results and {r.skipped for r in results} == {f"rule is disabled by {mine / 'off.yaml'}:2"}


def test_disable_of_an_unknown_rule_is_a_located_error_with_a_suggestion(tmp_path):
    mine = folder(tmp_path, "mine", off="disable:\n  - market.glut.metal\n")
    (message,) = problems_of(["bundled", mine])
    assert message == (f"{mine / 'off.yaml'}:2:5: E311 disable: rule 'market.glut.metal' is defined by no earlier "
                       "rule folder of the stack (did you mean 'market.glut.metals'?)")


def test_a_folder_given_twice_is_an_error(tmp_path):
    (message,) = problems_of(["bundled", RULES])
    assert "E301" in message and "already in the stack" in message


def test_a_layered_engine_pickles_and_is_immutable(tmp_path):
    mine = folder(tmp_path, "mine", oil=OIL, off="disable: [market.glut.metals]\n")
    engine = Engine.from_path(["bundled", str(mine)])
    copy = pickle.loads(pickle.dumps(engine))
    assert copy.ruleset_hash == engine.ruleset_hash != Engine.from_path().ruleset_hash
    text = "Producers agreed an output cut. " + ZINC_GLUT
    assert "market.glut.metals" not in copy.evaluate(text).to_json()
    assert copy.evaluate(text).to_json() == engine.evaluate(text).to_json()
    with pytest.raises(TypeError):
        engine.ruleset.asset_layer["gold"] = 3


def test_a_cached_stack_names_the_folders_it_is_read_from(tmp_path, monkeypatch):
    monkeypatch.setenv("IMPACT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("IMPACT_CACHE", raising=False)
    first = folder(tmp_path, "first", oil=OIL)
    second = tmp_path / "second"
    shutil.copytree(first, second)
    assert load_cached(["bundled", first]).rule_where["oil.output_cut.bullish"].path == str(first / "oil.yaml")
    assert list((tmp_path / "cache").glob("*.entry"))
    again = load_cached(["bundled", second])
    assert again.rule_where["oil.output_cut.bullish"].path == str(second / "oil.yaml")
    assert again.layers == (str(RULES), str(second))


def test_lint_covers_the_combination(tmp_path):
    mine = folder(tmp_path, "mine", oil=OIL)
    _, problems = check_ruleset(["bundled", mine])
    assert problems == []
    bad = folder(tmp_path, "bad", oil=OIL.replace("[oil.output_cut]", "[oil.output_cuts]"))
    _, problems = check_ruleset(["bundled", bad])
    assert [(p.code, p.path) for p in problems if p.severity == "error"] == [("E302", str(bad / "oil.yaml"))]


def impact(*args: str, input: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], input=input, capture_output=True, timeout=180)


def test_the_cli_stacks_repeated_rules_options(tmp_path):
    mine = folder(tmp_path, "mine", oil=OIL, off="disable: [market.glut.metals]\n")
    out = impact("rules", "test", "bundled", str(mine))
    assert out.returncode == 0, out.stderr
    assert "0 failed" in out.stdout.decode() and "skipped" in out.stdout.decode()
    out = impact("rules", "lint", "--rules", "bundled", "--rules", str(mine))
    assert out.returncode == 0 and "0 errors, 0 warnings" in out.stderr.decode()
    out = impact("explain", "--rules", "bundled", "--rules", str(mine), "--format", "json", "-",
                 input=("Producers agreed an output cut. " + ZINC_GLUT).encode())
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["signals"][0]["asset"] == "crude_oil"
    assert "market.glut.metals" not in out.stdout.decode()
    assert report["ruleset"] == load_ruleset(["bundled", mine]).hash
    out = impact("evaluate", "-r", "bundled", "-r", str(mine), "-",
                 input=json.dumps({"id": "a", "text": "Producers agreed an output cut."}).encode() + b"\n")
    assert json.loads(out.stdout)["signals"][0]["asset"] == "crude_oil"


def test_the_cli_reports_a_conflict_at_its_place(tmp_path):
    mine = folder(tmp_path, "mine", glut=GLUT_OVERRIDE.replace("    override: true\n", ""))
    out = impact("rules", "lint", "bundled", str(mine))
    assert out.returncode == 1
    assert out.stdout.decode().startswith(f"{mine / 'glut.yaml'}:2:9: E301 rule id 'market.glut.metals'")
    out = impact("explain", "-r", "bundled", "-r", str(mine), "-", input=b"gold")
    assert out.returncode == 2 and f"{mine / 'glut.yaml'}:2:9: E301" in out.stderr.decode()


def test_the_pytest_plugin_runs_a_user_folder_on_top_of_the_bundled_pack(tmp_path):
    project = tmp_path / "desk"
    project.mkdir()
    folder(project, "mine", oil=OIL, glut=GLUT_OVERRIDE)

    def pytest_in_project(ini: str) -> subprocess.CompletedProcess:
        (project / "pytest.ini").write_text(ini, encoding="utf-8")
        return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
                              capture_output=True, timeout=300, cwd=project)

    out = pytest_in_project("[pytest]\nimpact_rules = mine\nimpact_rules_base = bundled\n")
    assert out.returncode == 0, out.stdout.decode()
    assert out.stdout.decode().splitlines()[-1].startswith("3 passed")  # the folder's own examples, on the stack
    alone = pytest_in_project("[pytest]\nimpact_rules = mine\n")
    assert alone.returncode != 0 and "E310" in alone.stdout.decode()
