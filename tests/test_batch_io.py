"""Reading batches: every JSONL line and every CSV row comes out, in order, as a record or an error."""

from __future__ import annotations

import json
import re

import pytest

from impact.io.records import json_lines, read_records
from impact.io.results import flat_row, read_evaluated
from impact.errors import InputError


def records(path, fmt=None):
    return [(r.id, r.text, r.error) for r in read_records(str(path), fmt)]


# -- JSON lines -------------------------------------------------------------------------------------


def test_a_bom_before_the_first_line_is_dropped():
    got = list(json_lines([b'\xef\xbb\xbf{"id": "A1", "text": "Gold fell."}\n']))
    assert got[0].error is None and got[0].value == {"id": "A1", "text": "Gold fell."}


@pytest.mark.parametrize("line, reason", [
    (b'{"n": ' + b"9" * 5000 + b"}", "unreadable JSON: Exceeds the limit (4300 digits)"),
    (b"[" * 100_000, "unreadable JSON: nested too deeply"),
    (b'{"text": "Gold \xff fell"}', "invalid UTF-8 at byte 15"),
    (b'{"id": "x", "text": "Gold\x00"}', "malformed JSON: Invalid control character at column 26"),
    (b'{"id": "x", "text": ', "malformed JSON: Expecting value at column 21"),
])
def test_no_line_raises_each_says_why(line, reason):
    (item,) = json_lines([line])
    assert item.value is None and item.error.startswith(reason)
    assert " at at " not in item.error


def test_a_blank_line_is_blank_not_an_error():
    (item,) = json_lines([b"  \r\n"])
    assert item.blank and item.error is None


def test_a_jsonl_file_with_a_bom_keeps_its_ids(tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"id": "A1", "text": "Gold fell."}\n{"id": "A2", "text": "Gold rose."}\n')
    assert records(path) == [("A1", "Gold fell.", None), ("A2", "Gold rose.", None)]


# -- CSV --------------------------------------------------------------------------------------------


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("bad_row, error", [
    (b"a2,Gold rose,extra,fields", "row 2 (line 3): 4 fields, the header has 2"),
    (b"a2", "row 2 (line 3): 1 fields, the header has 2"),
    (b"a2,Gold \xff rose", "row 2 (line 3): invalid UTF-8"),
])
def test_a_bad_row_is_one_error_and_the_others_are_kept(tmp_path, bad_row, error):
    path = write(tmp_path, "bad.csv", b"id,text\na1,Gold prices fell sharply.\n" + bad_row + b"\na3,The dollar rose.\n")
    assert records(path) == [
        ("a1", "Gold prices fell sharply.", None),
        (None, None, error),  # a row that holds no record has no id: its line says where it is
        ("a3", "The dollar rose.", None),
    ]


def test_broken_quoting_is_one_error_for_the_lines_it_took_and_nothing_is_made_up(tmp_path):
    # text after a closing quote: the error covers every line the reader took for that row
    path = write(tmp_path, "unterm.csv", b'id,text\na1,Gold fell.\na2,"Gold rose\na3,The dollar rose.\na4,"two\nlines"\na5,Copper rose.\n')
    assert records(path) == [
        ("a1", "Gold fell.", None),
        (None, None, 'row 2 (lines 3-5): text follows a quoted field (a quote inside a field is written "")'),
        (None, None, "row 3 (line 6): 1 fields, the header has 2"),
        ("a5", "Copper rose.", None),
    ]
    # a quote inside a quoted text, unescaped: its lines are never read again as made-up rows
    path = write(tmp_path, "inner.csv", b'id,text\na1,"Markets were calm.\nHe said "no", the dollar fell sharply.\nEnd."\na2,copper fell\n')
    got = records(path)
    assert got[0] == (None, None, 'row 1 (lines 2-3): text follows a quoted field (a quote inside a field is written "")')
    assert got[-1] == ("a2", "copper fell", None)
    assert all(text is None for _, text, _ in got[:-1])  # no document made from the inside of a field
    # a quote that never closes takes the rest of the file with it, as CSV reads it
    path = write(tmp_path, "eof.csv", b'id,text\na1,Gold fell.\na2,"Gold rose\na3,The dollar rose.\n')
    assert records(path)[1:] == [(None, None, "row 2 (lines 3-4): a quoted field never closes")]


def test_a_field_past_the_csv_modules_default_limit_is_read(tmp_path):
    # the csv module's default limit is 131,072 characters: a long article, or a results row whose
    # signals hold hundreds of evidence, is longer
    path = write(tmp_path, "long.csv", b"id,text\na1," + b"x" * 200_000 + b"\na2,Gold fell.\n")
    assert records(path) == [("a1", "x" * 200_000, None), ("a2", "Gold fell.", None)]


def test_a_bom_is_dropped_from_the_header(tmp_path):
    path = write(tmp_path, "bom.csv", b"\xef\xbb\xbftext,id\nGold fell.,A1\n")
    assert records(path) == [("A1", "Gold fell.", None)]


@pytest.mark.parametrize("name, data", [
    ("semi.csv", b"id;text\na1;Gold fell, the dollar rose.\n"),
    ("tab.csv", b"id\ttext\na1\tGold fell, the dollar rose.\n"),
    ("plain.tsv", b"id\ttext\na1\tGold fell; the dollar rose, too.\n"),
])
def test_the_delimiter_is_taken_from_the_header(tmp_path, name, data):
    (rec,) = records(write(tmp_path, name, data))
    assert rec[0] == "a1" and rec[2] is None


def test_a_row_line_is_its_first_line_and_blank_lines_are_no_rows(tmp_path):
    path = write(tmp_path, "lines.csv", b'id,text\r\n\r\na1,"one\r\ntwo"\r\n,no id\r\n')
    got = list(read_records(str(path)))
    assert [(r.line, r.id, r.text) for r in got] == [(3, "a1", "one\r\ntwo"), (5, 2, "no id")]


@pytest.mark.parametrize("data, message", [
    (b"id,body\na1,Gold fell.\n", "no 'text' column (columns: id, body)"),
    (b"", "no header row"),
    (b"\xff\xfe\x00" * 100, "invalid UTF-8 in the header row"),
])
def test_a_file_without_a_text_column_is_one_input_error(tmp_path, data, message):
    with pytest.raises(InputError, match=re.escape(message)):
        records(write(tmp_path, "x.csv", data))


def test_standard_input_is_jsonl_only():
    with pytest.raises(InputError, match="standard input is read as JSONL only"):
        list(read_records("-", "csv"))


# -- flat output and reading it back ------------------------------------------------------------------


def test_flat_ids_are_text_and_none_stays_none():
    assert flat_row({"id": 7, "line": 7, "error": "empty line"}, ["gold"])["id"] == "7"
    assert flat_row({"id": None, "signals": []}, ["gold"])["id"] is None
    assert flat_row({"id": "a1", "signals": []}, ["gold"])["id"] == "a1"


def test_news_is_not_read_as_results(tmp_path):
    assert read_evaluated(str(write(tmp_path, "n.csv", b"id,text\na1,Gold fell.\n"))) is None
    assert read_evaluated(str(write(tmp_path, "n.jsonl", b'{"id": "a1", "text": "Gold fell."}\n'))) is None
    assert read_evaluated(str(tmp_path / "missing.parquet")) is None


def test_a_flat_results_csv_is_read_back(tmp_path):
    signal = {"asset": "gold", "direction": "bullish", "score": 0.5,
              "votes": {"bullish": 0.5, "bearish": 0.0, "neutral": 0.0}, "evidence": []}
    cell = json.dumps([signal]).replace('"', '""')
    path = write(tmp_path, "r.csv", (
        'id,published_at,error,gold_direction,gold_score,signals\n'
        f'a1,2025-07-01T03:31:00Z,,bullish,0.5,"{cell}"\n'
        '2,,empty line,,,\n'
    ).encode())
    assert read_evaluated(str(path)) == [
        {"id": "a1", "published_at": "2025-07-01T03:31:00Z", "signals": [signal]},
        {"id": "2", "published_at": None, "error": "empty line"},
    ]


def test_a_bad_line_in_a_results_file_names_the_line(tmp_path):
    path = write(tmp_path, "r.jsonl", b'{"id": "a", "signals": []}\n{"id": "b", "signals": \n')
    with pytest.raises(InputError, match=r"r.jsonl:2: malformed JSON"):
        read_evaluated(str(path))


def test_a_batch_result_keeps_the_assets_with_no_call(engine):
    from impact.io.records import Record
    from impact.io.results import evaluate_records

    mixed = "美国宣布对欧盟商品加征关税。两国签署停火协议。"  # a tariff threat and a ceasefire: no call on gold
    (out,) = evaluate_records(engine, [Record(1, "m", mixed)])
    assert "gold" not in {s["asset"] for s in out["signals"]}
    (gold,) = [u for u in out["undecided"] if u["asset"] == "gold"]
    assert gold["reason"] and {e["direction"] for e in gold["evidence"]} == {"bullish", "bearish"}


def test_flat_output_keeps_the_undecided_assets_and_integer_ids_stay_integers(engine, tmp_path):
    import pandas as pd

    from impact.io.records import Record
    from impact.io.results import evaluate_records

    mixed = "美国宣布对欧盟商品加征关税。两国签署停火协议。"
    results = list(evaluate_records(engine, [Record(1, "m", mixed), Record(2, "g", "金价大涨。")]))
    frame = pd.DataFrame([flat_row(r, engine.assets) for r in results])
    frame.to_parquet(tmp_path / "flat.parquet", index=False)
    back = read_evaluated(str(tmp_path / "flat.parquet"))
    assert [(r["id"], len(r["signals"]), len(r.get("undecided", []))) for r in back] == [("m", 0, 1), ("g", 1, 0)]
    # an integer id column with a null is float64 in pandas: 1.0 is read back as 1
    pd.DataFrame({"id": [1, None], "text": ["Gold fell.", "Gold rose."]}).to_parquet(tmp_path / "ids.parquet")
    assert [r.id for r in read_records(str(tmp_path / "ids.parquet"))] == [1, 2]


def test_a_line_that_holds_no_record_has_a_null_id_and_its_line(tmp_path):
    # the line number is never the id: "2" is a real record's id here and must stay unique
    path = write(tmp_path, "ids.jsonl", b'{"id": 2, "text": "Gold fell."}\nnot json\n\n{"id": 3, "text": "Gold rose."}\n')
    got = [(r.id, r.line, r.error is None) for r in read_records(str(path))]
    assert got == [(2, 1, True), (None, 2, False), (None, 3, False), (3, 4, True)]


class _EngineThatCannotBuild:
    """Stands in for an engine whose worker processes fail to build it."""

    @property
    def compiled(self):
        raise RuntimeError("no automaton here")


def test_a_worker_process_that_dies_is_one_clear_error_not_a_hang():
    from impact.errors import ImpactError
    from impact.io.records import Record
    from impact.io.results import evaluated_lines

    records = [Record(line=k + 1, id=f"r{k}", text="Gold rose.") for k in range(5)]
    with pytest.raises(ImpactError, match="a worker process died while evaluating the records from line 1 on"):
        list(evaluated_lines(_EngineThatCannotBuild(), records, jobs=2))


def test_with_jobs_what_was_read_before_the_input_fails_still_comes_out_as_with_one_process():
    from impact import Engine
    from impact.io.records import Record
    from impact.io.results import evaluated_lines

    def failing():
        for k in range(450):
            yield Record(line=k + 1, id=f"r{k}", text="Gold rose.")
        raise InputError("x.parquet: cannot read as parquet after row 450")

    engine = Engine.from_path(None)
    for jobs in (1, 2):
        got = []
        with pytest.raises(InputError, match="after row 450"):
            for _, line in evaluated_lines(engine, failing(), jobs):
                got.append(line)
        assert len(got) == 450, jobs
