"""Where the command line's output goes and what survives a bad record, a bad option or a closed pipe."""

import json
import os
import re
import stat
import subprocess
import sys

import pytest

from conftest import FIXTURES

PAGE = FIXTURES / "2025-07-02-news-page-zh.txt"


def impact(*args, input=None, env=None, **kwargs):
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], input=input, capture_output=True,
                          timeout=300, env={**os.environ, **(env or {})}, **kwargs)


def piped_to_head(*args):
    """``impact ARGS | head``, where head has gone before impact writes: impact's exit code."""
    proc = subprocess.Popen([sys.executable, "-m", "impact.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    proc.stdout.close()
    proc.wait(timeout=300)
    return proc.returncode, proc.stderr.read().decode()


def said(out) -> str:
    """stderr as one line of words: click's error box wraps long messages over its lines."""
    return " ".join(re.sub("[│╭╮╰╯─]", " ", out.stderr.decode()).split())


def write_jsonl(path, *records):
    path.write_text("".join(r + "\n" for r in records), encoding="utf-8")
    return path


# -- 1. -o writes to the file the user named ---------------------------------------------------------


def test_an_output_through_a_symlink_updates_the_linked_file(tmp_path):
    news = write_jsonl(tmp_path / "in.jsonl", '{"id": "a", "text": "gold rose"}')
    (tmp_path / "real.jsonl").write_text("old\n")
    (tmp_path / "link.jsonl").symlink_to("real.jsonl")
    out = impact("evaluate", str(news), "-o", str(tmp_path / "link.jsonl"))
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "link.jsonl").is_symlink()
    assert json.loads((tmp_path / "real.jsonl").read_text())["id"] == "a"


def test_an_output_fifo_is_written_to_not_replaced(tmp_path):
    news = write_jsonl(tmp_path / "in.jsonl", '{"id": "a", "text": "gold rose"}')
    fifo = tmp_path / "results"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    out = impact("evaluate", str(news), "-o", str(fifo))
    got = reader.communicate(timeout=60)[0]
    assert out.returncode == 0, out.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert json.loads(got)["id"] == "a"


def test_a_symlink_to_a_fifo_is_written_through(tmp_path):
    """As ``-o /dev/stdout`` is: a link to what is no regular file."""
    news = write_jsonl(tmp_path / "in.jsonl", '{"id": "a", "text": "gold rose"}')
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "link").symlink_to(tmp_path / "fifo")
    reader = subprocess.Popen(["cat", str(tmp_path / "fifo")], stdout=subprocess.PIPE)
    out = impact("evaluate", str(news), "-f", "csv", "-o", str(tmp_path / "link"))
    got = reader.communicate(timeout=60)[0]
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "link").is_symlink() and stat.S_ISFIFO(os.stat(tmp_path / "fifo").st_mode)
    assert got.startswith(b"id,published_at,error,") and b"\na," in got


def test_an_output_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path):
    news = write_jsonl(tmp_path / "in.jsonl", '{"id": "a", "text": "gold rose"}')
    old = tmp_path / "old.jsonl"
    old.write_text("old\n")
    os.chmod(old, 0o604)  # a mode no umask gives a new file
    assert impact("evaluate", str(news), "-o", str(old)).returncode == 0
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o604
    new = tmp_path / "new.csv"
    out = impact("evaluate", str(news), "-f", "csv", "-o", str(new), preexec_fn=lambda: os.umask(0o027))
    assert out.returncode == 0, out.stderr
    assert stat.S_IMODE(os.stat(new).st_mode) == 0o640


# -- 2. one bad record is one error record -----------------------------------------------------------


def test_ids_and_sources_json_cannot_carry_become_error_records_in_order(tmp_path):
    news = write_jsonl(tmp_path / "in.jsonl",
                       r'{"id": "x\ud800", "text": "gold rose"}',
                       '{"id": Infinity, "text": "gold rose"}',
                       r'{"id": "s", "source": "wire\udc00", "text": "gold rose"}',
                       '{"id": "ok", "text": "gold rose"}')
    out = impact("evaluate", str(news))
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.decode().splitlines()]  # every line is strict JSON
    assert [r["id"] for r in lines] == [None, "inf", "s", "ok"]  # an id JSON cannot carry is no id: its line says where
    assert "surrogate" in lines[0]["error"] and lines[0]["line"] == 1
    assert lines[1]["signals"] and "error" not in lines[1]
    assert "'source'" in lines[2]["error"] and lines[2]["line"] == 3
    assert lines[3]["signals"]


def test_parquet_ids_of_any_type_come_out_as_text(tmp_path):
    import decimal

    import pandas as pd

    path = tmp_path / "in.parquet"
    pd.DataFrame({"id": [pd.Timestamp("2025-07-01"), pd.NaT], "text": ["gold rose", "gold fell"],
                  "source": [b"wire", b"\xff"]}).to_parquet(path)
    out = impact("evaluate", str(path))
    assert out.returncode == 0, out.stderr
    first, second = (json.loads(line) for line in out.stdout.decode().splitlines())
    assert first["id"] == "2025-07-01T00:00:00" and first["source"] == "wire"
    assert second["id"] == 2 and "not UTF-8" in second["error"]  # a missing id: the row number
    pd.DataFrame({"id": [decimal.Decimal("1.5")], "text": ["gold rose"]}).to_parquet(path)
    assert json.loads(impact("evaluate", str(path)).stdout)["id"] == "1.5"


# -- 3. what the user typed is shown as typed ---------------------------------------------------------


def test_a_file_name_with_brackets_is_named_in_the_error():
    out = impact("explain", "no[/x].txt")
    assert out.returncode == 2
    assert "no[/x].txt" in out.stderr.decode() and "Traceback" not in out.stderr.decode()


def test_an_id_with_brackets_keeps_them_in_the_table():
    out = impact("explain", "-", "--id", "[bold]X", input=b"gold rose")
    assert out.returncode == 0, out.stderr
    assert "[bold]X" in out.stdout.decode()


# -- 4. the trace as JSON is plain JSON ---------------------------------------------------------------


def test_the_trace_as_json_is_written_without_rich_highlighting(monkeypatch):
    from rich.console import Console
    from typer.testing import CliRunner

    from impact.cli import app

    def refuse(*args, **kwargs):
        raise AssertionError("print_json highlights every token: minutes and gigabytes on a long page")

    monkeypatch.setattr(Console, "print_json", refuse)
    out = CliRunner().invoke(app, ["explain", str(PAGE), "--trace", "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["rules"]


# -- 5. a --fail-on hit outlives a closed pipe --------------------------------------------------------


def test_explain_fail_on_hit_exits_1_when_the_reader_stops_early():
    code, err = piped_to_head("explain", str(PAGE), "--trace", "--fail-on", "gold")
    assert code == 1, err
    assert "--fail-on hit: gold" in err


def test_evaluate_csv_fail_on_hit_exits_1_when_the_reader_stops_early(tmp_path):
    news = write_jsonl(tmp_path / "big.jsonl",
                       *(json.dumps({"id": str(i), "text": "Gold rose as the dollar weakened. " * 40}) for i in range(400)))
    code, err = piped_to_head("evaluate", str(news), "-f", "csv", "--fail-on", "any")
    assert code == 1, err


# -- 6. price files ------------------------------------------------------------------------------------


def test_price_dates_with_different_offsets_are_read_as_written(tmp_path):
    from impact.market.prices import read_prices

    path = tmp_path / "p.csv"
    path.write_text("date,close\n2025-07-01T00:00:00+08:00,100\n2025-07-02T00:00:00+00:00,101\n2025-07-03,102\n")
    series = read_prices(path)
    assert [f"{d:%Y-%m-%d}" for d in series.close.index] == ["2025-07-01", "2025-07-02", "2025-07-03"]
    # offsets pandas cannot read in one go: each value keeps its own date (in UTC, 1 July +08:00
    # would be 30 June)
    path.write_text("date,close\n20250701T000000+0800,100\n20250702T000000+0000,101\n20250703T000000-0500,102\n")
    series = read_prices(path)
    assert [f"{d:%Y-%m-%d}" for d in series.close.index] == ["2025-07-01", "2025-07-02", "2025-07-03"]


def test_a_price_date_out_of_range_names_the_line(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("date,close\n\n2025-07-01,100\n\n3000-01-01,101\n2025-07-03,102\n")  # blank lines count
    news = write_jsonl(tmp_path / "in.jsonl", '{"id": "a", "text": "gold rose", "published_at": "2025-07-01T01:00:00Z"}')
    out = impact("study", str(news), "-p", str(path), "-a", "gold")
    assert out.returncode == 2
    assert f"{path}:5: date '3000-01-01'" in out.stderr.decode()
    assert "internal error" not in out.stderr.decode()


# -- 7, 8, 9. results files ----------------------------------------------------------------------------


def test_aggregate_output_takes_its_format_from_the_suffix(tmp_path):
    news = str(FIXTURES / "batch" / "mixed.jsonl")
    out = impact("aggregate", news, "-o", str(tmp_path / "view.json"), "-q")
    assert out.returncode == 0, out.stderr
    assert json.loads((tmp_path / "view.json").read_text())[0]["asset"]
    out = impact("aggregate", news, "-o", str(tmp_path / "view.txt"), "-q")
    assert out.returncode == 2 and "--output" in said(out)
    assert not (tmp_path / "view.txt").exists()


def test_a_malformed_results_file_is_one_line_naming_the_line(tmp_path):
    results = write_jsonl(tmp_path / "r.jsonl", '{"id": "a", "signals": []}',
                          '{"id": "b", "signals": [{"asset": "gold", "direction": "up"}]}')
    out = impact("aggregate", str(results))
    err = out.stderr.decode()
    assert out.returncode == 2
    assert f"{results}:2: signals.0." in err and "internal error" not in err
    assert len([line for line in err.splitlines() if line.strip()]) <= 2  # the error, and the note on the input


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_an_empty_batch_still_writes_the_columns(tmp_path, fmt):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    results = tmp_path / f"e.{fmt}"
    out = impact("evaluate", str(empty), "-f", fmt, "-o", str(results))
    assert out.returncode == 0, out.stderr
    if fmt == "csv":
        assert results.read_text().startswith("id,published_at,error,gold_direction,gold_score,")
    out = impact("aggregate", str(results), "-f", "json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


# -- 10. options are checked before the work -------------------------------------------------------------


@pytest.mark.parametrize("args, option", [
    (["aggregate", "NEWS", "--freq", "-1D"], "--freq"),
    (["aggregate", "NEWS", "--half-life", "soon"], "--half-life"),
    (["study", "NEWS", "-p", "PRICES", "-a", "gold", "--max-stale", "-1D"], "--max-stale"),
    (["study", "NEWS", "-p", "PRICES", "-a", "gold", "--exclude-basis", "bogus"], "--exclude-basis"),
    (["timeline", "NEWS", "-p", "PRICES", "-a", "gold", "-o", "OUT", "--top", "-3"], "--top"),
    (["explain", "NEWS", "--trace", "--format", "markdown"], "--format"),
    (["study", "NEWS", "-p", "PRICES", "-a", "gold", "--close-time", "25:00"], "--close-time"),
    (["study", "NEWS", "-p", "PRICES", "-a", "gold", "--tz", "Mars/Base"], "--tz"),
    (["rules", "stats", "NEWS", "--top", "-1"], "--top"),
    (["aggregate", "NEWS", "-f", "json", "-o", "TMP"], "it is a folder"),
])
def test_a_bad_option_is_exit_2_naming_it(tmp_path, args, option):
    given = {"NEWS": str(FIXTURES / "batch" / "mixed.jsonl"), "PRICES": str(FIXTURES / "prices" / "au-daily.csv"),
             "OUT": str(tmp_path / "t.png"), "TMP": str(tmp_path)}
    out = impact(*(given.get(a, a) for a in args))
    assert out.returncode == 2
    assert option in said(out)


@pytest.mark.parametrize("args", [
    ["aggregate", "NEWS", "--freq", "M"], ["aggregate", "NEWS", "--freq", "Q"], ["aggregate", "NEWS", "--freq", "2M"],
    ["aggregate", "NEWS", "--freq", "W"], ["aggregate", "NEWS", "--freq", "1h"], ["aggregate", "NEWS", "--half-life", "36h"],
    ["study", "NEWS", "-p", "PRICES", "-a", "gold", "--tz", "Asia/Shanghai", "--close-time", "15:00"],
])
def test_good_option_values_are_taken(args):
    given = {"NEWS": str(FIXTURES / "batch" / "mixed.jsonl"), "PRICES": str(FIXTURES / "prices" / "au-daily.csv")}
    out = impact(*(given.get(a, a) for a in args), "-q", "-f", "json")
    assert out.returncode == 0, said(out)


def test_rules_lint_of_a_file_that_is_no_rule_file_is_exit_2(tmp_path):
    path = tmp_path / "some.bin"
    path.write_bytes(b"\x00\x01binary")
    out = impact("rules", "lint", str(path))
    assert out.returncode == 2
    assert "not a rule file" in said(out)


# -- 11. streams -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ["evaluate", str(FIXTURES / "batch" / "mixed.jsonl")],
    ["evaluate", str(FIXTURES / "batch" / "mixed.jsonl"), "-f", "csv"],
    ["explain", str(PAGE), "-f", "json"],
    ["explain", str(PAGE), "-f", "markdown"],
])
def test_results_are_utf8_whatever_the_locale_encoding(args):
    out = impact(*args, env={"PYTHONIOENCODING": "latin-1"})
    assert out.returncode == 0, out.stderr
    assert "金" in out.stdout.decode("utf-8")


def test_a_table_on_a_latin1_stdout_shows_what_it_cannot_encode_as_question_marks():
    out = impact("explain", str(PAGE), env={"PYTHONIOENCODING": "latin-1"})
    assert out.returncode == 0, out.stderr
    assert "?" in out.stdout.decode("latin-1")


def test_a_closed_stdout_is_no_internal_error():
    out = impact("explain", str(PAGE), "-f", "json", preexec_fn=lambda: os.close(1))
    assert out.returncode == 0
    assert "internal error" not in out.stderr.decode()


def test_a_closed_stdin_reads_as_an_empty_document():
    out = impact("explain", "-", "-f", "json", preexec_fn=lambda: os.close(0))
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["signals"] == []


def test_help_into_head_exits_0():
    code, err = piped_to_head("--help")
    assert code == 0, err


def test_a_sentence_wrapped_over_crlf_lines_shows_no_carriage_return():
    text = b"Gold prices rose\r\nsharply as the dollar weakened.\r\n"
    for fmt in ("markdown", "table"):
        out = impact("explain", "-", "--format", fmt, input=text)
        assert out.returncode == 0, out.stderr
        assert b"\r" not in out.stdout
    assert b"rose  sharply" in out.stdout  # each line break a space, as the offsets count it


def test_rules_stats_shows_a_label_field_with_brackets_as_named(tmp_path):
    corpus = write_jsonl(tmp_path / "c.jsonl", '{"id": "1", "text": "gold rose", "[b]lab": "up"}')
    out = impact("rules", "stats", str(corpus), "-l", "[b]lab", "-m", "up=gold:bullish")
    assert out.returncode == 0, out.stderr
    assert "labels [b]lab" in out.stdout.decode()
