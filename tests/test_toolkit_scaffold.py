"""`impact rules new ID`: a rule file that lints clean except for the TODOs the author must fill in."""

import shutil
import subprocess
import sys

import yaml

from impact.lint import lint_path
from impact.authoring.scaffold import new_rule

from conftest import RULES


def impact(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], capture_output=True, timeout=120, cwd=cwd)


def test_a_new_folder_gets_assets_modifiers_schema_and_the_rule(tmp_path):
    out = impact("rules", "new", "copper.strike.bullish", "--asset", "copper", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    folder = tmp_path / "rules"
    assert sorted(p.name for p in folder.iterdir()) == [
        "assets.yaml", "copper.strike.bullish.yaml", "modifiers.yaml", "rules.schema.json"]
    text = (folder / "copper.strike.bullish.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=./rules.schema.json\n")
    rule = yaml.safe_load(text)["rules"][0]
    assert rule["id"] == "copper.strike.bullish" and rule["status"] == "disabled"
    assert [ex["expect"] for ex in rule["examples"]] == [{"copper": "bullish"}, {"copper": "bullish"}, {}]

    lint = impact("rules", "lint", "rules", cwd=tmp_path)
    assert lint.returncode == 0
    lines = lint.stdout.decode().splitlines()
    assert lines and all(" W409 " in line for line in lines)
    assert "rules/copper.strike.bullish.yaml:29:15: W409 rule 'copper.strike.bullish': write the positive example's text" in lines
    assert "fill in these 9 places, set 'status: active'" in out.stderr.decode()  # the command already listed them

    test = impact("rules", "test", "rules", cwd=tmp_path)
    assert test.returncode == 0 and test.stdout.decode().splitlines()[-2:] == [
        "3 skipped (disabled or deprecated rules)", "0 passed, 0 failed"]  # a stub is off until set active
    active = folder / "copper.strike.bullish.yaml"
    active.write_text(text.replace("status: disabled", "status: active"), encoding="utf-8")
    test = impact("rules", "test", "rules", cwd=tmp_path)
    assert test.returncode == 1 and test.stdout.decode().splitlines()[-1] == "1 passed, 2 failed"


def test_a_rule_on_an_existing_event_in_the_bundled_pack(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    before = {str(p) for p in lint_path(folder)}
    done = new_rule("sanctions.lifted.usd", folder, event="sanctions.lifted", asset="usd", direction="bearish")
    assert "events:" not in done.path.read_text(encoding="utf-8")
    new = [p for p in lint_path(folder) if str(p) not in before]
    assert [p.code for p in new] == ["W409"] * 6 and [str(p) for p in done.todo] == [str(p) for p in new]


def test_refusals_say_why_and_leave_nothing_behind(tmp_path):
    out = impact("rules", "new", "gold.x", "--dir", str(tmp_path / "fresh"), "--asset", "glod")
    assert out.returncode == 2 and "unknown asset 'glod' (did you mean 'gold'?)" in out.stderr.decode()
    assert not (tmp_path / "fresh").exists()
    assert "must be dotted lower case" in impact("rules", "new", "Gold-X", "--dir", str(tmp_path)).stderr.decode()
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    taken = impact("rules", "new", "sanctions.lifted.gold", "--dir", str(folder))
    assert taken.returncode == 2 and "rule 'sanctions.lifted.gold' already exists at" in taken.stderr.decode()
    assert "did you mean 'sanctions.lifted'?" in impact(
        "rules", "new", "a.b", "--dir", str(folder), "--event", "sanctions.lifed").stderr.decode()


def test_the_event_and_the_view_follow_the_id(tmp_path):
    folder = tmp_path / "rules"
    done = new_rule("metals.tin_strike", folder)  # no prefix event 'metals', no gold view
    data = yaml.safe_load(done.path.read_text(encoding="utf-8"))
    assert list(data["events"]) == ["metals.tin_strike"]
    rule = data["rules"][0]
    assert rule["when"] == {"all": ["metals.tin_strike"]}
    assert rule["then"][0]["asset"] == "tin" and rule["then"][0]["direction"] == "bullish"
    data = yaml.safe_load(new_rule("nickel.ban.bearish", folder).path.read_text(encoding="utf-8"))
    assert list(data["events"]) == ["nickel.ban"]
    assert data["rules"][0]["then"][0] == {"asset": "nickel", "direction": "bearish", "strength": 0.5, "horizon": "short"}
