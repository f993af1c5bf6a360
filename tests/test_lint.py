"""`impact rules lint`: every problem as path:line:col: CODE message, exit 1 on errors.

Each file in tests/lint_fixtures/ is one broken rule file; its sibling `.expected` holds the exact
lint output for it (linted next to tests/lint_fixtures/_base/, a minimal assets + lexicons file).
"""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from impact.lint import lint_path
from impact.ruleset.checks import all_checks
from impact.ruleset.checks.regexes import nested_quantifier
from impact.ruleset.problems import CATALOGUE, markdown_table

from conftest import ROOT, RULES

CODES = {c.code: c.summary for c in CATALOGUE}
OFF = {c.code for c in CATALOGUE if not c.enabled}

FIXTURES = Path(__file__).parent / "lint_fixtures"
CASES = sorted(FIXTURES.glob("*.yaml"))


def lint_fixture(fixture: Path, folder: Path) -> list[str]:
    for base in (FIXTURES / "_base").glob("*.yaml"):
        shutil.copy(base, folder / base.name)
    shutil.copy(fixture, folder / fixture.name)
    code = fixture.name[:4]
    enable = [code] if code in OFF else []  # a check that is off by default runs on its own fixture
    return [str(p).replace(f"{folder}/", "") for p in lint_path(folder, enable=enable)]


def impact(*args):
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], capture_output=True, timeout=120)


def test_there_are_at_least_25_broken_fixtures_each_with_its_expected_output():
    assert len(CASES) >= 25
    assert all(case.with_suffix(".expected").is_file() for case in CASES)


@pytest.mark.parametrize("fixture", CASES, ids=[c.stem for c in CASES])
def test_broken_rule_file_gives_its_exact_messages(fixture, tmp_path):
    expected = fixture.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert lint_fixture(fixture, tmp_path) == expected


def test_every_code_has_a_fixture_named_by_it_that_reports_it():
    named: dict[str, list[Path]] = {}
    for case in CASES:
        named.setdefault(case.name[:4], []).append(case)
    assert sorted(named) == sorted(CODES)  # fixtures are named CODE-what.yaml, every code has one
    for code, cases in named.items():
        for case in cases:
            reported = {line.split(": ")[1].split()[0] for line in case.with_suffix(".expected").read_text().splitlines()}
            assert code in reported, case.name


def test_cli_prints_path_line_col_code_message_and_exits_1_on_errors(tmp_path):
    for base in (FIXTURES / "_base").glob("*.yaml"):
        shutil.copy(base, tmp_path / base.name)
    shutil.copy(FIXTURES / "E201-unknown-key-rule.yaml", tmp_path / "gold.yaml")
    out = impact("rules", "lint", str(tmp_path))
    assert out.returncode == 1
    assert out.stdout.decode().splitlines() == [
        f"{tmp_path}/gold.yaml:8:5: E201 unknown key 'descripton' (did you mean 'description'?)"
    ]
    assert "1 error, 0 warnings" in out.stderr.decode()

    data = json.loads(impact("rules", "lint", str(tmp_path), "--format", "json").stdout)
    assert data["errors"] == 1 and data["problems"][0] == {
        "path": f"{tmp_path}/gold.yaml", "line": 8, "col": 5, "code": "E201",
        "message": "unknown key 'descripton' (did you mean 'description'?)", "severity": "error",
    }


def test_warnings_alone_exit_0_unless_strict_and_can_be_ignored(tmp_path):
    for base in (FIXTURES / "_base").glob("*.yaml"):
        shutil.copy(base, tmp_path / base.name)
    shutil.copy(FIXTURES / "W401-rule-without-examples.yaml", tmp_path / "r.yaml")
    out = impact("rules", "lint", str(tmp_path))
    assert out.returncode == 0 and " W401 " in out.stdout.decode()
    assert impact("rules", "lint", str(tmp_path), "--strict").returncode == 1
    ignored = impact("rules", "lint", str(tmp_path), "--strict", "--ignore", "W401")
    assert ignored.returncode == 0 and ignored.stdout == b""


def test_the_bundled_pack_has_no_lint_errors():
    out = impact("rules", "lint", str(RULES))
    assert out.returncode == 0, out.stdout.decode()
    assert not [line for line in out.stdout.decode().splitlines() if ": E" in line]


def _copy_bundled(tmp_path: Path) -> tuple[Path, Path, list[str]]:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    target = folder / "geopolitics.yaml"
    return folder, target, target.read_text(encoding="utf-8").splitlines(keepends=True)


def _line_of(lines: list[str], needle: str) -> int:
    return next(i for i, line in enumerate(lines) if needle in line)


def test_a_duplicated_key_in_a_bundled_file_is_reported_at_its_line(tmp_path):
    folder, target, lines = _copy_bundled(tmp_path)
    i = _line_of(lines, "    rationale:")
    lines.insert(i + 1, "    rationale: said twice\n")
    target.write_text("".join(lines), encoding="utf-8")
    problems = [str(p) for p in lint_path(folder)]
    assert f"{target}:{i + 2}:5: E102 duplicate key 'rationale' (first defined on line {i + 1})" in problems


def test_an_unknown_key_in_a_bundled_file_is_reported_at_its_line(tmp_path):
    folder, target, lines = _copy_bundled(tmp_path)
    i = _line_of(lines, "    rationale:")
    lines[i] = lines[i].replace("rationale:", "rationalle:")
    target.write_text("".join(lines), encoding="utf-8")
    problems = [str(p) for p in lint_path(folder) if p.severity == "error"]
    assert problems == [f"{target}:{i + 1}:5: E201 unknown key 'rationalle' (did you mean 'rationale'?)"]


def test_a_yaml_syntax_error_in_a_bundled_file_is_reported_at_its_line(tmp_path):
    folder, target, lines = _copy_bundled(tmp_path)
    i = _line_of(lines, "terms: {zh: [")
    lines[i] = lines[i].replace("terms: {zh: [", "terms: {zh: [[", 1)
    target.write_text("".join(lines), encoding="utf-8")
    (problem,) = [p for p in lint_path(folder) if p.severity == "error"]
    assert (problem.path, problem.line, problem.code) == (str(target), i + 1, "E101")
    assert str(problem).startswith(f"{target}:{i + 1}:")


@pytest.mark.parametrize("pattern, nested", [
    ("(a+)+$", True), ("(a*)*", True), ("(\\w+\\s?)+", True), ("(?:[a-z]+ ?){2,}", True), ("(a+b?a)+", True),
    ("(.*a){10}", True),
    # a mandatory separator the inner repeats never match fixes where each pass ends
    ("(\\d+,)*\\d+", False), ("(x*y)+", False), ("(\\s*,\\s*)+", False), ("((ab)*c)*", False),
    ("a+b+", False), ("(ab)+", False), ("(a|b)+c", False), ("[0-9][0-9,.]*\\s*美元", False), ("(a+)?b", False),
])
def test_nested_quantifiers_are_found(pattern, nested):
    assert nested_quantifier(pattern) is nested


def test_every_check_is_documented_with_a_bad_and_a_good_example():
    checks = all_checks()
    for v in checks:
        assert re.fullmatch(r"[EW]\d{3}", v.code) and v.summary and v.bad and v.good, type(v).__name__
    assert len({v.code for v in checks}) == len(checks)


def test_the_catalogue_names_each_code_once_and_a_code_says_its_severity():
    assert len({c.code for c in CATALOGUE}) == len({c.name for c in CATALOGUE}) == len(CATALOGUE)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", c.name) for c in CATALOGUE)
    assert {c.severity for c in CATALOGUE if c.code.startswith("W")} == {"warning"}
    assert {c.severity for c in CATALOGUE if c.code.startswith("E")} == {"error"}
    # every E3xx / W4xx code is some check's (but those of merging files: E301, E310, E311): a catalogue row
    # without a check would never be reported
    checked = {v.code for v in all_checks()}
    assert {c.code for c in CATALOGUE if c.code[1] in "34" and c.code not in ("E301", "E310", "E311")} == checked


def test_the_readme_table_of_lint_codes_is_the_catalogue():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Rule authors' toolkit", 1)[1].split("\n## ", 1)[0]
    assert markdown_table() in section, "run  .venv/bin/python tools/lint_codes.py  to write it from the catalogue"


def test_lint_codes_prints_the_catalogue():
    out = impact("rules", "lint", "--codes")
    assert out.stdout.decode().splitlines() == [
        f"{c.code}  {c.summary}" + ("" if c.enabled else f"  (off: --enable {c.code})") for c in CATALOGUE]


def test_one_file_is_linted_in_the_context_of_its_folder(tmp_path):
    folder, target, lines = _copy_bundled(tmp_path)
    i = _line_of(lines, "    rationale:")
    lines[i] = lines[i].replace("rationale:", "rationalle:")
    target.write_text("".join(lines), encoding="utf-8")
    (folder / "views.yaml").write_text("rules: [\n", encoding="utf-8")  # another file's problem is not reported
    out = impact("rules", "lint", str(target))
    assert out.returncode == 1
    assert out.stdout.decode().splitlines() == [
        f"{target}:{i + 1}:5: E201 unknown key 'rationalle' (did you mean 'rationale'?)"]
    clean = impact("rules", "lint", str(RULES / "assets.yaml"))  # its events live in other files: no E302
    assert clean.returncode == 0 and ": E" not in clean.stdout.decode()


def test_a_noqa_comment_silences_warnings_on_its_line_but_never_errors(tmp_path):
    for base in (FIXTURES / "_base").glob("*.yaml"):
        shutil.copy(base, tmp_path / base.name)
    text = (FIXTURES / "W407-duplicate-term.yaml").read_text(encoding="utf-8")
    target = tmp_path / "r.yaml"
    target.write_text(text.replace("Strike]}", "Strike]}  # noqa: W407"), encoding="utf-8")
    assert lint_path(tmp_path) == []
    target.write_text(text.replace("Strike]}", "Strike]}  # noqa: W401"), encoding="utf-8")
    assert [p.code for p in lint_path(tmp_path)] == ["W407"]
    target.write_text(text.replace("Strike]}", "Strike, 2025]}  # noqa"), encoding="utf-8")
    assert [p.code for p in lint_path(tmp_path)] == ["E203"]


def test_a_code_is_explained_with_a_bad_and_a_good_example():
    out = impact("rules", "lint", "--explain", "w405")
    assert out.returncode == 0
    assert out.stdout.decode().splitlines() == [
        f"W405  {CODES['W405']}", "  bad:  regex: ['(\\d+)+%']", "  good: regex: ['\\d+%']"]
    wrong = impact("rules", "lint", "--explain", "E10")
    assert wrong.returncode == 2 and "did you mean 'E100'?" in wrong.stderr.decode()
    assert "did you mean 'E304'?" in impact("rules", "lint", "--explain", "E3O4").stderr.decode()


def test_random_edits_of_the_bundled_pack_never_crash_lint_and_stay_located(tmp_path):
    import random

    rng = random.Random(4)
    files = sorted(RULES.glob("*.yaml"))
    for trial in range(30):
        folder = tmp_path / f"t{trial}"
        shutil.copytree(RULES, folder)
        target = folder / rng.choice(files).name
        lines = target.read_text(encoding="utf-8").splitlines(keepends=True)
        for _ in range(rng.randint(1, 3)):
            i = rng.randrange(len(lines))
            edit = rng.choice(["delete", "repeat", "indent", "character", "norway"])
            if edit == "delete":
                del lines[i]
            elif edit == "repeat":
                lines.insert(i, lines[i])
            elif edit == "indent":
                lines[i] = "  " + lines[i]
            elif edit == "character":
                j = rng.randrange(len(lines[i]) or 1)
                lines[i] = lines[i][:j] + rng.choice("{}[]:,-&*!|>\"'#@ ") + lines[i][j:]
            else:
                lines[i] = lines[i].replace("gold", "NO").replace("bullish", "on")
        target.write_text("".join(lines), encoding="utf-8")
        for problem in lint_path(folder):
            length = len(Path(problem.path).read_text(encoding="utf-8").splitlines()) + 1
            assert 1 <= problem.line <= length and problem.col >= 1 and problem.code[0] in "EW", problem
