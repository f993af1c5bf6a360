"""``impact study``, ``impact aggregate``, ``impact timeline``: signals against time and prices.

Each takes news (JSONL/CSV/Parquet with ``id, text, published_at``, evaluated here) or a file
that ``impact evaluate`` already wrote (its JSONL, CSV or Parquet output), which skips the engine.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Optional

import typer

from impact.cli.common import (
    RULES_OPTION,
    check_writable,
    handle_errors,
    plural,
    progress,
    replacing_output,
    stderr,
    write_out,
)


class TableFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"


class Unit(str, Enum):
    session = "session"
    signal = "signal"


RULES_OPT = RULES_OPTION
QUIET_OPT = typer.Option(False, "--quiet", "-q", help="no progress bar, no notes on stderr")
DEBUG_OPT = typer.Option(False, "--debug", help="show tracebacks")
NEWS_ARG = typer.Argument(..., help="news (JSONL/CSV/Parquet: id, text, published_at) or what `impact evaluate` wrote (any of its formats)")
PRICES_OPT = typer.Option(..., "--prices", "-p", help="daily price CSV (separator and columns detected)")
PRICE_COL_OPT = typer.Option(None, "--price-column", help="price column (default: close/Close/value/price/...)")
DATE_COL_OPT = typer.Option(None, "--date-column", help="date column (default: date/Date/日期/...)")
SEP_OPT = typer.Option(None, "--separator", help="CSV separator (default: detected among , ; tab |)")


def _close_time(value: str) -> str:
    from impact.errors import InputError
    from impact.market.prices import parse_close_time

    try:
        parse_close_time(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


def _time_zone(value: str) -> str:
    """A time zone name pandas knows (Asia/Shanghai, America/New_York, UTC)."""
    import pandas as pd

    try:
        pd.Timestamp("2025-01-01").tz_localize(value)
    except Exception:  # pytz, zoneinfo and dateutil each raise their own kind for unknown names
        raise typer.BadParameter(f"{value!r} is not a time zone; e.g. Asia/Shanghai, America/New_York, UTC") from None
    return value


CLOSE_OPT = typer.Option("15:00", "--close-time", callback=_close_time,
                         help="the session's close, HH:MM in --tz (SHFE day session: 15:00)")
TZ_OPT = typer.Option("Asia/Shanghai", "--tz", callback=_time_zone, help="time zone of --close-time")
NEWS_TZ_HELP = "time zone of news published_at times without one (e.g. Asia/Shanghai); default UTC, with a warning"
# study and timeline: --tz is the zone of the close; the zone of naive news times is --news-tz
NEWS_TZ_OPT = typer.Option(None, "--news-tz", metavar="ZONE", help=NEWS_TZ_HELP)


def _duration(value: str) -> str:
    """A positive pandas Timedelta (12h, 3D), checked when the options are read."""
    import pandas as pd

    try:
        positive = pd.Timedelta(value) > pd.Timedelta(0)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a duration; e.g. 12h, 3D, 2W") from None
    if not positive:
        raise typer.BadParameter(f"{value!r}: a duration must be positive")
    return value


def _frequency(value: str) -> str:
    """A positive pandas frequency (D, W, h, or a calendar period M, Q, Y), checked when the options
    are read: what net_view takes, an offset or a period frequency."""
    import pandas as pd
    from pandas.tseries.frequencies import to_offset

    try:
        offset = to_offset(value)
    except ValueError:
        try:
            offset = pd.Period("2025-01-01", freq=value).freq
        except (ValueError, TypeError):
            raise typer.BadParameter(f"{value!r} is not a pandas frequency; e.g. D, W, h, M") from None
    if offset.n <= 0:
        raise typer.BadParameter(f"{value!r}: a period must be positive")
    return value


def _bases(values: Optional[list[str]]) -> Optional[list[str]]:
    from impact.pipeline.resolve import BASIS

    for value in values or ():
        if value not in BASIS:
            raise typer.BadParameter(f"{value!r} is no basis; bases: {', '.join(sorted(BASIS))}")
    return values


def _not_the_input(output: str, *inputs: str) -> None:
    """Refuse an --output that is one of the command's input files (it would be replaced)."""
    import os

    from impact.errors import InputError

    for path in inputs:
        if path != "-" and os.path.exists(path) and os.path.exists(output) and os.path.samefile(path, output):
            raise InputError(f"--output {output} is the input file {path}; write the results elsewhere")


def _output_format(format: TableFormat, output: Optional[str]) -> TableFormat:
    """The format to write: a table is for the terminal, so with --output the file's suffix
    (.json, .csv) decides unless --format says json or csv."""
    from pathlib import Path

    if output is None or format is not TableFormat.table:
        return format
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in (TableFormat.json.value, TableFormat.csv.value):
        return TableFormat(suffix)
    raise typer.BadParameter(f"{output}: a table is not written to a file; give --format json or csv, "
                             "or a file name ending in .json or .csv", param_hint="'--output'")


HALF_LIFE_OPT = typer.Option("3D", "--half-life", callback=_duration,
                             help="decay half-life of a signal's weight (pandas Timedelta: 12h, 3D)")


def load_frame(input: str, rules: Optional[list[str]], per: str, quiet: bool, engine=None, news_tz: Optional[str] = None,
               tz_option: str = "--news-tz"):
    """News or already-evaluated records -> a signal or evidence frame (see impact.io.frames); naive
    publication times of news are read in ``news_tz``, else as UTC with a one-line warning."""
    from impact.io.records import read_records
    from impact.io.results import read_evaluated
    from impact.io.frames import results_frame

    results = read_evaluated(input)
    if results is not None:
        _note(quiet, f"{input}: {len(results):,} evaluated records (the engine is not run)")
        return results_frame(results, per=per)

    import warnings

    import pandas as pd

    from impact.engine import Engine
    from impact.timezones import NaiveTimeWarning, naive_warning_line, records_in_zone, time_zone

    engine = engine or Engine.from_path(rules)
    zone = time_zone(news_tz)
    good, bad = [], 0

    def warn(rec) -> None:
        stderr().print(naive_warning_line(rec).replace("--tz", tz_option), markup=False, soft_wrap=True)

    for rec in records_in_zone(read_records(input), zone, warn):
        if rec.error is None:
            good.append({"id": rec.id, "text": rec.text, "published_at": rec.published_at})
        else:
            bad += 1
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NaiveTimeWarning)  # said above, in one line
        frame = evaluate_with_progress(engine, pd.DataFrame(good, columns=["id", "text", "published_at"]), per, quiet)
    failed = int(frame.loc[frame["error"].notna(), "id"].nunique()) if len(frame) else 0
    _note(quiet, f"{input}: {plural(len(good) + bad, 'record')}, {bad + failed:,} unreadable or failed")
    return frame


def evaluate_with_progress(engine, df, per: str, quiet: bool, chunk: int = 200):
    """``engine.evaluate_frame`` in chunks, with a progress bar on stderr when it is a terminal."""
    import pandas as pd

    if quiet or not sys.stderr.isatty() or len(df) <= chunk:
        return engine.evaluate_frame(df, per=per)
    parts = []
    with progress(len(df), quiet) as advance:
        for lo in range(0, len(df), chunk):
            part = df.iloc[lo : lo + chunk]
            parts.append(engine.evaluate_frame(part, per=per))
            advance(len(part))
    return pd.concat(parts, ignore_index=True)


def _note_undated(frame, quiet: bool, input: str, assets=None) -> None:
    """Say how many signals a series over time leaves out for want of a publication time."""
    import pandas as pd

    ok = frame[frame["error"].isna() & frame["asset"].notna()]
    if assets is not None:
        ok = ok[ok["asset"].isin(list(assets))]
    undated = int(pd.to_datetime(ok["published_at"], utc=True).isna().sum())
    if undated:
        _note(quiet, f"{input}: {undated:,} signal{'s' if undated != 1 else ''} left out: no published_at "
                     "(a series over time needs each document's publication time)")


def _note(quiet: bool, message: str) -> None:
    if not quiet:
        stderr().print(message, style="dim", markup=False, highlight=False, soft_wrap=True)


def _console():
    """Tables for stdout: never narrower than they need, even when piped (rich assumes 80 columns)."""
    from rich.console import Console

    return Console(width=max(120, Console().width))


def _horizons(text: str) -> list[int]:
    from impact.errors import InputError

    try:
        values = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise InputError(f"--horizons {text!r}: expected whole numbers of sessions, e.g. 1,5,20") from None
    if not values or values[0] < 0:
        raise InputError(f"--horizons {text!r}: expected whole numbers >= 0")
    return values


def _emit(frame, format: TableFormat, output: Optional[str]) -> None:
    if format is TableFormat.json:
        text = frame.to_json(orient="records", date_format="iso", force_ascii=False, indent=2) if len(frame) else "[]"
    elif format is TableFormat.csv:
        text = frame.to_csv(index=False)
    else:
        return
    text = text if text.endswith("\n") else text + "\n"
    if output:
        with replacing_output(output) as handle:
            handle.write(text)
    else:
        write_out(text)


@handle_errors
def study(
    input: str = NEWS_ARG,
    prices: str = PRICES_OPT,
    asset: str = typer.Option(..., "--asset", "-a", help="the asset the prices are of (gold, copper, usd, ...)"),
    horizons: str = typer.Option("1,5,20", "--horizons", help="forward horizons in sessions; 0 = the reaction in the news' own session"),
    format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="table, json or csv"),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="write json/csv here instead of stdout (with the table format: as the suffix, .json or .csv, says)"),
    price_column: Optional[str] = PRICE_COL_OPT,
    date_column: Optional[str] = DATE_COL_OPT,
    separator: Optional[str] = SEP_OPT,
    close_time: str = CLOSE_OPT,
    tz: str = TZ_OPT,
    news_tz: Optional[str] = NEWS_TZ_OPT,
    unit: Unit = typer.Option(Unit.session, "--unit", help="session: one observation per rule and session; signal: per document"),
    max_stale: str = typer.Option("7D", "--max-stale", callback=_duration,
                                  help="leave out news whose next priced session is further away"),
    min_n: int = typer.Option(1, "--min-n", help="hide rows with fewer observations"),
    exclude_basis: Optional[list[str]] = typer.Option(None, "--exclude-basis", metavar="BASIS", callback=_bases,
        help="leave out rules of this basis (repeatable): reported, inferred, explicit; ALL is recomputed"),
    rules: Optional[list[str]] = RULES_OPT,
    quiet: bool = QUIET_OPT,
    debug: bool = DEBUG_OPT,
) -> None:
    """Event study: per rule and overall, hit rate and mean forward return of the signals, beside chance."""
    from impact.ruleset.collection import canonical_asset

    from impact.errors import InputError
    from impact.market.prices import read_prices
    from impact.market.study import event_study

    from impact.engine import Engine

    steps = _horizons(horizons)
    format = _output_format(format, output)
    if output:
        _not_the_input(output, input, prices)
        check_writable(output)
    engine = Engine.from_path(rules)
    asset = canonical_asset(asset, engine.ruleset)
    series = read_prices(prices, date_column=date_column, price_column=price_column, separator=separator)
    _note(quiet, series.describe())
    frame = load_frame(input, rules, "evidence", quiet, engine, news_tz)
    try:
        out = event_study(frame, series, asset, steps, close_time=close_time, tz=tz, unit=unit.value,
                          max_stale=max_stale, min_n=min_n, exclude_basis=exclude_basis or ())
    except ValueError as exc:
        raise InputError(str(exc)) from None
    _note(quiet, f"aligned to the close at {close_time} {tz}; unit: {unit.value}; "
                 f"{out.attrs['unpriced']:,} documents with a {asset} view had no priced session")
    if out.empty:
        _note(False, f"no {asset} signal could be studied against {prices}")
    if format is TableFormat.table:
        _study_table(out, asset)
    else:
        _emit(out, format, output)


def _study_table(out, asset: str) -> None:
    import math

    from rich.table import Table

    table = Table(title=f"Event study: {asset}", title_justify="left", show_edge=False, pad_edge=False,
                  caption="hit = direction agrees with the sign of the forward return; base = the same by chance "
                          "(same direction mix, every session); mean = forward return in the signal's direction",
                  caption_justify="left")
    for name, justify in [("rule", "left"), ("basis", "left"), ("h", "right"), ("n", "right"), ("signals", "right"), ("bull/bear", "right"),
                          ("hit", "right"), ("base", "right"), ("p", "right"), ("mean", "right"), ("base mean", "right"),
                          ("t", "right")]:
        table.add_column(name, justify=justify, no_wrap=name != "rule")
    fmt = lambda v, spec: "" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, spec)  # noqa: E731
    last = None
    for r in out.itertuples():
        if last is not None and r.rule != last:
            table.add_section()
        last = r.rule
        table.add_row(str(r.rule), "" if r.basis is None or r.basis != r.basis else str(r.basis), str(r.horizon), str(r.n), str(r.signals), f"{r.bullish}/{r.bearish}",
                      fmt(r.hit_rate, ".0%"), fmt(r.base_rate, ".0%"), ("<0.001" if r.p_value < 0.001 else fmt(r.p_value, ".3f")),
                      fmt(r.mean_return * 100, "+.2f") + "%", fmt(r.base_return * 100, "+.2f") + "%", fmt(r.t_stat, "+.1f"))
    _console().print(table)


@handle_errors
def aggregate(
    input: str = NEWS_ARG,
    asset: Optional[list[str]] = typer.Option(None, "--asset", "-a", metavar="ASSET", help="only these assets (repeatable)"),
    freq: str = typer.Option("D", "--freq", callback=_frequency, help="period of the series (pandas frequency: D, W, h)"),
    half_life: str = HALF_LIFE_OPT,
    format: TableFormat = typer.Option(TableFormat.table, "--format", "-f", help="table, json or csv"),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="write json/csv here instead of stdout (with the table format: as the suffix, .json or .csv, says)"),
    news_tz: Optional[str] = typer.Option(None, "--tz", metavar="ZONE", help=NEWS_TZ_HELP),
    rules: Optional[list[str]] = RULES_OPT,
    quiet: bool = QUIET_OPT,
    debug: bool = DEBUG_OPT,
) -> None:
    """Net view over time: per asset and period, the exponentially decayed view and the counts behind it."""
    from impact.ruleset.collection import canonical_asset

    from impact.errors import InputError
    from impact.market.timeseries import net_view

    from impact.engine import Engine

    format = _output_format(format, output)
    if output:
        _not_the_input(output, input)
        check_writable(output)
    engine = Engine.from_path(rules)
    wanted = [canonical_asset(a, engine.ruleset) for a in asset] if asset else None
    frame = load_frame(input, rules, "signal", quiet, engine, news_tz, "--tz")
    _note_undated(frame, quiet, input, wanted)
    try:
        out = net_view(frame, freq=freq, half_life=half_life, assets=wanted)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if format is not TableFormat.table:
        _emit(out, format, output)
        return
    from rich.table import Table

    table = Table(title=f"Net view, half-life {half_life}, per {freq} (measured at the end of each period)",
                  title_justify="left", show_edge=False, pad_edge=False)
    for name in ("period", "asset", "view", "mean", "net", "signals", "bull", "bear", "neutral", "evidence"):
        table.add_column(name, justify="left" if name in ("period", "asset") else "right")
    for r in out.sort_values(["asset", "time"], kind="stable").itertuples():
        colour = "green" if r.view > 0.05 else "red" if r.view < -0.05 else "default"
        view = "" if r.view != r.view else f"[{colour}]{r.view:+.2f}[/]"
        table.add_row(f"{r.time:%Y-%m-%d %H:%M}" if freq.lower().endswith("h") else f"{r.time:%Y-%m-%d}", str(r.asset),
                      view, "" if r.mean != r.mean else f"{r.mean:+.2f}", f"{r.net:+.2f}", str(r.signals), str(r.bullish), str(r.bearish), str(r.neutral), str(r.evidence))
    _console().print(table)


@handle_errors
def timeline(
    input: str = NEWS_ARG,
    prices: str = PRICES_OPT,
    asset: str = typer.Option(..., "--asset", "-a", help="the asset the prices are of"),
    out: str = typer.Option(..., "--out", "-o", help="image file to write (.png, .svg, .pdf)"),
    half_life: str = HALF_LIFE_OPT,
    top: int = typer.Option(8, "--top", min=0, help="mark this many of the strongest signals"),
    title: Optional[str] = typer.Option(None, "--title", help="chart title"),
    price_label: Optional[str] = typer.Option(None, "--price-label", help="y-axis label of the price (default: the file and column)"),
    price_column: Optional[str] = PRICE_COL_OPT,
    date_column: Optional[str] = DATE_COL_OPT,
    separator: Optional[str] = SEP_OPT,
    close_time: str = CLOSE_OPT,
    tz: str = TZ_OPT,
    news_tz: Optional[str] = NEWS_TZ_OPT,
    rules: Optional[list[str]] = RULES_OPT,
    quiet: bool = QUIET_OPT,
    debug: bool = DEBUG_OPT,
) -> None:
    """Plot the net view against the price, with markers for the strongest signals."""
    from impact.ruleset.collection import canonical_asset

    from impact.errors import InputError
    from impact.market.plot import timeline as draw
    from impact.market.prices import read_prices

    from impact.engine import Engine

    from impact.extras import require

    require("plot", "impact timeline")  # before the batch is read: say so at once
    check_writable(out)
    engine = Engine.from_path(rules)
    asset = canonical_asset(asset, engine.ruleset)
    series = read_prices(prices, date_column=date_column, price_column=price_column, separator=separator)
    _note(quiet, series.describe())
    frame = load_frame(input, rules, "signal", quiet, engine, news_tz)
    _note_undated(frame, quiet, input, [asset])
    try:
        summary = draw(frame, series, asset, out, half_life=half_life, top=top, title=title,
                       price_label=price_label, close_time=close_time, tz=tz)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    _note(quiet, f"wrote {out}: {summary}")
