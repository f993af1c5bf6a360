"""Naive publication times: read in the zone the caller gives (tz= / --tz), else as UTC with a
one-line warning."""

import json
import subprocess
import sys
import warnings

import pandas as pd
import pytest

from impact.errors import InputError
from impact.timezones import NaiveTimeWarning

from conftest import FIXTURES

TEXT = "美元走弱提振金价。"


def frame(times):
    return pd.DataFrame({"id": [f"d{i}" for i in range(len(times))], "text": [TEXT] * len(times), "published_at": times})


def published(out):
    return out.drop_duplicates("id").set_index("id")["published_at"].astype(str).to_dict()


def test_naive_times_are_read_as_utc_with_one_warning_that_counts_them(engine):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        out = engine.evaluate_frame(frame(["2025-07-01 11:31", "2025-07-01 12:00:00", "2025-07-01T03:31:00Z", None]))
    naive = [w for w in seen if issubclass(w.category, NaiveTimeWarning)]
    assert len(naive) == 1
    assert str(naive[0].message).startswith("2 publication times without a time zone read as UTC; give tz=")
    assert naive[0].filename == __file__  # points at the caller's line, not inside the package
    assert published(out)["d0"] == "2025-07-01 11:31:00+00:00"


def test_a_time_zone_reads_naive_times_and_leaves_zoned_ones_alone(engine):
    with warnings.catch_warnings():
        warnings.simplefilter("error", NaiveTimeWarning)
        out = engine.evaluate_frame(frame(["2025-07-01 11:31", "2025-07-01T11:31:00+02:00", "2025-07-01T03:31:00Z", None]),
                                    tz="Asia/Shanghai")
    got = published(out)
    assert got["d0"] == "2025-07-01 03:31:00+00:00"  # Beijing time, eight hours ahead of UTC
    assert got["d1"] == "2025-07-01 09:31:00+00:00"
    assert got["d2"] == "2025-07-01 03:31:00+00:00"
    assert out["published_at"].dtype == "datetime64[ns, UTC]"
    naive_datetimes = frame([pd.Timestamp("2025-07-01 11:31")])
    assert published(engine.evaluate_frame(naive_datetimes, tz="Asia/Shanghai"))["d0"] == "2025-07-01 03:31:00+00:00"


def test_a_time_a_clock_change_skips_is_an_error_row_and_an_unknown_zone_an_error(engine):
    out = engine.evaluate_frame(frame(["2025-03-09 02:30", "2025-03-09 04:30"]), tz="America/New_York")
    errors = out.drop_duplicates("id").set_index("id")["error"]
    assert "cannot be read in America/New_York" in errors["d0"]
    assert pd.isna(errors["d1"])
    with pytest.raises(InputError, match="unknown time zone 'Mars/Olympus'"):
        engine.evaluate_frame(frame(["2025-07-01 11:31"]), tz="Mars/Olympus")


def impact(*args, input=None):
    return subprocess.run([sys.executable, "-m", "impact.cli", *args], input=input, capture_output=True, timeout=120)


@pytest.fixture
def naive_news(tmp_path):
    path = tmp_path / "news.jsonl"
    lines = [{"id": f"n{i}", "text": TEXT, "published_at": f"2025-07-0{i + 1} 11:31"} for i in range(3)]
    lines.append({"id": "z", "text": TEXT, "published_at": "2025-07-04T11:31:00Z"})
    path.write_text("".join(json.dumps(l, ensure_ascii=False) + "\n" for l in lines), encoding="utf-8")
    return path


def test_evaluate_warns_in_one_line_and_tz_reads_local_times(naive_news):
    out = impact("evaluate", str(naive_news))
    assert out.returncode == 0, out.stderr
    warning = [l for l in out.stderr.decode().splitlines() if l.startswith("warning:")]
    assert len(warning) == 1 and "read as UTC; give --tz ZONE" in warning[0] and "(line 1)" in warning[0]
    assert [json.loads(l)["published_at"] for l in out.stdout.splitlines()][:1] == ["2025-07-01T11:31:00Z"]
    local = impact("evaluate", str(naive_news), "--tz", "Asia/Shanghai")
    assert local.returncode == 0 and b"warning:" not in local.stderr
    times = [json.loads(l)["published_at"] for l in local.stdout.splitlines()]
    assert times == ["2025-07-01T03:31:00Z", "2025-07-02T03:31:00Z", "2025-07-03T03:31:00Z", "2025-07-04T11:31:00Z"]
    bad = impact("evaluate", str(naive_news), "--tz", "Nowhere/Town")
    assert bad.returncode == 2 and bad.stderr.decode().strip().splitlines() == [
        "error: unknown time zone 'Nowhere/Town' (give an IANA name such as Asia/Shanghai, or UTC)"]


def test_aggregate_and_study_read_local_news_times(naive_news):
    agg = impact("aggregate", str(naive_news), "-f", "csv")
    assert agg.returncode == 0 and b"give --tz ZONE" in agg.stderr
    local = impact("aggregate", str(naive_news), "-f", "csv", "--tz", "Asia/Shanghai")
    assert local.returncode == 0 and b"warning:" not in local.stderr
    assert local.stdout != agg.stdout  # the decay runs from other times
    prices = str(FIXTURES / "prices" / "au-daily.csv")
    study = impact("study", str(naive_news), "--prices", prices, "--asset", "gold", "-f", "json")
    assert study.returncode == 0, study.stderr
    assert b"give --news-tz ZONE" in study.stderr
    local = impact("study", str(naive_news), "--prices", prices, "--asset", "gold", "-f", "json", "--news-tz", "Asia/Shanghai")
    assert local.returncode == 0 and b"warning:" not in local.stderr
