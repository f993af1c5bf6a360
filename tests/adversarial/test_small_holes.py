"""Smaller holes of issue 16: outputs that would replace their own input, duplicate CSV column
names, ids that are JSON arrays or objects."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from impact.errors import InputError
from impact.io.records import read_csv
from impact.io.results import flat_row


def impact(*args: str):
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], capture_output=True, timeout=300)


def results_file(path):
    path.write_text(json.dumps({"id": "a", "published_at": "2025-07-01T00:00:00Z", "signals": [
        {"asset": "gold", "direction": "bullish", "score": 0.5, "votes": {}, "evidence": []}]}) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_aggregate_refuses_to_write_over_its_input(tmp_path, suffix):
    source = results_file(tmp_path / f"r{suffix}")
    before = source.read_bytes()
    # the input is read as JSONL whatever its suffix; the output format follows the suffix
    out = impact("aggregate", str(source), "-o", str(source), "-q")
    assert out.returncode == 2 and b"is the input file" in out.stderr, out.stderr
    assert source.read_bytes() == before


def test_study_refuses_to_write_over_its_prices_or_news(tmp_path):
    news = results_file(tmp_path / "news.json")
    prices = tmp_path / "prices.csv"
    prices.write_text("date,close\n2025-07-01,1\n2025-07-02,2\n", encoding="utf-8")
    for target in (prices, news):
        before = target.read_bytes()
        out = impact("study", str(news), "-p", str(prices), "-a", "gold", "-f", "csv", "-o", str(target), "-q")
        assert out.returncode == 2 and b"is the input file" in out.stderr, out.stderr
        assert target.read_bytes() == before


def test_duplicate_csv_column_names_are_refused(tmp_path):
    path = tmp_path / "dup.csv"
    path.write_text("id,text,text\n1,金价上涨。,美元走弱。\n", encoding="utf-8")
    with pytest.raises(InputError, match="'text' more than once"):
        list(read_csv(str(path)))


def test_an_id_that_is_a_json_array_or_object_is_written_as_json():
    assert flat_row({"id": ["a", 1], "signals": []}, [])["id"] == '["a", 1]'
    assert flat_row({"id": {"k": "值"}, "signals": []}, [])["id"] == '{"k": "值"}'
    assert flat_row({"id": 7, "signals": []}, [])["id"] == "7"
