"""Every batch format streams: CSV and Parquet results are written as the records come (what is
held is one bounded row group at most), and a Parquet input is read a batch of rows at a time."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

pytest.importorskip("pyarrow")

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from impact.cli.evaluate import InFormat, OutFormat, evaluate  # noqa: E402
from impact.io import records as records_module  # noqa: E402
from impact.io.records import Record, read_parquet  # noqa: E402
from impact.io.results import ROW_GROUP_ROWS, CsvRows, ParquetRows, flat_columns, flat_row, read_evaluated  # noqa: E402

TEXTS = ["美元走弱提振金价。", "铜价下跌，需求疲软。", "Gold rose as the dollar fell.", "市场平静。"]


def run(source, output: Path, fmt: OutFormat, monkeypatch) -> None:
    monkeypatch.setattr(records_module, "read_records", lambda path, fmt=None: source)
    evaluate(input="batch.jsonl", rules=None, format=fmt, input_format=InFormat.auto, output=str(output),
             fail_on=None, tz="UTC", jobs=1, quiet=True, debug=False)


@pytest.mark.parametrize("fmt", [OutFormat.csv, OutFormat.parquet])
def test_rows_reach_the_file_while_the_batch_is_read(tmp_path, monkeypatch, fmt):
    """Before, nothing was written until the last record was read: the whole batch was held."""
    output = tmp_path / f"out.{fmt.value}"
    n = 3 * ROW_GROUP_ROWS
    written_at: dict[int, int] = {}

    def source():
        for i in range(n):
            if i and i % ROW_GROUP_ROWS == 0:
                partial = list(tmp_path.glob(".out.*.partial"))
                written_at[i] = partial[0].stat().st_size if partial else 0
            yield Record(i + 1, f"r{i}", TEXTS[i % len(TEXTS)], None)

    run(source(), output, fmt, monkeypatch)
    assert written_at[ROW_GROUP_ROWS] > 0 and written_at[2 * ROW_GROUP_ROWS] > written_at[ROW_GROUP_ROWS]
    results = read_evaluated(str(output))
    assert [r["id"] for r in results] == [f"r{i}" for i in range(n)]
    assert not list(tmp_path.glob("*.partial"))


def results_of(engine, texts):
    from impact.io.results import evaluate_records

    return list(evaluate_records(engine, [Record(i + 1, f"d{i}", t, None) for i, t in enumerate(texts)]))


def test_csv_rows_are_what_pandas_wrote(engine):
    results = results_of(engine, TEXTS + ["", "没有信号。"])
    results.append({"id": 9, "line": 9, "error": 'a "quoted",\nreason'})
    rows = [flat_row(r, engine.assets) for r in results]
    chunks: list[bytes] = []
    out = CsvRows(chunks.append, engine.assets)
    for row in rows:
        out.write(row)
    out.close()
    assert len(chunks) == len(rows)  # one write per row (the header goes with the first)
    expected = pd.DataFrame(rows, columns=flat_columns(engine.assets)).to_csv(index=False)
    assert b"".join(chunks).decode("utf-8") == expected
    empty: list[bytes] = []
    CsvRows(empty.append, engine.assets).close()
    assert b"".join(empty).decode() == pd.DataFrame([], columns=flat_columns(engine.assets)).to_csv(index=False)


def test_parquet_rows_read_back_as_before(engine, tmp_path):
    results = results_of(engine, TEXTS * 3)
    rows = [flat_row(r, engine.assets) for r in results]
    with open(tmp_path / "new.parquet", "wb") as handle:
        out = ParquetRows(handle, engine.assets)
        for row in rows:
            out.write(row)
        out.close()
    pd.DataFrame(rows, columns=flat_columns(engine.assets)).to_parquet(tmp_path / "old.parquet", index=False)
    new, old = pd.read_parquet(tmp_path / "new.parquet"), pd.read_parquet(tmp_path / "old.parquet")
    assert list(new.columns) == list(old.columns)
    cells = lambda frame: [[None if pd.isna(v) else v for v in row] for row in frame.itertuples(index=False)]  # noqa: E731
    assert cells(new) == cells(old)
    assert read_evaluated(str(tmp_path / "new.parquet")) == read_evaluated(str(tmp_path / "old.parquet"))


def test_parquet_row_groups_are_bounded(engine, tmp_path, monkeypatch):
    from impact.io import results as results_module

    monkeypatch.setattr(results_module, "ROW_GROUP_ROWS", 7)
    row = flat_row(results_of(engine, TEXTS[:1])[0], engine.assets)
    with open(tmp_path / "g.parquet", "wb") as handle:
        out = results_module.ParquetRows(handle, engine.assets)
        for _ in range(50):
            out.write(row)
        out.close()
    meta = pq.ParquetFile(tmp_path / "g.parquet").metadata
    assert meta.num_rows == 50 and meta.num_row_groups == 8
    assert max(meta.row_group(i).num_rows for i in range(meta.num_row_groups)) == 7


def test_a_parquet_input_is_read_a_batch_at_a_time(tmp_path):
    n, text = 20_000, "金价上涨。" * 200  # 40 MB of distinct texts as Python strings when read whole
    path = tmp_path / "big.parquet"
    texts = [f"{text}{i}" for i in range(n)]
    pq.write_table(pa.table({"id": [f"x{i}" for i in range(n)], "text": texts}), path, row_group_size=1_000)
    del texts
    tracemalloc.start()
    try:
        records = read_parquet(str(path))
        first = next(records)
        peak = tracemalloc.get_traced_memory()[1]
        count = 1 + sum(1 for _ in records)
    finally:
        tracemalloc.stop()
    assert first.id == "x0" and first.text == f"{text}0" and count == n
    assert peak < 5_000_000, peak


def test_the_records_of_a_parquet_input_are_what_they_were(tmp_path):
    frame = pd.DataFrame({"id": [1, None, 3], "text": ["a", "b", None], "published_at": ["2025-01-01", None, None]})
    frame.index = [10, 11, 12]
    path = tmp_path / "in.parquet"
    frame.to_parquet(path)  # with the index as pandas stores it
    got = [(r.line, r.id, r.text, r.error) for r in read_parquet(str(path))]
    assert got == [(1, 1, "a", None), (2, 2, "b", None), (3, 3, None, "record has no 'text'")]
    assert json.dumps([r.id for r in read_parquet(str(path))]) == "[1, 2, 3]"
