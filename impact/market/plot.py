"""Charts for reports: the net news view of an asset against its price (matplotlib, headless).

The top panel draws the close and, on a second axis, the decayed net view (see
:mod:`impact.market.timeseries`) measured at each session's close; the strongest signals are marked at
the close of the session they count for (:func:`impact.market.prices.align_sessions`). The bottom panel
counts the bullish and bearish signals per session.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from impact.market.prices import PriceSeries, align_sessions, session_closes
from impact.market.timeseries import net_view_at

if TYPE_CHECKING:
    import pandas as pd

BULL, BEAR, PRICE = "#1a9850", "#d73027", "#263238"


def asset_title(asset: str) -> str:
    """An asset id as a chart names it: a ticker-like id in capitals (usd -> USD), a word capitalised (gold -> Gold)."""
    return asset.upper() if len(asset) <= 3 else asset.capitalize()


def timeline(
    signals: "pd.DataFrame",
    prices: PriceSeries,
    asset: str,
    out: str | Path,
    half_life: str = "3D",
    top: int = 8,
    title: str | None = None,
    price_label: str | None = None,
    close_time: str = "15:00",
    tz: str = "Asia/Shanghai",
    pad_sessions: int = 5,
    dpi: int = 110,
) -> str:
    """Write the chart to ``out`` (format from its suffix); returns a one-line summary."""
    from impact.extras import require

    require("plot", "a chart (impact timeline)")
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    import numpy as np
    import pandas as pd
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    mine = signals[(signals["asset"] == asset).fillna(False)]
    if "error" in mine.columns:
        mine = mine[mine["error"].isna()]
    mine = mine[mine["published_at"].notna()]
    close = prices.close
    closes_utc = session_closes(close.index, close_time, tz)
    session = align_sessions(mine["published_at"], closes_utc).to_numpy()
    mine = mine.assign(session=session)[session >= 0]
    if mine.empty:
        raise ValueError(f"no {asset} signal falls within the price series {prices.path}")
    lo = max(0, int(mine["session"].min()) - pad_sessions)
    hi = min(len(close) - 1, int(mine["session"].max()) + pad_sessions)
    px = close.iloc[lo : hi + 1]
    view = net_view_at(mine, asset, closes_utc[lo : hi + 1], half_life)["view"].fillna(0.0).to_numpy()
    dates = px.index

    per_session = mine.groupby("session")
    bull = per_session.apply(lambda g: int((g["direction"] == "bullish").sum()), include_groups=False)
    bear = per_session.apply(lambda g: int((g["direction"] == "bearish").sum()), include_groups=False)
    strongest = _strongest(mine, top, gap=max(2, (hi - lo + 1) // (2 * max(top, 1))))

    plt.rcParams.update({"font.size": 9.5, "axes.titlesize": 12, "axes.spines.top": False})
    fig, (ax, axc) = plt.subplots(2, 1, figsize=(11, 6.4), sharex=True, gridspec_kw={"height_ratios": [3.2, 1], "hspace": 0.06})
    axv = ax.twinx()
    axv.set_zorder(ax.get_zorder() - 1)  # the view's area behind the price line
    ax.patch.set_visible(False)
    # the view measured at a close holds until the next close: post steps, split by sign
    axv.fill_between(dates, 0, np.clip(view, 0, None), color=BULL, alpha=0.2, step="post", linewidth=0)
    axv.fill_between(dates, 0, np.clip(view, None, 0), color=BEAR, alpha=0.2, step="post", linewidth=0)
    axv.step(dates, view, where="post", color="#555555", linewidth=0.8, alpha=0.8)
    axv.axhline(0, color="#999999", linewidth=0.6)
    axv.set_ylim(-1.05, 1.05)
    axv.set_ylabel(f"net news view (half-life {half_life})", color="#555555")
    axv.spines["top"].set_visible(False)

    ax.plot(dates, px.to_numpy(), color=PRICE, linewidth=1.6, zorder=3)
    ax.set_ylabel(price_label or f"{asset_title(asset)} {prices.price_column.lower()}")
    ax.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    span = float(px.max() - px.min()) or float(px.max()) * 0.01
    # markers are numbered in date order; the key under the chart names rule and score, so no
    # label ever covers the price line or another label
    key = []
    for number, r in enumerate(strongest.sort_values(["session", "strength"]).itertuples(), start=1):
        d = close.index[int(r.session)]
        y = float(close.iloc[int(r.session)])
        up = r.direction == "bullish"
        colour = BULL if up else BEAR if r.direction == "bearish" else "#777777"
        ax.scatter([d], [y], marker="^" if up else "v" if r.direction == "bearish" else "o", s=70, color=colour,
                   edgecolor="white", linewidth=0.8, zorder=5)
        ax.annotate(str(number), (d, y), xytext=(0, 8 if up else -9), textcoords="offset points", ha="center",
                    va="bottom" if up else "top", fontsize=8, fontweight="bold", color=colour, zorder=6)
        key.append((colour, f"{number}  {d:%d %b}  {r.direction:<7}  {r.score:+.2f}  {r.top_rule or ''}"))
    ax.set_ylim(float(px.min()) - 0.12 * span, float(px.max()) + 0.12 * span)

    x = close.index[bull.index.to_numpy()]
    axc.bar(x, bull.to_numpy(), color=BULL, width=0.8, label="bullish")
    axc.bar(x, -bear.to_numpy(), color=BEAR, width=0.8, label="bearish")
    axc.axhline(0, color="#999999", linewidth=0.6)
    axc.set_ylabel("signals\nper session")
    axc.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    axc.grid(axis="y", color="#e0e0e0", linewidth=0.6)
    locator = mdates.AutoDateLocator(minticks=6, maxticks=12)
    axc.xaxis.set_major_locator(locator)
    axc.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, offset_formats=["", "%Y", "%b %Y", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"]))
    axc.set_xlim(dates[0] - pd.Timedelta(days=1), dates[-1] + pd.Timedelta(days=1))

    handles = [
        Line2D([], [], color=PRICE, linewidth=1.6, label="close"),
        Patch(facecolor=BULL, alpha=0.3, label="net view > 0 (bullish)"),
        Patch(facecolor=BEAR, alpha=0.3, label="net view < 0 (bearish)"),
        Line2D([], [], marker="^", linestyle="", color=BULL, markersize=7, label="strongest bullish signals"),
        Line2D([], [], marker="v", linestyle="", color=BEAR, markersize=7, label="strongest bearish signals"),
    ]
    n_docs = mine["id"].nunique()
    first, last = dates[0], dates[-1]
    fig.text(0.125, 0.995, title or f"{asset_title(asset)}: net news view against the price", fontweight="bold",
             fontsize=13, va="top", ha="left")
    fig.text(0.125, 0.955, f"{len(mine):,} {asset} signals from {n_docs:,} documents, {first:%d %b %Y} - {last:%d %b %Y}.\n"
             f"News counts for the first close after it ({close_time} {tz}); markers sit at that close, numbered "
             "in the key below.", fontsize=8, color="#555555", va="top", ha="left", linespacing=1.4)
    fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.12, 0.905), ncols=5, fontsize=8, frameon=False,
               handlelength=1.6, columnspacing=1.4)
    fig.subplots_adjust(top=0.855)
    if key:
        rows = (len(key) + 1) // 2
        for i, (colour, line) in enumerate(key):
            column, row = divmod(i, rows)
            fig.text(0.125 + 0.4 * column, 0.01 - 0.028 * row, line, fontsize=7.5, color=colour, va="top", ha="left",
                     family="monospace")
        fig.text(0.125, 0.045, "Strongest signals (marker number, session, view, score, top rule):", fontsize=8,
                 color="#555555", va="top", ha="left")
    try:
        _save_atomically(fig, Path(out), dpi)
    finally:
        plt.close(fig)
    return f"{len(px)} sessions, {len(mine)} signals, {len(strongest)} marked"


def _strongest(mine: "pd.DataFrame", top: int, gap: int) -> "pd.DataFrame":
    """The strongest signals by |score|, half bullish and half bearish when there are both, one
    per session and at least ``gap`` sessions apart, so the marks spread over the chart instead
    of piling up on one busy week."""

    ranked = mine.assign(strength=mine["score"].abs()).sort_values("strength", ascending=False, kind="stable")
    bull, bear = ranked[ranked["direction"] != "bearish"], ranked[ranked["direction"] == "bearish"]
    quota = {True: max(top - top // 2, top - len(bear)), False: max(top // 2, top - len(bull))}
    chosen: list = []
    taken: list[int] = []
    for side, part in ((True, bull), (False, bear)):
        n = 0
        for index, session in zip(part.index, part["session"].to_numpy()):
            if n >= quota[side]:
                break
            if all(abs(int(session) - t) >= gap for t in taken):
                chosen.append(index)
                taken.append(int(session))
                n += 1
    return ranked.loc[chosen] if chosen else ranked.iloc[:0]


def _save_atomically(fig, out: Path, dpi: int) -> None:
    """The chart written beside ``out`` and moved over it when complete: a failed or stopped run
    leaves an existing file as it was and no partial file behind. The format is the suffix's."""
    import os
    import tempfile

    from matplotlib import rcParams

    fmt = out.suffix.lstrip(".").lower() or rcParams["savefig.format"]
    target = Path(os.path.realpath(out)) if out.is_symlink() else out
    fd, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "wb") as handle:
            fig.savefig(handle, format=fmt, dpi=dpi, bbox_inches="tight")
        if target.exists():
            os.chmod(partial, target.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(partial, 0o666 & ~umask)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
