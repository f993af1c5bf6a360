"""A rule author's mistakes, each reported where it was made, and the tools agreeing with each other.

Each test is one thing an analyst writes or runs, then what they see: the loader, the JSON Schema
an editor reads, lint, `impact rules stats`, the pytest plugin and `impact rules new`.
"""

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml

from impact import Engine
from impact.ruleset.collection import check_ruleset, load_ruleset
from impact.errors import RuleError
from impact.lint import lint_path
from impact.ruleset.checks.terms import veto_inside
from impact.ruleset.loader import load_rule_file
from impact.authoring.scaffold import new_rule

from conftest import ROOT, RULES, write_rules

EVENT = """\
events:
  copper.strike:
    description: A strike at a copper mine.
    terms: {zh: [罢工], en: [strike, strikes]}
"""

RULE = """\
rules:
  - id: copper.strike.bullish
    description: Strikes cut supply.
    when: {all: [copper.strike]}
    then: [{asset: copper, direction: bullish}]
    rationale: Less supply.
    explain: 'A strike ("{trigger}") cuts {asset} supply.'
    examples:
      - {text: Copper miners strike in Chile., expect: {copper: bullish}}
      - {text: Copper miners ended their talks., expect: {}}
"""


def impact(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], capture_output=True, timeout=120, cwd=cwd)


def lint_one(tmp_path: Path, text: str) -> list[str]:
    folder = write_rules(tmp_path, mine=text)
    return [str(p).replace(f"{folder}/", "") for p in lint_path(folder / "mine.yaml")]


# -- ids are checked one by one, at their own line -------------------------------------------


def test_a_bad_event_id_is_reported_at_its_own_key_and_named(tmp_path):
    text = EVENT + (
        "  Sanctions-Y: {description: y, terms: {en: [y]}}\n"  # line 5
        "  copper.ok:\n"
        "    description: fine\n"
        "    terms: {en: [ok]}\n"
        "  sanctions-z:\n"  # line 9
        "    description: z\n"
        "    terms: {en: [z]}\n"
    ) + RULE
    found = lint_one(tmp_path, text)
    assert [line.split(": E203 ")[0] for line in found] == ["mine.yaml:5:3", "mine.yaml:9:3"]
    assert "event id 'Sanctions-Y' must be dotted lower case" in found[0]
    assert "event id 'sanctions-z' must be dotted lower case" in found[1]


def test_an_error_inside_a_capitalised_event_points_into_it(tmp_path):
    text = EVENT + "  Sanctions-Y: {description: y, terms: {}}\n" + RULE
    found = lint_one(tmp_path, text)
    assert "mine.yaml:5:3: E203 event id 'Sanctions-Y' must be dotted lower case" in found[0]
    assert found[1].startswith("mine.yaml:5:16: E203 events.Sanctions-Y: ") and "trigger term" in found[1]


# -- the JSON Schema says what the loader enforces ----------------------------------------------


def _both(tmp_path: Path, text: str) -> tuple[bool, bool]:
    """(the loader accepts the file, the shipped JSON Schema accepts it)."""
    path = tmp_path / "one.yaml"
    path.write_text(text, encoding="utf-8")
    model, _, problems = load_rule_file(path)
    schema = json.loads((ROOT / "impact" / "rules.schema.json").read_text(encoding="utf-8"))
    valid = jsonschema.Draft202012Validator(schema).is_valid(yaml.safe_load(text))
    return model is not None and not problems, valid


@pytest.mark.parametrize("name, text", [
    ("id key", EVENT.replace("copper.strike:", "Copper-Strike:")),
    ("empty terms", EVENT.replace("{zh: [罢工], en: [strike, strikes]}", "{}")),
    ("empty term lists", EVENT.replace("{zh: [罢工], en: [strike, strikes]}", "{zh: [], en: []}")),
    ("blank term", EVENT.replace("[罢工]", "['  ']")),
    ("star term", EVENT.replace("[罢工]", "['*']")),
    ("at term", EVENT.replace("[罢工]", "[' @ ']")),
    ("when all and any", RULE.replace("{all: [copper.strike]}", "{all: [copper.strike], any: [copper.strike]}")),
    ("when neither", RULE.replace("{all: [copper.strike]}", "{}")),
    ("when empty", RULE.replace("{all: [copper.strike]}", "{all: []}")),
    ("asset id", "assets:\n  Gold: {names: {en: [gold]}}\n"),
    ("lexicon id", "lexicons:\n  my-words: {en: [a]}\n"),
    ("version 1.5", RULE.replace("    description: Strikes", "    version: 1.5\n    description: Strikes")),
])
def test_the_schema_refuses_what_the_loader_refuses(tmp_path, name, text):
    assert _both(tmp_path, text) == (False, False)


@pytest.mark.parametrize("name, text", [
    ("event", EVENT),
    ("rule", RULE),
    ("one language", EVENT.replace("{zh: [罢工], en: [strike, strikes]}", "{en: [strike]}")),
    ("empty all beside any", RULE.replace("{all: [copper.strike]}", "{all: [], any: [copper.strike]}")),
    ("star suffix", EVENT.replace("[strike, strikes]", "['strike*']")),
    ("version 1.0", RULE.replace("    description: Strikes", "    version: 1.0\n    description: Strikes")),
])
def test_the_schema_accepts_what_the_loader_accepts(tmp_path, name, text):
    assert _both(tmp_path, text) == (True, True)


# -- YAML: merge keys, located syntax errors, aliases reported once ----------------------------


def test_merge_keys_load_and_an_override_is_no_duplicate(tmp_path):
    text = textwrap.dedent("""\
        events:
          copper.strike: &strike
            description: A strike at a copper mine.
            terms: {zh: [罢工], en: [strike, strikes]}
            scope: clause
          copper.walkout:
            <<: *strike
            description: A walkout.
            terms: {en: [walkout]}
        """) + RULE.replace("{all: [copper.strike]}", "{any: [copper.strike, copper.walkout]}")
    folder = write_rules(tmp_path, mine=text)
    ruleset, problems = check_ruleset(folder)
    assert [p for p in problems if p.severity == "error"] == []
    walkout = ruleset.events["copper.walkout"]
    assert walkout.description == "A walkout." and walkout.terms.en == ["walkout"] and walkout.scope == "clause"
    again = text.replace("    terms: {en: [walkout]}\n", "    terms: {en: [walkout]}\n    description: Twice.\n")
    (folder / "mine.yaml").write_text(again, encoding="utf-8")
    assert [str(p).replace(f"{folder}/", "") for p in lint_path(folder / "mine.yaml")] == [
        "mine.yaml:10:5: E102 duplicate key 'description' (first defined on line 8)"]


def test_an_unclosed_list_names_the_line_where_it_was_opened(tmp_path):
    text = EVENT + "    ignore: [reversal\n" + RULE
    (found,) = lint_one(tmp_path, text)
    assert found.startswith("mine.yaml:6:")
    assert found.endswith("(while parsing a flow sequence opened at line 5:13)")


def test_a_problem_in_an_aliased_node_is_reported_once(tmp_path):
    text = EVENT.replace("{zh: [罢工], en: [strike, strikes]}", "&t {en: ['@nolex']}") + (
        "  copper.walkout:\n"
        "    description: A walkout.\n"
        "    terms: *t\n"
    ) + RULE.replace("{all: [copper.strike]}", "{any: [copper.strike, copper.walkout]}")
    assert lint_one(tmp_path, text) == ["mine.yaml:4:21: E303 unknown lexicon 'nolex'"]


# -- lint: vetoes inside triggers, unreachable expectations, explain templates ------------------


@pytest.mark.parametrize("veto, trigger, dead", [
    ("sanction", "sanction*", False),  # the trigger also matches 'sanctions', which the veto does not
    ("sanction*", "sanctions", True),
    ("走强", "美元走强", True),
    ("strike", "strikes", False),
    ("Strikes", "strikes", True),
    ("lift", "lift sanction*", True),
    ("sanction", "lift sanctions", False),
    ("escalat*", "de-escalation", True),
])
def test_a_veto_warns_when_it_matches_inside_the_trigger(veto, trigger, dead):
    assert veto_inside(veto, trigger) is dead


def test_w406_follows_the_engine(tmp_path):
    text = EVENT.replace("{zh: [罢工], en: [strike, strikes]}", "{zh: [美元走强], en: ['sanction*']}")
    fine = text + "    none: {en: [sanction]}\n" + RULE
    assert lint_one(tmp_path, fine) == []
    dead = text.replace("'sanction*'", "sanctions") + "    none: {zh: [走强], en: ['sanction*']}\n" + RULE
    found = lint_one(tmp_path, dead)
    assert [line.split(": W406 ")[0] for line in found] == ["mine.yaml:5:17", "mine.yaml:5:27"]
    assert "veto '走强' matches inside trigger '美元走强'" in found[0]
    assert "veto 'sanction*' matches inside trigger 'sanctions'" in found[1]
    engine = Engine(load_ruleset(write_rules(tmp_path, mine=dead)))
    assert engine.evaluate("Copper rose after the US lifted sanctions on Chile.").signals == []


SUBJECT = """\
events:
  supply.cut:
    description: Supply of a metal is cut.
    terms: {zh: [减产], en: [output cut]}
    subject: required
    assets: [copper]
rules:
  - id: supply.cut.bullish
    description: A cut in supply is bullish for the metal.
    when: {all: [supply.cut]}
    then: [{asset: '{subject}', direction: bullish}]
    rationale: Less supply.
    explain: '{trigger} is {direction} for {asset}.'
    examples:
      - {text: 铜矿减产。, expect: {copper: bullish}}
      - {text: 金矿减产。, expect: {gold: bullish}}
      - {text: 铜矿未减产。, expect: {}}
"""


def test_w408_knows_the_subject_events_assets_and_the_others_exclusions(tmp_path):
    found = lint_one(tmp_path, SUBJECT)
    assert found == ["mine.yaml:16:38: W408 rule 'supply.cut.bullish' never asserts a view on 'gold' "
                     "(its views: {subject})"]
    others = SUBJECT.replace("    subject: required\n    assets: [copper]\n", "").replace(
        "{asset: '{subject}', direction: bullish}", "{asset: '{others}', direction: bullish, exclude: [gold]}")
    found = lint_one(tmp_path, others)
    assert found == ["mine.yaml:14:38: W408 rule 'supply.cut.bullish' never asserts a view on 'gold' "
                     "(its views: {others} except gold)"]


@pytest.mark.parametrize("template, written", [
    ("{trigger:d}", "{trigger:d}"), ("{trigger:>99999999}", "{trigger:>99999999}"), ("{asset!r}", "{asset!r}"),
])
def test_an_explain_format_spec_is_refused_at_load_with_its_line(tmp_path, template, written):
    text = RULE.replace('explain: \'A strike ("{trigger}") cuts {asset} supply.\'', f"explain: 'A strike {template}.'")
    found = lint_one(tmp_path, EVENT + text)
    assert found == [f"mine.yaml:11:14: E306 explain template field {written}: only plain fields such as "
                     f"{{{written[1:].split('!')[0].split(':')[0]}}} are allowed, no conversion (!r) or format spec (:...)"]
    with pytest.raises(RuleError):
        load_ruleset(tmp_path / "rules")


# -- impact rules stats: labels read as the engine reads assets ---------------------------------


def test_stats_reads_label_aliases_and_capitals(tmp_path):
    corpus = tmp_path / "labels.jsonl"
    rows = [
        {"id": "1", "text": "Gold rallies to a two-week high as yields slip.", "labels": {"Gold": "bullish"}},
        {"id": "2", "text": "Gold slumps as the dollar jumps.", "labels": {"XAU": "bearish"}},
        {"id": "3", "text": "Aluminium prices fell sharply on Monday.", "labels": {"aluminum": "bearish"}},
        {"id": "4", "text": "Gold climbs on bargain hunting.", "labels": {"gold": "Bullish"}},
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = impact("rules", "stats", str(corpus), "--format", "json")
    stats = json.loads(out.stdout)
    assert stats["total"]["directional"] == 4 and stats["total"]["calls"] == 4
    assert stats["no_view"]["items"] == 0
    assert {r["asset"]: r["directional"] for r in stats["assets"] if r["directional"]} == {"gold": 3, "aluminium": 1}


@pytest.mark.parametrize("labels, message", [
    ({"glod": "bullish"}, "label 'glod': unknown asset 'glod'"),
    ({"gold": "up"}, "label 'up' of 'gold' is no direction"),
    ({"gold": "bullish", "XAU": "bearish"}, "asset 'gold' is labelled twice"),
])
def test_stats_refuses_a_label_it_cannot_read_naming_its_line(tmp_path, labels, message):
    corpus = tmp_path / "labels.jsonl"
    corpus.write_text(json.dumps({"id": "1", "text": "x", "labels": {}}) + "\n"
                      + json.dumps({"id": "2", "text": "x", "labels": labels}) + "\n", encoding="utf-8")
    out = impact("rules", "stats", str(corpus))
    assert out.returncode == 2
    assert f"{corpus}:2: {message}" in out.stderr.decode()


# -- the pytest plugin reads one file as the CLI does ------------------------------------------


def test_the_plugin_runs_one_rule_file_with_its_folder(tmp_path):
    project = tmp_path / "analyst"
    shutil.copytree(RULES, project / "rules")
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--impact-rules", "rules/geopolitics.yaml"],
        capture_output=True, timeout=120, cwd=project,
    )
    shown = out.stdout.decode()
    assert out.returncode == 0, shown
    cli = json.loads(impact("rules", "test", str(project / "rules" / "geopolitics.yaml"), "--format", "json").stdout)
    assert f"{cli['passed']} passed" in shown.splitlines()[-1]


# -- impact rules new: a stub gives no live signals -------------------------------------------


def test_a_scaffolded_rule_gives_no_signal_until_it_is_set_active(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    done = new_rule("sanctions.lifted.usd", folder, event="sanctions.lifted", asset="usd", direction="bearish")
    assert yaml.safe_load(done.path.read_text(encoding="utf-8"))["rules"][0]["status"] == "disabled"
    text = "The US lifted sanctions on Syria."
    rules = {ev.rule for s in Engine(load_ruleset(folder)).evaluate(text).with_evidence() for ev in s.evidence}
    assert "sanctions.lifted.gold" in rules and "sanctions.lifted.usd" not in rules
    assert [p.code for p in done.todo] == ["W409"] * 6


def test_every_key_missing_from_a_rule_is_listed_at_once(tmp_path):
    text = EVENT + "rules:\n  - id: copper.strike.bullish\n    when: {all: [copper.strike]}\n"
    assert lint_one(tmp_path, text) == [
        "mine.yaml:6:5: E202 missing required keys 'description', 'then', 'rationale', 'explain'"]
