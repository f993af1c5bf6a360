"""`impact rules lint --format github|sarif`: the problems as CI annotations and as a SARIF log."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

FIXTURES = Path(__file__).parent / "lint_fixtures"


def lint(folder, *args):
    return subprocess.run([sys.executable, "-m", "impact.cli", "rules", "lint", str(folder), *args],
                          capture_output=True, timeout=120)


def broken_folder(tmp_path):
    shutil.copy(FIXTURES / "_base" / "00-base.yaml", tmp_path / "00-base.yaml")
    shutil.copy(FIXTURES / "E302-unknown-event.yaml", tmp_path / "gold.yaml")
    return tmp_path


def test_github_annotations_mark_each_problem_on_its_file_and_line(tmp_path):
    out = lint(broken_folder(tmp_path), "--format", "github")
    assert out.returncode == 1
    assert out.stdout.decode().splitlines() == [
        f"::warning file={tmp_path}/gold.yaml,line=3,col=3,title=W402::event 'copper.strike' is not used by any rule",
        f"::error file={tmp_path}/gold.yaml,line=9,col=18,title=E302::unknown event 'copper.strik' "
        "(did you mean 'copper.strike'?)",
    ]
    assert "1 error, 1 warning" in out.stderr.decode()


def test_sarif_is_one_run_whose_results_point_at_file_line_and_column(tmp_path):
    out = lint(broken_folder(tmp_path), "--format", "sarif")
    assert out.returncode == 1 and out.stderr == b""
    log = json.loads(out.stdout)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [(r["id"], r["name"], r["defaultConfiguration"]["level"]) for r in rules] == [
        ("E302", "unknown-event", "error"), ("W402", "unused-event", "warning")]
    found = [(r["ruleId"], rules[r["ruleIndex"]]["id"], r["level"], r["locations"][0]["physicalLocation"]["region"])
             for r in run["results"]]
    assert found == [("W402", "W402", "warning", {"startLine": 3, "startColumn": 3}),
                     ("E302", "E302", "error", {"startLine": 9, "startColumn": 18})]
    uri = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == f"{tmp_path.as_posix()}/gold.yaml"


def test_a_clean_folder_is_an_empty_sarif_run(tmp_path):
    shutil.copy(FIXTURES / "_base" / "00-base.yaml", tmp_path / "00-base.yaml")
    out = lint(tmp_path, "--format", "sarif")
    assert out.returncode == 0
    assert json.loads(out.stdout)["runs"][0]["results"] == []
