"""The timeline chart: it renders headless from news and a price file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from conftest import FIXTURES
from impact.cli import app


def test_timeline_command_writes_a_png(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"id": 1, "text": "分析师表示，金价短期内有望继续上涨。", "published_at": "2025-09-17T02:00:00Z"},
        {"id": 2, "text": "美元走强，金价承压下跌。", "published_at": "2025-09-24T02:00:00Z"},
        {"id": 3, "text": "Gold prices rose as safe-haven demand picked up.", "published_at": "2025-10-04T02:00:00Z"},
    ]) + "\n", encoding="utf-8")
    out = tmp_path / "gold.png"
    result = CliRunner().invoke(app, ["timeline", str(news), "--prices", str(FIXTURES / "prices" / "au-daily.csv"),
                                      "--asset", "gold", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and out.stat().st_size > 10_000


def test_timeline_without_signals_in_the_price_window_is_an_input_error(tmp_path):
    news = tmp_path / "news.jsonl"
    news.write_text(json.dumps({"id": 1, "text": "金价上涨。", "published_at": "2030-01-01"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["timeline", str(news), "--prices", str(FIXTURES / "prices" / "au-daily.csv"),
                                      "--asset", "gold", "--out", str(tmp_path / "x.png")])
    assert result.exit_code == 2 and "no gold signal" in result.output


def test_titles_name_the_asset_as_a_reader_does_and_labels_come_from_the_data(tmp_path):
    import matplotlib

    from impact import Engine
    from impact.market.plot import timeline
    from impact.market.prices import read_prices

    import pandas as pd

    news = pd.DataFrame([
        {"id": "1", "text": "美元走强，金价承压下跌。", "published_at": "2025-09-17T02:00:00Z"},
        {"id": "2", "text": "The dollar weakened broadly after soft US data.", "published_at": "2025-09-24T02:00:00Z"},
    ])
    signals = Engine.from_path().evaluate_frame(news)
    out = tmp_path / "usd.svg"
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # text stays text in the SVG
        timeline(signals, read_prices(str(FIXTURES / "prices" / "dxy-daily-weekends.csv")), "usd", out)
    svg = out.read_text(encoding="utf-8")
    assert "USD: net news view against the price" in svg and "Usd" not in svg
    assert "USD value" in svg and "dxy-daily-weekends" not in svg
