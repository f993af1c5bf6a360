"""The command line as a user runs it: stdout for results, stderr for messages, exit codes."""

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, RULES


def impact(*args, input=None):
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], input=input, capture_output=True, timeout=120)


def test_explain_json_on_a_real_article():
    path = FIXTURES / "articles" / "syria-sanctions-zh.txt"
    out = impact("explain", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    text = path.read_text(encoding="utf-8")
    gold = next(s for s in data["signals"] if s["asset"] == "gold")
    assert gold["direction"] == "bearish"
    assert all(text[e["start"]:e["end"]] == e["sentence"] for e in gold["evidence"])


def test_explain_table_shows_views_and_citations():
    out = impact("explain", str(FIXTURES / "articles" / "base-metals-views-zh.txt"))
    assert out.returncode == 0
    shown = out.stdout.decode()
    assert "aluminium" in shown and "bearish" in shown and "库存持续累库" in shown


def test_explain_markdown_bolds_the_trigger():
    out = impact("explain", "-", "--format", "markdown", input="美元走弱提振金价。".encode())
    assert out.returncode == 0
    assert "**提振**" in out.stdout.decode() or "**美元走弱**" in out.stdout.decode()


def test_explain_trace_shows_a_near_miss():
    text = "铜价如果要继续走强,更多在等宏观的加强。"
    out = impact("explain", "-", "--trace", "--format", "json", input=text.encode())
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    reasons = {m["rule"]: m["reasons"] for m in data["not_fired"]}
    assert any("conditional" in r for r in reasons["analyst.view.bullish"])


@pytest.mark.parametrize("payload, message", [
    (b"\xff\xfe\x00gold", "invalid UTF-8"),
])
def test_explain_rejects_bad_input_with_exit_2_and_no_traceback(payload, message):
    out = impact("explain", "-", input=payload)
    assert out.returncode == 2
    assert message in out.stderr.decode()
    assert "Traceback" not in out.stderr.decode()


def test_explain_missing_file_and_broken_rules_exit_2(tmp_path):
    out = impact("explain", str(tmp_path / "nope.txt"))
    assert out.returncode == 2 and "No such file" in out.stderr.decode()
    (tmp_path / "bad.yaml").write_text("rules:\n  - id: x\n    descripton: y\n", encoding="utf-8")
    out = impact("explain", "-", "--rules", str(tmp_path), input=b"gold")
    assert out.returncode == 2
    assert f"{tmp_path / 'bad.yaml'}:3:5: E201 unknown key 'descripton' (did you mean 'description'?)" in out.stderr.decode()
    assert "Traceback" not in out.stderr.decode()


def test_evaluate_batch_keeps_every_record_in_order(tmp_path):
    src = FIXTURES / "batch" / "mixed.jsonl"
    out = impact("evaluate", str(src))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.decode().splitlines()
    inputs = src.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(inputs)
    rows = [json.loads(line) for line in lines]
    assert [("error" in r) for r in rows] == [False, True, True, True, True, False, True, False]
    assert rows[0]["id"] == "a1" and rows[0]["signals"][0]["asset"] == "gold"
    assert rows[3]["error"] == "'text' must be a string, not int"


def test_evaluate_csv_in_and_out(tmp_path):
    src = tmp_path / "news.csv"
    src.write_text('id,text,published_at\nx1,"美元走弱提振金价。",2025-07-01\nx2,,2025-07-02\n', encoding="utf-8")
    out = impact("evaluate", str(src), "--format", "csv", "-o", str(tmp_path / "out.csv"))
    assert out.returncode == 0, out.stderr
    import pandas as pd

    frame = pd.read_csv(tmp_path / "out.csv")
    assert list(frame.id) == ["x1", "x2"]
    assert frame.loc[0, "gold_direction"] == "bullish"
    assert pd.isna(frame.loc[1, "error"]) and frame.loc[1, "signals"] == "[]"  # an empty cell is an empty document


def test_rules_test_and_lint_on_the_bundled_pack():
    out = impact("rules", "test", str(RULES))
    assert out.returncode == 0, out.stdout
    assert out.stdout.decode().strip().splitlines()[-1].endswith(" passed, 0 failed")
    lint = impact("rules", "lint", str(RULES))
    assert lint.returncode == 0, lint.stdout


def test_rules_schema_validates_every_bundled_file():
    import jsonschema
    import yaml

    out = impact("rules", "schema")
    schema = json.loads(out.stdout)
    for f in RULES.glob("*.yaml"):
        jsonschema.validate(yaml.safe_load(f.read_text(encoding="utf-8")), schema)


def test_evaluate_parquet_in_and_out(tmp_path):
    import pandas as pd

    src = tmp_path / "news.parquet"
    pd.DataFrame({"id": ["p1", "p2"], "text": ["Copper slips as LME stocks rise.", None]}).to_parquet(src)
    out = impact("evaluate", str(src), "--format", "parquet", "-o", str(tmp_path / "out.parquet"))
    assert out.returncode == 0, out.stderr
    frame = pd.read_parquet(tmp_path / "out.parquet")
    assert list(frame.id) == ["p1", "p2"]
    assert frame.loc[0, "copper_direction"] == "bearish"
    assert frame.loc[1, "error"] == "record has no 'text'"


def test_parquet_output_needs_a_path():
    out = impact("evaluate", str(FIXTURES / "batch" / "mixed.jsonl"), "--format", "parquet")
    assert out.returncode == 2 and "--output" in out.stderr.decode()
