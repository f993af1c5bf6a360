"""Economic releases end to end, through the command line, on fixtures written for these tests."""

import csv
import io
import json
import os
import subprocess
import sys

from conftest import FIXTURES, RULES

RELEASES = FIXTURES / "releases"


def impact(*args, input=None):
    env = {**os.environ, "COLUMNS": "240"}  # tables wide enough that an explanation stays on one line
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], input=input, capture_output=True, timeout=120,
                          env=env)


def release_evidence(report: dict) -> list[tuple[str, dict]]:
    return [(s["asset"], ev) for s in report["signals"] + report.get("undecided", []) for ev in s["evidence"]
            if "release" in ev]


def test_explain_json_cites_each_release_with_its_numbers():
    path = RELEASES / "us-jobs-day-zh.txt"
    out = impact("explain", str(path), "--rules", str(RULES), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    text = path.read_text(encoding="utf-8")
    cited = release_evidence(data)
    by_indicator = {ev["release"]["indicator"]: ev["release"] for _, ev in cited}
    # payrolls far above consensus, unemployment below: both a stronger labour market; wages in line: no view
    assert by_indicator["us_nonfarm_payrolls"] == {
        "indicator": "us_nonfarm_payrolls", "actual": 26.8, "consensus": 18, "previous": 11.7, "surprise": 8.8,
        "unit": "万人", "revised_from": 15.1, "scaled_surprise": 1.76,
    }
    assert by_indicator["us_unemployment_rate"]["surprise"] == -0.1
    assert "us_average_hourly_earnings_mom" not in by_indicator
    assert all(text[ev["start"]:ev["end"]] == ev["sentence"] for _, ev in cited)
    views = {s["asset"]: s["direction"] for s in data["signals"]}
    assert views["usd"] == "bullish" and views["gold"] == "bearish"
    assert all(ev["rule"] == "release." + ev["release"]["indicator"] for _, ev in cited)


def test_explain_table_shows_the_numbers_in_the_explanation():
    out = impact("explain", str(RELEASES / "us-jobs-day-zh.txt"), "--rules", str(RULES))
    assert out.returncode == 0, out.stderr
    shown = out.stdout.decode()
    assert "26.8万人 vs 18万人 expected (+8.8万人, far above consensus)" in shown and "labour market → usd bullish" in shown


def test_explain_trace_lists_every_reading():
    out = impact("explain", str(RELEASES / "us-jobs-day-zh.txt"), "--rules", str(RULES), "--trace", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    readings = {r["indicator"]: r for r in data["releases"]}
    assert set(readings) == {"us_nonfarm_payrolls", "us_unemployment_rate", "us_average_hourly_earnings_mom"}
    wages = readings["us_average_hourly_earnings_mom"]
    assert wages["side"] is None and "in line" in wages["note"] and wages["release"]["actual"] == 0.3
    table = impact("explain", str(RELEASES / "us-jobs-day-zh.txt"), "--rules", str(RULES), "--trace")
    assert table.returncode == 0 and "release us_average_hourly_earnings_mom" in table.stdout.decode()


def test_evaluate_jsonl_one_line_per_record_with_release_fields():
    out = impact("evaluate", str(RELEASES / "releases.jsonl"), "--rules", str(RULES), "--format", "jsonl")
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [line["id"] for line in lines] == ["r1", "r2", "r3", "r4", "r5", "r6", "r7"]
    by_id = {line["id"]: line for line in lines}

    def views(rid: str) -> dict[str, str]:
        return {a: ev["direction"] for a, ev in release_evidence(by_id[rid])}

    assert views("r1") == {"usd": "bullish", "gold": "bearish"}  # hot CPI
    assert views("r2") == {"usd": "bearish", "gold": "bullish"}  # payrolls miss (English)
    assert views("r3") == {"copper": "bullish", "aluminium": "bullish", "zinc": "bullish", "nickel": "bullish"}
    assert views("r4") == {}  # claims in line
    assert views("r5") == {}  # a UK print: not in the catalogue
    assert views("r6") == {}  # missing values
    assert views("r7")["copper"] == "bearish"  # words only
    [(_, ev)] = [x for x in release_evidence(by_id["r2"]) if x[0] == "usd"]
    assert ev["release"]["actual"] == 64000 and ev["release"]["consensus"] == 145000 and ev["release"]["unit"] == ""


def test_evaluate_csv_keeps_the_release_signals():
    out = impact("evaluate", str(RELEASES / "releases.jsonl"), "--rules", str(RULES), "--format", "csv")
    assert out.returncode == 0, out.stderr
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(out.stdout.decode()))}
    assert rows["r1"]["usd_direction"] == "bullish" and rows["r1"]["gold_direction"] == "bearish"
    assert rows["r5"]["usd_direction"] == "" and rows["r4"]["usd_direction"] == ""


def test_rules_test_runs_the_catalogue_examples_and_selects_one_indicator():
    out = impact("rules", "test", str(RULES), "--rule", "release.us_nonfarm_payrolls", "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert [r["rule"] for r in data["rules"]] == ["release.us_nonfarm_payrolls"]
    assert data["failed"] == 0 and data["passed"] >= 5
    assert data["rules"][0]["path"].endswith("releases.yaml")


def test_a_wrong_example_in_the_catalogue_fails_with_its_location(tmp_path):
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    target = folder / "releases.yaml"
    text = target.read_text(encoding="utf-8")
    needle = "  - text: 美国4月失业率 4.4%，预期4.2%，前值4.2%。\n      expect: {usd: bearish, gold: bullish}"
    assert needle in text
    target.write_text(text.replace(needle, needle.replace("usd: bearish", "usd: bullish")), encoding="utf-8")
    out = impact("rules", "test", str(folder), "--rule", "release.us_unemployment_rate")
    assert out.returncode == 1
    shown = out.stdout.decode()
    assert "FAIL release.us_unemployment_rate" in shown and "releases.yaml:" in shown
    assert "actual 4.4%" in shown  # why: the numbers read


def test_lint_reports_a_broken_indicator_located(tmp_path):
    import shutil

    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    target = folder / "releases.yaml"
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("    economy: cn\n", "    economy: china\n", 1), encoding="utf-8")
    out = impact("rules", "lint", str(folder))
    assert out.returncode == 1
    assert "E320 unknown economy 'china'" in out.stdout.decode()


def test_explain_rule_names_a_release_and_traces_its_reading():
    text = "美国7月失业率 4.5%，预期4.2%。".encode()
    out = impact("explain", "-", "--rules", str(RULES), "--rule", "release.us_unemployment_rate", "--format", "json",
                 input=text)
    assert out.returncode == 0, out.stderr
    [reading] = json.loads(out.stdout)["releases"]
    assert reading["rule"] == "release.us_unemployment_rate" and reading["side"] == "upside"
    assert "surprise 0.3 pp = +3 typical" in reading["text"]
    wrong = impact("explain", "-", "--rules", str(RULES), "--rule", "release.us_unemployment", input=text)
    assert wrong.returncode == 2 and "did you mean 'release.us_unemployment_rate'" in wrong.stderr.decode()
