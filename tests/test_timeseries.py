"""Net view over time: the decay formula, period counts, the aggregate command."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from impact.cli import app
from impact.market.timeseries import NET_VIEW_COLUMNS, net_view, net_view_at


def signals(*rows):
    frame = pd.DataFrame(rows, columns=["asset", "published_at", "direction", "score", "n_evidence"])
    return frame.assign(published_at=pd.to_datetime(frame["published_at"], utc=True), error=None)


SIGNALS = signals(
    ("gold", "2025-07-01T03:00:00Z", "bullish", 0.5, 2),
    ("gold", "2025-07-03T12:00:00Z", "bearish", -0.5, 1),
    ("usd", "2025-07-02T00:00:00Z", "bullish", 0.4, 1),
)


def test_a_signal_weighs_half_after_one_half_life():
    at = net_view_at(SIGNALS, "gold", ["2025-07-02T03:00:00Z", "2025-07-03T03:00:00Z"], half_life="1D")
    assert at["net"].tolist() == pytest.approx([0.25, 0.125])
    assert at["mass"].tolist() == pytest.approx([0.5, 0.25])
    assert at["mean"].tolist() == pytest.approx([0.5, 0.5])
    assert at["view"].tolist() == pytest.approx([0.5 * (1 - math.exp(-0.5)), 0.5 * (1 - math.exp(-0.25))])  # fades



def test_a_neutral_signal_counts_at_zero_whatever_lean_its_score_keeps():
    """A range call (neutral, score 0.39 from a bullish lean among its votes) dilutes the view;
    it does not push it up."""
    frame = signals(
        ("zinc", "2025-07-01T00:00:00Z", "bullish", 0.5, 1),
        ("zinc", "2025-07-01T00:00:00Z", "neutral", 0.39, 2),
    )
    at = net_view_at(frame, "zinc", ["2025-07-01T00:00:01Z"], half_life="3D").iloc[0]
    assert at["mass"] == pytest.approx(2.0, rel=1e-4)  # one second of decay
    assert at["mean"] == pytest.approx(0.25, rel=1e-6)

def test_a_signal_is_not_in_the_view_at_its_own_instant():
    at = net_view_at(SIGNALS, "gold", ["2025-07-01T03:00:00Z"], half_life="1D")
    assert at["mass"].iloc[0] == 0 and pd.isna(at["view"].iloc[0])


def test_daily_series_decays_and_counts_per_period():
    out = net_view(SIGNALS, half_life="1D")
    assert list(out.columns) == NET_VIEW_COLUMNS
    assert str(out["time"].dtype) == "datetime64[ns, UTC]"
    gold = out[out.asset == "gold"].set_index(out[out.asset == "gold"]["time"].dt.strftime("%m-%d"))
    assert list(gold.index) == ["07-01", "07-02", "07-03"]
    assert gold.loc["07-01", "signals"] == 1 and gold.loc["07-01", "evidence"] == 2
    assert gold.loc["07-02", "signals"] == 0 and gold.loc["07-02", "mean"] == pytest.approx(0.5)  # quiet day: keeps sign
    assert 0 < gold.loc["07-02", "view"] < gold.loc["07-01", "view"]  # ... and fades
    w1, w2 = 2 ** -(69 / 24), 2 ** -(12 / 24)  # ages at the end of 3 July
    assert gold.loc["07-03", "net"] == pytest.approx(0.5 * w1 - 0.5 * w2)
    assert gold.loc["07-03", "mean"] == pytest.approx((0.5 * w1 - 0.5 * w2) / (w1 + w2))
    assert gold.loc["07-03", "view"] == pytest.approx((0.5 * w1 - 0.5 * w2) / (w1 + w2) * (1 - math.exp(-(w1 + w2))))
    usd = out[out.asset == "usd"]
    assert pd.isna(usd["view"].iloc[0]) and usd["bullish"].sum() == 1  # before its first signal: no view


def test_errors_and_other_assets_are_ignored_and_empty_in_gives_empty_out():
    bad = pd.concat([SIGNALS, pd.DataFrame({"asset": [None], "published_at": [pd.NaT], "error": ["boom"]})], ignore_index=True)
    assert len(net_view(bad, assets=["gold"])) == 3
    empty = net_view(SIGNALS.iloc[:0])
    assert empty.empty and list(empty.columns) == NET_VIEW_COLUMNS


def test_aggregate_command_prints_a_daily_series(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": 1, "text": "分析师表示，金价短期内有望继续上涨。", "published_at": "2025-07-01T02:00:00Z"},
        {"id": 2, "text": "美元走强，金价承压下跌。", "published_at": "2025-07-03T02:00:00Z"},
    ]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["aggregate", str(news), "--asset", "gold", "--half-life", "2D", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert [r["time"][:10] for r in rows] == ["2025-07-01", "2025-07-02", "2025-07-03"]
    assert rows[0]["view"] > 0 and rows[2]["bearish"] == 1
    table = CliRunner().invoke(app, ["aggregate", str(news)])
    assert table.exit_code == 0 and "gold" in table.stdout


def test_calendar_periods_weeks_and_months():
    weekly = net_view(SIGNALS, freq="W", assets=["gold"])
    assert [f"{t:%Y-%m-%d}" for t in weekly["time"]] == ["2025-06-30"]  # the Monday of that week
    assert weekly["signals"].tolist() == [2]
    monthly = net_view(SIGNALS, freq="M", assets=["usd"], end="2025-08-15")
    assert [f"{t:%Y-%m}" for t in monthly["time"]] == ["2025-07", "2025-08"] and monthly["signals"].tolist() == [1, 0]
    with pytest.raises(ValueError, match="freq"):
        net_view(SIGNALS, freq="fortnight")


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_aggregate_reads_what_evaluate_wrote_in_each_format(tmp_path, fmt):
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": 1, "text": "分析师表示，金价短期内有望继续上涨。", "published_at": "2025-07-01T02:00:00Z"},
        {"id": "b", "text": "美元走强，金价承压下跌。", "published_at": "2025-07-03T02:00:00Z"},
        {"id": "c", "text": 5},
    ]) + "\n", encoding="utf-8")
    direct = CliRunner().invoke(app, ["aggregate", str(news), "--format", "json"])
    evaluated = tmp_path / f"signals.{fmt}"
    wrote = CliRunner().invoke(app, ["evaluate", str(news), "-q", "--format", fmt, "-o", str(evaluated)])
    assert wrote.exit_code == 0, wrote.output
    again = CliRunner().invoke(app, ["aggregate", str(evaluated), "--format", "json"])
    assert again.exit_code == 0, again.output
    assert "the engine is not run" in again.stderr
    assert json.loads(again.stdout) == json.loads(direct.stdout)


def test_aggregate_says_how_many_signals_had_no_time(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": 1, "text": "分析师表示，金价短期内有望继续上涨。", "published_at": "2025-07-01T02:00:00Z"},
        {"id": 2, "text": "美元走强，金价承压下跌。"},
    ]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["aggregate", str(news), "--asset", "gold"])
    assert result.exit_code == 0, result.output
    assert "1 signal left out: no published_at" in result.stderr
