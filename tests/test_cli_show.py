"""``impact rules show ID``: an analyst reads one rule, its events and its examples at a terminal."""

import json
import subprocess
import sys

from conftest import ROOT


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "impact.cli", "rules", "show", *args, "--rules", str(ROOT / "rules")],
                          capture_output=True, text=True, timeout=120)


def test_a_rule_is_shown_with_its_place_events_views_and_examples():
    out = run("sanctions.lifted.gold")
    assert out.returncode == 0
    assert "geopolitics.yaml:" in out.stdout and "sanctions.lifted: Sanctions are lifted" in out.stdout
    assert "triggers  zh: 制裁" in out.stdout and "gold bearish (strength" in out.stdout
    assert "impact rules test --rule sanctions.lifted.gold" in out.stdout


def test_the_json_form_carries_the_rule_and_its_events():
    data = json.loads(run("sanctions.lifted.gold", "--json").stdout)
    assert data["rule"]["id"] == "sanctions.lifted.gold" and "sanctions.lifted" in data["events"]
    assert data["where"]["path"].endswith("geopolitics.yaml")


def test_an_unknown_rule_is_a_usage_error_with_a_suggestion():
    out = run("sanctions.lift.gold")
    assert out.returncode == 2 and "did you mean 'sanctions.lifted.gold'?" in out.stderr
