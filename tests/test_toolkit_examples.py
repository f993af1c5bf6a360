"""`impact rules test` and the pytest plugin: the examples inside the rules are the tests."""

import json
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from impact.collection import load_ruleset
from impact.pytest_plugin import _FOLDERS

from conftest import RULES


def run(*args, cwd=None):
    return subprocess.run([sys.executable, *args], capture_output=True, timeout=300, cwd=cwd)


def impact(*args, cwd=None):
    return run("-m", "impact.cli", *args, cwd=cwd)


def bundled_examples() -> int:
    return sum(len(r.examples) for r in load_ruleset(RULES).rules)


def wrong_copy(tmp_path: Path) -> tuple[Path, int]:
    """A copy of the bundled rules with the first `expect: {gold: bearish}` turned bullish; its line."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    target = folder / "geopolitics.yaml"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, line in enumerate(lines) if "expect: {gold: bearish}" in line)
    lines[i] = lines[i].replace("{gold: bearish}", "{gold: bullish}")
    target.write_text("".join(lines), encoding="utf-8")
    return target, i  # the example starts on the line before (its `- text:`), 1-based: i


def test_rules_test_runs_every_bundled_example():
    out = impact("rules", "test", str(RULES), "--format", "json")
    assert out.returncode == 0, out.stdout.decode()[-2000:]
    data = json.loads(out.stdout)
    assert data["passed"] + data["failed"] + data["skipped"] == bundled_examples()
    assert data["failed"] == 0
    assert all(r["passed"] == len(r["examples"]) for r in data["rules"])
    text = impact("rules", "test", str(RULES)).stdout.decode().splitlines()
    assert text[-1] == f"{data['passed']} passed, 0 failed"


def test_a_wrong_expectation_fails_with_its_file_and_line(tmp_path):
    target, line = wrong_copy(tmp_path)
    out = impact("rules", "test", str(target.parent))
    shown = out.stdout.decode()
    assert out.returncode == 1
    assert f"{target}:{line}:9: FAIL example 0" in shown
    assert "expected: gold: bullish" in shown and "got:      gold: bearish" in shown
    assert "why:      fired on" in shown
    assert shown.splitlines()[-1] == f"{bundled_examples() - 1} passed, 1 failed"
    data = json.loads(impact("rules", "test", str(target.parent), "--format", "json").stdout)
    (bad,) = [e for r in data["rules"] for e in r["examples"] if e["status"] == "failed"]
    assert (bad["path"], bad["line"], bad["expected"], bad["got"]) == (str(target), line, {"gold": "bullish"}, {"gold": "bearish"})


def test_rules_test_suggests_a_rule_id():
    out = impact("rules", "test", str(RULES), "--rule", "sanctions.lifted.glod")
    assert out.returncode == 2 and "did you mean 'sanctions.lifted.gold'?" in out.stderr.decode()


# -- the pytest plugin ---------------------------------------------------------------------


def rule_project(tmp_path: Path, ini: str) -> Path:
    project = tmp_path / "analyst"
    project.mkdir()
    shutil.copytree(RULES, project / "rules")
    (project / "tests").mkdir()
    (project / "tests" / "test_other.py").write_text("def test_other():\n    pass\n")
    (project / "pytest.ini").write_text(ini)
    return project


def test_the_plugin_is_registered_and_idle_in_a_project_that_does_not_opt_in(request):
    assert "impact.pytest_plugin" in {e.value for e in entry_points(group="pytest11")}
    assert request.config.stash[_FOLDERS] == []  # this project's own run collects no YAML


def test_a_plain_pytest_collects_the_same_examples_once_opted_in(tmp_path):
    project = rule_project(tmp_path, "[pytest]\nimpact_rules = rules\ntestpaths = tests\n")
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert out.returncode == 0, out.stdout.decode()[-3000:]
    assert f"{bundled_examples() + 1} passed" in out.stdout.decode()
    listed = run("-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", cwd=project).stdout.decode()
    assert "rules/geopolitics.yaml::sanctions.lifted.gold[0]" in listed


def test_without_the_option_no_yaml_is_collected(tmp_path):
    project = rule_project(tmp_path, "[pytest]\n")
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert out.returncode == 0 and "1 passed" in out.stdout.decode()
    flag = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "--impact-rules", "rules", cwd=project)
    assert f"{bundled_examples() + 1} passed" in flag.stdout.decode()


def test_the_plugin_reports_a_wrong_expectation_at_its_line(tmp_path):
    project = rule_project(tmp_path, "[pytest]\nimpact_rules = rules\n")
    shutil.rmtree(project / "rules")
    target, line = wrong_copy(project)
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    shown = out.stdout.decode()
    assert out.returncode == 1
    assert f"{target}:{line}:9: " in shown and "expected: gold: bullish" in shown
    assert "1 failed" in shown


def test_a_rule_folder_that_does_not_load_is_a_located_collection_error(tmp_path):
    project = rule_project(tmp_path, "[pytest]\nimpact_rules = rules\n")
    target = project / "rules" / "views.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("    rationale:", "    rationalle:", 1), encoding="utf-8")
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    shown = out.stdout.decode()
    assert out.returncode != 0
    assert "E201 unknown key 'rationalle' (did you mean 'rationale'?)" in shown and f"{target}:" in shown
