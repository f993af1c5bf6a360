"""Net view over time: signals -> one decayed view per asset and period.

Formula. For asset ``a`` and an instant ``t``, with the signals ``i`` of ``a`` published at
``t_i < t`` with score ``s_i`` (in [-1, 1]; 0 for a neutral signal: a range call pulls the view
towards 0, whatever lean its score keeps) and the half-life ``H``::

    w_i(t)   = 2 ** (-(t - t_i) / H)            # a signal's weight halves every H
    net(t)   = sum_i s_i * w_i(t)               # decayed sum of scores (unbounded)
    mass(t)  = sum_i w_i(t)                     # decayed number of signals
    mean(t)  = net(t) / mass(t)                 # decayed mean score, in [-1, 1]
    view(t)  = mean(t) * (1 - exp(-mass(t)))    # in [-1, 1]; fades as news dries up

``view`` has the shape of the engine's own score per document (direction of the weighted mean,
confidence growing with the weight behind it): one fresh signal of score s gives about 0.63 s,
several agreeing ones approach their mean, and with no news it decays towards 0. ``mean`` does
not fade (one old signal keeps its sign at full size); ``net`` fades but is unbounded. All three
are empty (NaN, 0) before the asset's first signal.

:func:`net_view` evaluates these at the end of every period of ``freq`` (a daily series by
default, each row "as of the end of that day, in UTC") and adds counts of what arrived during the
period: ``signals``, ``bullish``, ``bearish``, ``neutral`` (views) and ``evidence`` (rule hits
behind them). :func:`net_view_at` evaluates them at any instants, e.g. the closes of a price
series (a signal published exactly at an instant is not yet in it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import pandas as pd

NET_VIEW_COLUMNS = ["time", "asset", "view", "mean", "net", "mass", "signals", "bullish", "bearish", "neutral", "evidence"]


def _signals_of(signals: "pd.DataFrame", asset: str) -> "pd.DataFrame":
    import pandas as pd

    mine = signals[(signals["asset"] == asset).fillna(False)]
    if "error" in mine.columns:
        mine = mine[mine["error"].isna()]
    when = pd.to_datetime(mine["published_at"], utc=True)
    mine = mine.assign(published_at=when)[when.notna()]
    return mine.sort_values("published_at", kind="stable")


def net_view_at(signals: "pd.DataFrame", asset: str, times: "pd.DatetimeIndex | Iterable", half_life: str = "3D") -> "pd.DataFrame":
    """``view``, ``mean``, ``net`` and ``mass`` of one asset at each of ``times`` (tz-aware or UTC)."""
    import numpy as np
    import pandas as pd

    h = pd.Timedelta(half_life).value
    if h <= 0:
        raise ValueError(f"half_life must be positive, not {half_life!r}")
    times = pd.DatetimeIndex(pd.to_datetime(times, utc=True)).astype("datetime64[ns, UTC]")
    mine = _signals_of(signals, asset)
    # nanoseconds as Python ints: exact, and no overflow between times more than 292 years apart
    # (int64 differences wrapped there, and every later view was inf)
    t_i = mine["published_at"].astype("datetime64[ns, UTC]").to_numpy(dtype="datetime64[ns]").view("int64").tolist()
    s_i = mine["score"].to_numpy(dtype="float64")
    if "direction" in mine.columns:  # a neutral view is a range call: it counts, at score 0
        s_i = np.where((mine["direction"] == "neutral").to_numpy(dtype=bool), 0.0, s_i)
    q = times.asi8.tolist()
    order = np.argsort(q, kind="stable")
    net = np.zeros(len(q))
    mass = np.zeros(len(q))
    # one pass over signals and instants in time order; the running sums are kept as of the last
    # signal and decayed forward, so no weight ever grows (no overflow over long histories)
    run_net = run_mass = 0.0
    last = None
    j = 0
    for k in order:
        while j < len(t_i) and t_i[j] < q[k]:
            if last is not None:
                d = 2.0 ** (-float(t_i[j] - last) / h)
                run_net, run_mass = run_net * d, run_mass * d
            run_net += s_i[j]
            run_mass += 1.0
            last = t_i[j]
            j += 1
        if last is not None:
            d = 2.0 ** (-float(q[k] - last) / h)
            net[k], mass[k] = run_net * d, run_mass * d
    mean = np.where(mass > 0, net / np.where(mass > 0, mass, 1.0), np.nan)
    view = mean * -np.expm1(-mass)
    return pd.DataFrame({"view": view, "mean": mean, "net": net, "mass": mass}, index=times)


def net_view(
    signals: "pd.DataFrame",
    freq: str = "D",
    half_life: str = "3D",
    assets: Iterable[str] | None = None,
    start: object = None,
    end: object = None,
) -> "pd.DataFrame":
    """A long frame, one row per (period, asset): see the module doc for the formula.

    ``signals`` is a per-signal frame (``evaluate_frame(df)``): ``published_at``, ``asset``,
    ``direction``, ``score`` and optionally ``n_evidence``. ``time`` is the period's start (UTC);
    the view is measured at its end. Periods run from ``start`` (default: the first signal's) to
    ``end`` (default: the last signal's), so quiet periods show the view decaying.
    """
    import numpy as np
    import pandas as pd

    ok = signals[signals["error"].isna()] if "error" in signals.columns else signals
    ok = ok.assign(published_at=pd.to_datetime(ok["published_at"], utc=True))
    ok = ok[ok["published_at"].notna()]
    wanted = list(assets) if assets is not None else sorted(ok["asset"].dropna().unique())
    if ok.empty and (start is None or end is None):
        return _empty()
    lo = _utc(start) if start is not None else ok["published_at"].min()
    hi = _utc(end) if end is not None else ok["published_at"].max()
    _check_periods(ok, lo, hi, freq, start is None, end is None)
    try:
        periods, ends = _grid(lo, hi, freq)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"freq {freq!r}: {exc}") from None
    if periods.empty:
        return _empty()
    frames = []
    for asset in wanted:
        mine = _signals_of(ok, asset)
        at = net_view_at(mine, asset, ends, half_life)
        bucket = _bucket(mine["published_at"], freq)
        counts = pd.DataFrame({
            "signals": mine.groupby(bucket).size(),
            "bullish": (mine["direction"] == "bullish").groupby(bucket).sum(),
            "bearish": (mine["direction"] == "bearish").groupby(bucket).sum(),
            "neutral": (mine["direction"] == "neutral").groupby(bucket).sum(),
            "evidence": (mine["n_evidence"] if "n_evidence" in mine.columns else pd.Series(1, index=mine.index)).groupby(bucket).sum(),
        }).reindex(periods).fillna(0).astype("int64")
        frames.append(pd.DataFrame({
            "time": periods, "asset": asset, "view": at["view"].to_numpy(), "mean": at["mean"].to_numpy(),
            "net": at["net"].to_numpy(),
            "mass": at["mass"].to_numpy(), **{c: counts[c].to_numpy() for c in counts.columns},
        }))
    if not frames:
        return _empty()
    out = pd.concat(frames, ignore_index=True)
    out["asset"] = out["asset"].astype("string")
    out["time"] = out["time"].astype("datetime64[ns, UTC]")
    for col in ("view", "mean"):
        out[col] = out[col].astype("float64").where(out["mass"] > 0, np.nan)
    return out[NET_VIEW_COLUMNS]


# Periods of one series: every asset gets a row per period, so the span and the frequency decide
# the memory (about 100 bytes a row): a million periods is a minute series of two years, a daily
# one of 2,700 years. Past it, net_view refuses with the records at the ends of the span.
MAX_PERIODS = 1_000_000


def _check_periods(ok: "pd.DataFrame", lo: "pd.Timestamp", hi: "pd.Timestamp", freq: str, first: bool, last: bool) -> None:
    """A ValueError when ``lo``..``hi`` holds more than MAX_PERIODS periods of ``freq``, naming the
    records at the ends of the span (an outlier date such as 1700 is the usual cause)."""
    import pandas as pd

    try:
        if _fixed(freq):
            length = pd.tseries.frequencies.to_offset(freq).nanos
        else:  # a calendar period: its shortest instance (a February, a week)
            p = pd.Period("2025-02-01", freq=freq)
            length = ((p + 1).start_time - p.start_time).value
    except (ValueError, TypeError):
        return  # not a frequency: _grid says so
    n = (int(hi.value) - int(lo.value)) // max(int(length), 1) + 1
    if n <= MAX_PERIODS:
        return

    def named(at: "pd.Timestamp") -> str:
        rows = ok[ok["published_at"] == at]
        rid = rows["id"].iloc[0] if "id" in rows.columns and len(rows) else None
        return f"{at.isoformat()}" + (f" (record {rid!r})" if rid is not None else "")

    ends = (named(lo) if first else lo.isoformat()) + " to " + (named(hi) if last else hi.isoformat())
    raise ValueError(f"--freq {freq} from {ends} makes {n:,} periods per asset; the limit is {MAX_PERIODS:,}: "
                     "give a longer --freq, or leave out records dated far from the others")


def _fixed(freq: str) -> bool:
    """True for fixed-length periods (D, h, 15min), False for calendar ones (W, M, Q)."""
    import pandas as pd

    try:
        pd.tseries.frequencies.to_offset(freq).nanos
        return True
    except ValueError:
        return False


def _grid(lo: "pd.Timestamp", hi: "pd.Timestamp", freq: str) -> tuple["pd.DatetimeIndex", "pd.DatetimeIndex"]:
    """Period starts and ends (UTC) covering lo..hi."""
    import pandas as pd

    if _fixed(freq):
        starts = pd.date_range(lo.floor(freq), hi.floor(freq), freq=freq)
        return starts, starts + pd.tseries.frequencies.to_offset(freq)
    spans = pd.period_range(lo.tz_convert(None), hi.tz_convert(None), freq=freq)
    return spans.start_time.tz_localize("UTC"), (spans + 1).start_time.tz_localize("UTC")


def _bucket(times: "pd.Series", freq: str) -> "pd.Series":
    """The start of the period each time falls in."""
    if _fixed(freq):
        return times.dt.floor(freq)
    return times.dt.tz_convert(None).dt.to_period(freq).dt.start_time.dt.tz_localize("UTC")


def _utc(value: object) -> "pd.Timestamp":
    import pandas as pd

    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _empty() -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame({
        "time": pd.Series([], dtype="datetime64[ns, UTC]"), "asset": pd.Series([], dtype="string"),
        **{c: pd.Series([], dtype="float64") for c in ("view", "mean", "net", "mass")},
        **{c: pd.Series([], dtype="int64") for c in ("signals", "bullish", "bearish", "neutral", "evidence")},
    })[NET_VIEW_COLUMNS]
