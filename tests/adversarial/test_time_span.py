"""Signals centuries apart: the net view stays finite and exact (int64 nanosecond differences
wrapped past 292 years), a session is never matched across centuries, and a frequency that would
allocate periods without end is refused with the records at the ends of the span."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pandas as pd
import pytest

from impact.market import timeseries
from impact.market.prices import align_sessions
from impact.market.timeseries import net_view


def signals(*rows):
    return pd.DataFrame([{"id": i, "published_at": t, "asset": "gold", "direction": d, "score": s}
                         for i, t, d, s in rows])


RECENT = [("a", "2025-07-01T00:00:00Z", "bullish", 0.55), ("b", "2025-07-03T00:00:00Z", "bearish", -0.4)]


def test_a_record_dated_1700_leaves_the_later_views_finite_and_as_without_it():
    with_old = net_view(signals(("old", "1700-01-02T00:00:00Z", "bullish", 0.5), *RECENT), freq="D")
    without = net_view(signals(*RECENT), freq="D")
    recent = with_old[with_old["time"] >= without["time"].min()].reset_index(drop=True)
    assert all(math.isfinite(x) for x in with_old["net"]) and all(math.isfinite(x) for x in with_old["mass"])
    pd.testing.assert_frame_equal(recent[["time", "view", "mean", "net", "mass"]], without[["time", "view", "mean", "net", "mass"]])
    assert len(with_old) == (pd.Timestamp("2025-07-03") - pd.Timestamp("1700-01-02")).days + 1


def test_a_session_is_never_matched_across_centuries():
    closes = pd.DatetimeIndex(["2025-07-01T07:00:00Z", "2025-07-02T07:00:00Z"]).astype("datetime64[ns, UTC]")
    published = pd.Series(pd.to_datetime(["1700-01-02T00:00:00Z", "2025-06-30T12:00:00Z", "1950-01-01T00:00:00Z"]))
    assert align_sessions(published, closes, "7D").tolist() == [-1, 0, -1]


def test_too_many_periods_are_refused_naming_the_records(monkeypatch):
    frame = signals(("old", "1700-01-02T00:00:00Z", "bullish", 0.5), *RECENT)
    with pytest.raises(ValueError, match=r"171,195,841 periods.*limit is 1,000,000") as caught:
        net_view(frame, freq="1min")
    assert "record 'old'" in str(caught.value) and "record 'b'" in str(caught.value)
    monkeypatch.setattr(timeseries, "MAX_PERIODS", 10)
    with pytest.raises(ValueError, match="periods per asset"):
        net_view(signals(*RECENT), freq="h")
    with pytest.raises(ValueError, match="periods per asset"):
        net_view(signals(("x", "2000-01-01T00:00:00Z", "bullish", 0.5), *RECENT), freq="Y")
    assert len(net_view(signals(*RECENT), freq="D")) == 3


def test_aggregate_refuses_with_exit_2(tmp_path):
    results = tmp_path / "r.jsonl"
    rows = [("old", "1700-01-02T00:00:00Z"), ("a", "2025-07-01T00:00:00Z")]
    results.write_text("".join(json.dumps({
        "id": rid, "published_at": t, "signals": [{"asset": "gold", "direction": "bullish", "score": 0.5, "votes": {}, "evidence": []}],
    }) + "\n" for rid, t in rows), encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "impact.cli", "aggregate", str(results), "--freq", "1min", "-f", "csv", "-q"],
                         capture_output=True, timeout=300)
    assert out.returncode == 2, out.stderr
    assert b"record 'old'" in out.stderr and b"Traceback" not in out.stderr and out.stdout == b""
    out = subprocess.run([sys.executable, "-m", "impact.cli", "aggregate", str(results), "-f", "csv", "-q"],
                         capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr
    last = out.stdout.decode().splitlines()[-1].split(",")
    assert last[1] == "gold" and float(last[2]) > 0 and b"inf" not in out.stdout
