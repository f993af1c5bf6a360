"""`impact rules test` and the pytest plugin: the examples inside the rules are the tests."""

import json
import shutil
import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

from impact.ruleset.collection import load_ruleset
from impact.authoring.pytest_plugin import RULE_FOLDERS

from conftest import RULES


def run(*args, cwd=None):
    return subprocess.run([sys.executable, *args], capture_output=True, timeout=300, cwd=cwd)


def impact(*args, cwd=None):
    return run("-m", "impact.cli", *args, cwd=cwd)


def examples_in(folder: Path) -> int:
    return sum(len(r.examples) for r in load_ruleset(folder).rules)


def wrong_copy(tmp_path: Path) -> tuple[Path, int]:
    """A copy of the bundled rules with the first `expect: {gold: bearish}` turned bullish; its line."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    shutil.copytree(folder, tmp_path / "unmodified")  # the pack may be edited while the tests run
    target = folder / "geopolitics.yaml"
    lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
    i = next(i for i, line in enumerate(lines) if "expect: {gold: bearish}" in line)
    lines[i] = lines[i].replace("{gold: bearish}", "{gold: bullish}")
    target.write_text("".join(lines), encoding="utf-8")
    return target, i  # the example starts on the line before (its `- text:`), 1-based: i


def failures(folder: Path) -> set[tuple[str, int, int]]:
    data = json.loads(impact("rules", "test", str(folder), "--format", "json").stdout)
    return {(Path(e["path"]).name, e["line"], e["col"]) for r in data["rules"] for e in r["examples"] if e["status"] == "failed"}


def test_rules_test_runs_every_bundled_example(tmp_path):
    folder = tmp_path / "rules"  # a snapshot: the pack may be edited while the tests run
    shutil.copytree(RULES, folder)
    out = impact("rules", "test", str(folder), "--format", "json")
    data = json.loads(out.stdout)
    assert data["passed"] + data["failed"] + data["skipped"] == examples_in(folder)
    assert data["failed"] == 0 and out.returncode == 0  # the bundled pack passes its own examples
    assert all(r["passed"] + r["failed"] <= len(r["examples"]) for r in data["rules"])
    text = impact("rules", "test", str(folder)).stdout.decode().splitlines()
    assert text[-1] == f"{data['passed']} passed, {data['failed']} failed"


def test_a_wrong_expectation_fails_with_its_file_and_line(tmp_path):
    target, line = wrong_copy(tmp_path)
    out = impact("rules", "test", str(target.parent))
    shown = out.stdout.decode()
    assert out.returncode == 1
    assert f"{target}:{line}:9: FAIL example 0" in shown
    assert "expected: gold: bullish" in shown and "got:      gold: bearish" in shown
    assert "why:      fired on" in shown
    assert failures(target.parent) == failures(tmp_path / "unmodified") | {(target.name, line, 9)}
    data = json.loads(impact("rules", "test", str(target.parent), "--format", "json").stdout)
    (bad,) = [e for r in data["rules"] for e in r["examples"] if e["status"] == "failed" and e["path"] == str(target)
              and e["line"] == line]
    assert (bad["expected"], bad["got"]) == ({"gold": "bullish"}, {"gold": "bearish"})


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
    assert "impact.authoring.pytest_plugin" in {e.value for e in entry_points(group="pytest11")}
    assert request.config.stash[RULE_FOLDERS] == []  # this project's own run collects no YAML


def collected(project: Path, *args: str) -> list[str]:
    out = run("-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args, cwd=project)
    return [line for line in out.stdout.decode().splitlines() if ".yaml::" in line]


def test_a_plain_pytest_collects_the_same_examples_once_opted_in(tmp_path):
    project = rule_project(tmp_path, "[pytest]\nimpact_rules = rules\ntestpaths = tests\n")
    items = collected(project)
    assert len(items) == examples_in(project / "rules")
    assert "rules/geopolitics.yaml::sanctions.lifted.gold[0]" in items
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    cli = json.loads(impact("rules", "test", str(project / "rules"), "--format", "json").stdout)
    summary = out.stdout.decode().splitlines()[-1]
    assert f"{cli['passed'] + 1} passed" in summary  # + tests/test_other.py
    assert (f"{cli['failed']} failed" in summary) == bool(cli["failed"])


def test_without_the_option_no_yaml_is_collected(tmp_path):
    project = rule_project(tmp_path, "[pytest]\n")
    assert collected(project) == []
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    assert out.returncode == 0 and "1 passed" in out.stdout.decode()
    assert len(collected(project, "--impact-rules", "rules")) == examples_in(project / "rules")


def test_the_plugin_reports_a_wrong_expectation_at_its_line(tmp_path):
    project = rule_project(tmp_path, "[pytest]\nimpact_rules = rules\n")
    shutil.rmtree(project / "rules")
    target, line = wrong_copy(project)
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "geopolitics", cwd=project)
    shown = out.stdout.decode()
    assert out.returncode == 1
    assert f"{target}:{line}:9: " in shown and "expected: gold: bullish" in shown and "got:      gold: bearish" in shown
    assert "FAILED rules/geopolitics.yaml::" in shown


def test_a_rule_folder_that_does_not_load_is_a_located_collection_error(tmp_path):
    project = rule_project(tmp_path, "[pytest]\nimpact_rules = rules\n")
    target = project / "rules" / "views.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("    rationale:", "    rationalle:", 1), encoding="utf-8")
    out = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=project)
    shown = out.stdout.decode()
    assert out.returncode != 0
    assert "E201 unknown key 'rationalle' (did you mean 'rationale'?)" in shown and f"{target}:" in shown


def test_one_file_is_tested_with_its_folder(tmp_path):
    target, line = wrong_copy(tmp_path)
    data = json.loads(impact("rules", "test", str(target), "--format", "json").stdout)
    assert {Path(r["path"]).name for r in data["rules"]} == {"geopolitics.yaml"}
    assert (target.name, line, 9) in failures(target)


def test_locations_follow_the_copy_of_the_folder_they_are_read_from(tmp_path):
    first, copy = tmp_path / "first", tmp_path / "copy"
    shutil.copytree(RULES, first)
    shutil.copytree(first, copy)
    ruleset = load_ruleset(first).relocated(copy)
    assert all(Path(w.path).parent == copy for w in ruleset.rule_where.values())
    assert all(Path(w.path).parent == copy for w in ruleset.example_where.values())
    assert ruleset.relocated(copy) is ruleset and ruleset.hash == load_ruleset(copy).hash
