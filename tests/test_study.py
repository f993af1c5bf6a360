"""Event study: reading price files, aligning news to sessions, forward returns, per-rule rows."""

from __future__ import annotations

import json
import math

import pandas as pd
import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from impact.cli import app
from impact.errors import InputError
from impact.market.prices import align_sessions, read_prices, session_closes
from impact.market.study import binomial_p_value, event_study, forward_returns

PRICES = FIXTURES / "prices"


@pytest.fixture(scope="module")
def au():
    return read_prices(PRICES / "au-daily.csv")


def session_of(au, when: str, **kw) -> str | None:
    closes = session_closes(au.close.index, "15:00", "Asia/Shanghai")
    pos = int(align_sessions(pd.Series([when]), closes, **kw).iloc[0])
    return None if pos < 0 else f"{au.close.index[pos]:%Y-%m-%d}"


# -- reading the shapes met in practice ------------------------------------------------------

def test_comma_file_with_ohlc_columns_reads_the_close(au):
    assert (au.date_column, au.price_column, au.separator) == ("date", "close", ",")
    assert au.close.index.is_monotonic_increasing and au.close.index.is_unique


def test_semicolon_file_with_dotted_dates_is_detected():
    xau = read_prices(PRICES / "xau-daily-semicolon.csv")
    assert (xau.date_column, xau.price_column, xau.separator) == ("Date", "Close", ";")
    assert xau.close.index[0] == pd.Timestamp("2025-09-15")
    assert xau.close.iloc[0] == pytest.approx(3629.05)


def test_weekend_rows_and_empty_values_are_dropped():
    dxy = read_prices(PRICES / "dxy-daily-weekends.csv")
    assert dxy.price_column == "value"
    assert (dxy.close.index.day_of_week < 5).all()
    assert pd.Timestamp("2025-10-13") not in dxy.close.index  # empty value: no session
    assert dxy.dropped == 10 + 1  # five weekends, one empty value


def test_columns_and_separator_can_be_forced(tmp_path):
    path = tmp_path / "p.txt"
    path.write_text("day|settlement|close\n2025-07-01|1,5|9\n2025-07-02|1,6|9\n", encoding="utf-8")
    series = read_prices(path, date_column="day", price_column="settlement", separator="|")
    assert list(series.close) == [1.5, 1.6]  # decimal comma
    with pytest.raises(InputError, match="no price column 'settle'"):
        read_prices(path, price_column="settle", separator="|")


def test_a_file_without_a_price_says_what_to_do(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("date,open,high\n2025-07-01,1,2\n", encoding="utf-8")
    with pytest.raises(InputError, match="--price-column"):
        read_prices(path)


# -- alignment to the close ------------------------------------------------------------------

def test_news_before_the_close_counts_for_that_session(au):
    assert session_of(au, "2025-09-24T10:00:00+08:00") == "2025-09-24"


def test_news_after_or_at_the_close_counts_for_the_next_session(au):
    assert session_of(au, "2025-09-24T15:30:00+08:00") == "2025-09-25"
    assert session_of(au, "2025-09-24T07:00:00Z") == "2025-09-25"  # exactly 15:00 Beijing
    assert session_of(au, "2025-09-24T06:59:59Z") == "2025-09-24"


def test_weekend_news_rolls_to_monday(au):
    assert session_of(au, "2025-09-20T09:00:00+08:00") == "2025-09-22"


def test_holiday_news_rolls_to_the_first_session_after_the_holiday(au):
    assert session_of(au, "2025-10-03T11:00:00+08:00") == "2025-10-09"


def test_a_day_without_a_price_rolls_to_the_next_priced_session(au):
    assert session_of(au, "2025-09-26T10:00:00+08:00") == "2025-09-29"


def test_news_outside_the_series_or_in_a_long_gap_is_unpriced(au):
    assert session_of(au, "2025-10-24T16:00:00+08:00") is None  # after the last close
    assert session_of(au, "2025-08-01T10:00:00+08:00") is None  # long before the first
    assert session_of(au, "2025-10-03T11:00:00+08:00", max_stale="3D") is None  # the holiday gap is too long
    assert session_of(au, None) is None


def test_naive_times_are_utc_and_the_close_time_is_configurable(au):
    closes = session_closes(au.close.index, "16:30", "Europe/London")
    pos = align_sessions(pd.Series(["2025-09-24 15:00"]), closes)  # 16:00 London, before 16:30
    assert f"{au.close.index[int(pos.iloc[0])]:%Y-%m-%d}" == "2025-09-24"


def test_forward_returns_run_from_the_session_close():
    close = pd.Series([100.0, 110.0, 99.0, 99.0])
    fwd = forward_returns(close, [0, 1, 2])
    assert fwd.loc[0, 1] == pytest.approx(0.10) and fwd.loc[1, 1] == pytest.approx(-0.10)
    assert fwd.loc[0, 2] == pytest.approx(-0.01) and math.isnan(fwd.loc[3, 1])
    assert math.isnan(fwd.loc[0, 0]) and fwd.loc[1, 0] == pytest.approx(0.10)


# -- statistics ------------------------------------------------------------------------------

def test_binomial_p_value_matches_hand_computed_values():
    assert binomial_p_value(5, 5, 0.5) == pytest.approx(2 / 32)
    assert binomial_p_value(3, 6, 0.5) == pytest.approx(1.0)
    assert binomial_p_value(0, 0, 0.5) != binomial_p_value(0, 0, 0.5)  # NaN


def evidence(*rows):
    """An evidence frame like evaluate_frame(per="evidence") gives, from (id, time, rule, direction)."""
    frame = pd.DataFrame(rows, columns=["id", "published_at", "rule", "direction"])
    net = frame.groupby("id")["direction"].agg(lambda d: d.mode().iloc[0])
    return frame.assign(asset="gold", weight=0.5, net_direction=frame["id"].map(net),
                        published_at=pd.to_datetime(frame["published_at"], utc=True), error=None)


def test_study_rows_per_rule_and_overall(au):
    c = au.close
    up_next = [d for d in range(len(c) - 1) if c.iloc[d + 1] > c.iloc[d]]
    down_next = [d for d in range(len(c) - 1) if c.iloc[d + 1] < c.iloc[d]]
    at = lambda i: f"{c.index[i]:%Y-%m-%d}T10:00:00+08:00"  # before that session's close
    frame = evidence(
        ("a", at(up_next[0]), "r.bull", "bullish"),      # right
        ("b", at(up_next[1]), "r.bull", "bullish"),      # right
        ("c", at(down_next[0]), "r.bull", "bullish"),    # wrong
        ("d", at(down_next[1]), "r.bear", "bearish"),    # right
        ("e", at(down_next[1]), "r.bear", "bearish"),    # same session: one observation
    )
    out = event_study(frame, au, "gold", horizons=[1])
    rows = {r.rule: r for r in out.itertuples()}
    assert list(out.rule)[0] == "ALL"
    assert rows["r.bull"].n == 3 and rows["r.bull"].hit_rate == pytest.approx(2 / 3)
    assert rows["r.bear"].n == 1 and rows["r.bear"].signals == 2 and rows["r.bear"].hit_rate == 1.0
    assert rows["ALL"].n == 4 and rows["ALL"].signals == 5
    assert 0 < rows["ALL"].base_rate < 1
    r = c.iloc[up_next[0] + 1] / c.iloc[up_next[0]] - 1
    assert rows["r.bull"].mean_return == pytest.approx(
        (r + c.iloc[up_next[1] + 1] / c.iloc[up_next[1]] - 1 + c.iloc[down_next[0] + 1] / c.iloc[down_next[0]] - 1) / 3)
    per_signal = event_study(frame, au, "gold", horizons=[1], unit="signal")
    assert per_signal.set_index("rule").loc["r.bear", "n"] == 2


def test_news_without_prices_is_counted_not_studied(au):
    frame = evidence(("late", "2026-01-05T10:00:00+08:00", "r.bull", "bullish"))
    out = event_study(frame, au, "gold")
    assert out.empty and out.attrs["unpriced"] == 1
    assert list(out.columns)[:7] == ["rule", "basis", "asset", "horizon", "n", "signals", "bullish"]


# -- the command -----------------------------------------------------------------------------

NEWS = [
    {"id": "n1", "text": "分析师表示，金价短期内有望继续上涨。", "published_at": "2025-09-17T02:00:00Z"},
    {"id": "n2", "text": "美联储释放鹰派信号，美元走强，金价承压下跌。", "published_at": "2025-09-23T09:00:00Z"},
    {"id": "n3", "text": "Gold prices rose as safe-haven demand picked up.", "published_at": "2025-09-27T03:00:00Z"},
    {"id": "n4", "text": "No view on any asset here.", "published_at": "2025-10-10T01:00:00Z"},
]


@pytest.fixture()
def news(tmp_path):
    path = tmp_path / "news.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in NEWS), encoding="utf-8")
    return path


def test_study_command_prints_json_rows(news):
    result = CliRunner().invoke(app, ["study", str(news), "--prices", str(PRICES / "au-daily.csv"), "--asset", "gold",
                                      "--horizons", "1,5", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and {"rule", "asset", "horizon", "n", "hit_rate", "mean_return"} <= set(rows[0])
    assert rows[0]["rule"] == "ALL" and {r["horizon"] for r in rows} == {1, 5}
    assert rows[0]["basis"] == "net" and {r["basis"] for r in rows if r["rule"] != "ALL"} <= {"explicit", "inferred", "reported"}


def test_study_command_reads_evaluated_signals_too(news, tmp_path):
    signals = tmp_path / "signals.jsonl"
    ran = CliRunner().invoke(app, ["evaluate", str(news), "-o", str(signals), "-q"])
    assert ran.exit_code == 0, ran.output
    args = ["--prices", str(PRICES / "au-daily.csv"), "--asset", "gold", "--format", "csv"]
    from_news = CliRunner().invoke(app, ["study", str(news), *args])
    from_signals = CliRunner().invoke(app, ["study", str(signals), *args])
    assert from_news.exit_code == from_signals.exit_code == 0
    assert from_news.stdout == from_signals.stdout


def test_study_command_table_and_a_bad_price_file(news, tmp_path):
    table = CliRunner().invoke(app, ["study", str(news), "--prices", str(PRICES / "au-daily.csv"), "--asset", "gold"])
    assert table.exit_code == 0 and "hit" in table.stdout and "ALL" in table.stdout
    (tmp_path / "bad.csv").write_text("", encoding="utf-8")
    bad = CliRunner().invoke(app, ["study", str(news), "--prices", str(tmp_path / "bad.csv"), "--asset", "gold"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output
    assert bad.output.strip() == f"error: {tmp_path / 'bad.csv'}: the price file is empty"  # not an internal error


def test_csv_news_and_no_progress_bar_when_stderr_is_not_a_terminal(tmp_path):
    news = pd.DataFrame(NEWS * 60)  # 240 records: long enough for a bar at a terminal
    news["id"] = range(len(news))
    path = tmp_path / "news.csv"
    news.to_csv(path, index=False)
    args = ["study", str(path), "--prices", str(PRICES / "au-daily.csv"), "--asset", "gold", "--format", "json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)[0]["signals"] == 3 * 60
    assert "evaluating" not in result.stderr and "240 records" in result.stderr
    quiet = CliRunner().invoke(app, [*args, "--quiet"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def test_daylight_saving_close_times_follow_the_local_clock(au):
    closes = session_closes(pd.DatetimeIndex(["2025-03-07", "2025-03-10"]), "16:00", "America/New_York")
    assert [f"{c:%H:%M}" for c in closes] == ["21:00", "20:00"]  # EST, then EDT


def test_a_signal_frame_gives_the_overall_rows_only(au):
    c = au.close
    frame = pd.DataFrame({"id": ["a", "b"], "asset": "gold", "direction": ["bullish", "neutral"], "score": [0.5, 0.0],
                          "published_at": pd.to_datetime([f"{c.index[2]:%Y-%m-%d}T01:00:00Z"] * 2, utc=True), "error": None})
    out = event_study(frame, au, "gold", horizons=[1])
    assert list(out.rule) == ["ALL"] and out.n.iloc[0] == 1 and out.bullish.iloc[0] == 1  # neutral is not directional
    assert out.hit_rate.iloc[0] == float(c.iloc[3] > c.iloc[2])


def test_excluding_reported_moves_recomputes_the_overall_view(au):
    c = au.close
    at = f"{c.index[4]:%Y-%m-%d}T10:00:00+08:00"
    frame = evidence(("a", at, "move.up", "bullish"), ("a", at, "view.bear", "bearish"), ("b", at, "move.up", "bullish"))
    frame = frame.assign(basis=frame["rule"].map({"move.up": "reported", "view.bear": "explicit"}), counted=True,
                         net_direction="bullish")
    both = event_study(frame, au, "gold", horizons=[1], unit="signal").set_index("rule")
    assert both.loc["ALL", "bullish"] == 2 and "move.up" in both.index
    views = event_study(frame, au, "gold", horizons=[1], unit="signal", exclude_basis=["reported"]).set_index("rule")
    assert list(views.index) == ["ALL", "view.bear"]
    assert views.loc["ALL", "bearish"] == 1 and views.loc["ALL", "signals"] == 1  # b had only a reported move


def test_asset_aliases_are_accepted_and_unknown_assets_refused(news):
    args = ["study", str(news), "--prices", str(PRICES / "au-daily.csv"), "--format", "json", "--asset"]
    by_alias = CliRunner().invoke(app, [*args, "XAU"])
    assert by_alias.exit_code == 0, by_alias.output
    assert {r["asset"] for r in json.loads(by_alias.stdout)} == {"gold"}
    unknown = CliRunner().invoke(app, [*args, "bitcoin"])
    assert unknown.exit_code == 2 and "unknown asset 'bitcoin'" in unknown.stderr
