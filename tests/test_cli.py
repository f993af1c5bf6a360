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
    # 走强 is a reported move word (market.move.up), not an analyst's view
    assert any("conditional" in r for r in reasons["market.move.up"])


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


def test_evaluate_parquet_of_a_batch_with_error_records_writes_ids_as_text(tmp_path):
    import pandas as pd

    out = impact("evaluate", str(FIXTURES / "batch" / "mixed.jsonl"), "--format", "parquet", "-o", str(tmp_path / "o.parquet"))
    assert out.returncode == 0, out.stderr
    frame = pd.read_parquet(tmp_path / "o.parquet")
    assert [None if pd.isna(i) else i for i in frame.id] == ["a1", None, "no-text", "number", None, "a2", None, "a3"]
    assert frame.error.notna().sum() == 5


@pytest.mark.parametrize("args, shown", [
    (["evaluate", str(FIXTURES / "batch" / "mixed.jsonl"), "-o", "/nonexist/x.jsonl"], "/nonexist/x.jsonl"),
    (["evaluate", str(FIXTURES / "batch" / "mixed.jsonl"), "-f", "parquet", "-o", "/nonexist/x.parquet"], "/nonexist/x.parquet"),
    (["timeline", str(FIXTURES / "batch" / "mixed.jsonl"), "--prices", str(FIXTURES / "prices" / "au-daily.csv"),
      "--asset", "gold", "--out", "/nonexist/d/x.png"], "/nonexist/d/x.png"),
    (["aggregate", str(FIXTURES / "batch" / "mixed.jsonl"), "-f", "csv", "-o", "/nonexist/a.csv"], "/nonexist/a.csv"),
])
def test_an_unwritable_output_path_is_an_input_error(args, shown):
    out = impact(*args)
    assert out.returncode == 2
    assert f"error: cannot write {shown}: No such file or directory" in out.stderr.decode()
    assert "internal error" not in out.stderr.decode()


@pytest.mark.parametrize("args", [
    ["evaluate", "BATCH", "-q"],
    ["explain", str(FIXTURES / "articles" / "syria-sanctions-zh.txt"), "--format", "json"],
    ["explain", str(FIXTURES / "articles" / "syria-sanctions-zh.txt")],
    ["rules", "stats", "BATCH"],
])
def test_a_closed_stdout_ends_the_command_quietly_with_0(tmp_path, args):
    import os

    batch = tmp_path / "batch.jsonl"
    batch.write_text("".join(json.dumps({"id": f"r{i}", "text": "美元走弱提振金价。"}, ensure_ascii=False) + "\n"
                             for i in range(300)), encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line, as after `| head -0`
    try:
        out = subprocess.run([sys.executable, "-m", "impact.cli", *[str(batch) if a == "BATCH" else a for a in args]],
                             stdout=write_end, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(write_end)
    assert out.returncode == 0, out.stderr
    assert out.stderr.decode().strip() == "", out.stderr


def test_standard_input_with_input_format_csv_is_refused_clearly():
    out = impact("evaluate", "-", "--input-format", "csv", input=b"id,text\na,Gold fell.\n")
    assert out.returncode == 2
    assert "standard input is read as JSONL only" in out.stderr.decode()


def test_evaluate_keeps_every_csv_row_in_order(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_bytes(b"\xef\xbb\xbfid,text\na1,Gold prices fell sharply.\na2,Gold rose,extra,fields\na3,The dollar \xff rose.\na4,The dollar rose.\n")
    out = impact("evaluate", str(src))
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["id"] for r in rows] == ["a1", None, None, "a4"]
    assert [r.get("line") for r in rows] == [None, 3, 4, None]
    assert [r.get("error") for r in rows] == [None, "row 2 (line 3): 4 fields, the header has 2", "row 3 (line 4): invalid UTF-8", None]


# -- --fail-on ------------------------------------------------------------------------------------------

GOLD_UP_USD_DOWN = "美元走弱提振金价。".encode()  # gold bullish, usd bearish


@pytest.mark.parametrize("specs, code, hit", [
    (["any"], 1, "gold bullish (+"),
    (["gold"], 1, "gold bullish"),
    (["XAU"], 1, "gold bullish"),  # an alias of the rules
    (["copper"], 0, None),
    (["bearish"], 1, "usd bearish"),
    (["neutral"], 0, None),
    (["usd:bearish"], 1, "usd bearish"),
    (["usd:bullish"], 0, None),
    (["copper", "gold:bullish"], 1, "gold bullish"),
])
def test_explain_fail_on_each_spec(specs, code, hit):
    args = [a for spec in specs for a in ("--fail-on", spec)]
    out = impact("explain", "-", "--format", "json", *args, input=GOLD_UP_USD_DOWN)
    assert out.returncode == code, out.stderr
    assert json.loads(out.stdout)["signals"]  # the report is written in full either way
    err = out.stderr.decode()
    if hit:
        assert err.startswith("--fail-on hit: ") and hit in err and len(err.strip().splitlines()) == 1
    else:
        assert err == ""


@pytest.mark.parametrize("spec, message", [
    ("goldd", "not any, an asset or a direction; assets: aluminium, copper, gold"),
    ("gold:up", "unknown direction 'up'; directions: bullish, bearish, neutral"),
    ("gld:bearish", "unknown asset 'gld'; assets: aluminium, copper, gold"),
])
def test_fail_on_an_unknown_name_is_a_usage_error(spec, message):
    out = impact("explain", "-", "--fail-on", spec, input=GOLD_UP_USD_DOWN)
    assert out.returncode == 2 and message in out.stderr.decode()
    assert out.stdout == b""


def test_evaluate_fail_on_counts_records_and_never_error_records(tmp_path):
    src = FIXTURES / "batch" / "mixed.jsonl"
    out = impact("evaluate", str(src), "--fail-on", "any")
    assert out.returncode == 1
    assert len(out.stdout.decode().splitlines()) == 8  # every record written
    assert "--fail-on hit: 2 of 8 records (a1, a2)" in out.stderr.decode()
    assert impact("evaluate", str(src), "--fail-on", "neutral").returncode == 0
    copper = impact("evaluate", str(src), "--fail-on", "copper:bearish", "-f", "csv", "-o", str(tmp_path / "o.csv"))
    assert copper.returncode == 1 and "1 of 8 records (a2)" in copper.stderr.decode()
    assert (tmp_path / "o.csv").read_text(encoding="utf-8").count("\n") == 9


def _many_records(tmp_path):
    """The mixed batch over and over with fresh ids (its bad lines too), and the articles: several
    chunks of the worker processes' work, news of both languages, error records among them."""
    lines = (FIXTURES / "batch" / "mixed.jsonl").read_text(encoding="utf-8").splitlines()
    articles = sorted((FIXTURES / "articles").glob("*.txt"))
    out = []
    for k in range(70):
        for line in lines:
            out.append(line.replace('"id": "a', f'"id": "r{k}-a'))
        article = articles[k % len(articles)]
        out.append(json.dumps({"id": f"art{k}", "text": article.read_text(encoding="utf-8")}, ensure_ascii=False))
    src = tmp_path / "many.jsonl"
    src.write_text("\n".join(out) + "\n", encoding="utf-8")
    return src, len(out)


def test_evaluate_in_worker_processes_writes_what_one_process_writes(tmp_path):
    src, n = _many_records(tmp_path)
    one = impact("evaluate", str(src), "-q")
    two = impact("evaluate", str(src), "-q", "--jobs", "2")
    assert one.returncode == two.returncode == 0, two.stderr
    assert len(one.stdout.decode().splitlines()) == n > 500  # several chunks each way
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr  # the same count of records and errors
    # whole results cross over where they are read: CSV rows and --fail-on
    one = impact("evaluate", str(src), "-q", "-f", "csv", "-o", str(tmp_path / "one.csv"), "--fail-on", "copper:bearish")
    two = impact("evaluate", str(src), "-q", "-f", "csv", "-o", str(tmp_path / "two.csv"), "--fail-on", "copper:bearish",
                 "-j", "2")
    assert one.returncode == two.returncode == 1 and two.stderr == one.stderr
    assert "r0-a2" in two.stderr.decode()
    assert (tmp_path / "two.csv").read_bytes() == (tmp_path / "one.csv").read_bytes()


def test_evaluate_jobs_below_one_is_a_usage_error():
    out = impact("evaluate", str(FIXTURES / "batch" / "mixed.jsonl"), "--jobs", "0")
    assert out.returncode == 2 and "--jobs" in out.stderr.decode() and out.stdout == b""


def test_evaluate_never_overwrites_its_input_and_a_failed_run_keeps_the_old_output(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text('{"id": "a", "text": "Gold fell."}\n', encoding="utf-8")
    same = impact("evaluate", str(news), "-o", str(news), "-q")
    assert same.returncode == 2 and b"is the input file" in same.stderr
    assert news.read_text(encoding="utf-8") == '{"id": "a", "text": "Gold fell."}\n'
    previous = tmp_path / "out.jsonl"
    previous.write_text("earlier results\n", encoding="utf-8")
    broken = tmp_path / "bad.parquet"
    broken.write_bytes(b"not parquet")
    failed = impact("evaluate", str(broken), "-o", str(previous), "-q")
    assert failed.returncode == 2 and previous.read_text(encoding="utf-8") == "earlier results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.parquet", "news.jsonl", "out.jsonl"]  # no partial file left
    ok = impact("evaluate", str(news), "-o", str(previous), "-q")
    assert ok.returncode == 0 and json.loads(previous.read_text(encoding="utf-8"))["id"] == "a"


def test_a_fail_on_hit_still_fails_when_the_reader_stops_early(tmp_path):
    batch = tmp_path / "many.jsonl"
    batch.write_text("".join(json.dumps({"id": f"r{i}", "text": "金价大涨。"}) + "\n" for i in range(3000)), encoding="utf-8")

    def first_line_then_close(*args):  # like `impact evaluate ... | head -1`
        proc = subprocess.Popen([sys.executable, "-m", "impact.cli", "evaluate", str(batch), "-q", *args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        first = proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read()
        return proc.wait(timeout=120), first, err

    code, first, err = first_line_then_close("--fail-on", "gold")
    assert code == 1 and json.loads(first)["id"] == "r0" and b"--fail-on hit" in err and b"Traceback" not in err
    code, first, err = first_line_then_close()
    assert code == 0 and err == b""


def test_evaluate_in_worker_processes_stops_at_ctrl_c_pressed_twice_and_leaves_no_process(tmp_path):
    """Ctrl-C as a terminal sends it, to every process of the group, twice in quick succession:
    the command ends and no worker is left waiting for work (nor the command waiting for them)."""
    import os
    import signal
    import time

    src, _ = _many_records(tmp_path)
    lines = src.read_text(encoding="utf-8").splitlines()
    src.write_text("\n".join(lines * 20) + "\n", encoding="utf-8")  # long enough to be interrupted
    for _ in range(3):
        out = tmp_path / "out.jsonl"
        with open(out, "wb") as sink:
            proc = subprocess.Popen([sys.executable, "-m", "impact.cli", "evaluate", str(src), "-q", "-j", "2"],
                                    stdout=sink, stderr=subprocess.DEVNULL, start_new_session=True)
            deadline = time.monotonic() + 60
            while out.stat().st_size == 0 and time.monotonic() < deadline:  # the workers are at work
                time.sleep(0.05)
            os.killpg(proc.pid, signal.SIGINT)
            time.sleep(0.05)
            try:
                os.killpg(proc.pid, signal.SIGINT)
            except ProcessLookupError:
                pass
            try:
                proc.wait(timeout=30)
            finally:
                for _ in range(50):  # the resource tracker ends a moment after the last of them
                    left = subprocess.run(["pgrep", "-a", "-g", str(proc.pid)], capture_output=True, text=True).stdout.split("\n")[:-1]
                    if not left:
                        break
                    time.sleep(0.1)
                if left:
                    os.killpg(proc.pid, signal.SIGKILL)
        assert proc.returncode in (130, -signal.SIGINT) and not left
