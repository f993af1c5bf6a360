"""Event study: do the signals predict the sign of the forward return? Per rule and overall.

Input is an evidence frame (``evaluate_frame(..., per="evidence")``) or a signal frame, a daily
price series and an asset. Every statistic stands beside what chance would give:

* **Alignment.** A signal counts for the first session whose close is strictly after its
  publication time (:func:`impact.market.prices.align_sessions`): news after the close, on a weekend or a
  holiday counts for the next trading session; news where the series has no price nearby
  (``max_stale``) is left out and counted as ``unpriced``.
* **Forward return** at horizon ``h`` >= 1: ``close[t0 + h] / close[t0] - 1``, from the close of
  the session the news counts for, the first close at which one could have acted on it, so no
  look-ahead. ``h = 0`` is the reaction in that session, ``close[t0] / close[t0 - 1] - 1``: it
  says whether the rule read the news the way the market did, not whether it can be traded.
* **Observations.** ``unit="session"`` (default): the signals of one rule that count for the same
  session share one forward return, so they make one observation, with the sign of their summed
  directions (ties dropped). ``unit="signal"`` counts every document, which overstates ``n``
  when news clusters. ``signals`` always reports the raw count. Rule rows use the rule's own
  direction; the ``ALL`` row uses the document's net view. Neutral views are not directional
  and are left out. ``basis`` says whether a rule reads an explicit analyst view, infers one from
  a driver, or reports a move that already happened (whose ``h = 0`` hits are description, not
  foresight).
* **Statistics.** ``hit_rate`` = share of observations whose direction has the sign of the
  forward return (a zero return is no hit). ``base_rate`` = the hit rate of random timing with
  the same mix of directions: ``f_bull * P(r > 0) + f_bear * P(r < 0)`` over every session of the
  study window (first to last session with a signal). ``p_value`` = exact two-sided binomial test
  of the hits against ``base_rate``. ``mean_return`` = mean return in the signal's direction
  (``+r`` for bullish, ``-r`` for bearish); ``base_return`` = ``(f_bull - f_bear) * mean(r)``
  over the window; ``t_stat`` = ``(mean_return - base_return) / (sd / sqrt(n))``.

Caveats the numbers do not remove: for ``h > 1`` the forward windows of neighbouring sessions
overlap, so observations are not independent and ``t_stat``/``p_value`` are too optimistic;
dozens of rules tested at once will produce some small p-values by chance; continuous futures
series jump at contract rolls.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Iterable, Sequence

from impact.market.prices import PriceSeries, align_sessions, session_closes

if TYPE_CHECKING:
    import pandas as pd

ALL = "ALL"
STUDY_COLUMNS = ["rule", "basis", "asset", "horizon", "n", "signals", "bullish", "bearish", "hit_rate", "base_rate",
                 "p_value", "mean_return", "base_return", "t_stat"]
_SIGN = {"bullish": 1, "bearish": -1}


def observations(frame: "pd.DataFrame", asset: str, exclude_basis: Iterable[str] = ()) -> "pd.DataFrame":
    """Directional observations ``(rule, id, published_at, sign)`` of one asset; ``ALL`` for net views.

    ``frame`` is an evidence frame (rule rows and ``ALL`` rows) or a signal frame (``ALL`` only).
    A rule that speaks twice in one document counts once there, with the sign of its summed
    weighted directions. ``exclude_basis`` (evidence frames only) drops the evidence of rules of
    that basis, e.g. ``reported``; ``ALL`` is then the sign of the remaining counted weights.
    """
    import numpy as np
    import pandas as pd

    cols = ["rule", "id", "published_at", "sign"]
    if frame.empty or "asset" not in frame.columns:
        return pd.DataFrame(columns=cols)
    mine = frame[(frame["asset"] == asset).fillna(False)]
    if "error" in mine.columns:
        mine = mine[mine["error"].isna()]
    parts = []
    if "rule" in mine.columns:  # evidence frame
        excluded = set(exclude_basis)
        hits = mine.assign(w=mine["direction"].map(_SIGN).astype("float64") * mine["weight"].fillna(1.0))
        if excluded:
            hits = hits[~hits["basis"].isin(excluded).fillna(False)]
            counted = hits[hits["counted"].fillna(True).astype(bool)]
            net = counted.groupby("id", sort=False).agg(published_at=("published_at", "first"), w=("w", "sum")).reset_index()
            net = net.assign(rule=ALL, sign=np.sign(net["w"].fillna(0.0)))
        else:
            net = mine.drop_duplicates(["id", "asset"])[["id", "published_at", "net_direction"]]
            net = net.assign(rule=ALL, sign=net["net_direction"].map(_SIGN))
        parts.append(net)
        per_doc = hits.groupby(["rule", "id"], sort=False, dropna=False).agg(
            published_at=("published_at", "first"), w=("w", "sum")).reset_index()
        per_doc["sign"] = np.sign(per_doc["w"].fillna(0.0))
        parts.append(per_doc)
    else:  # signal frame
        parts.append(mine.assign(rule=ALL, sign=mine["direction"].map(_SIGN))[["rule", "id", "published_at", "sign"]])
    out = pd.concat([p[cols] for p in parts], ignore_index=True)
    out = out[out["sign"].notna() & (out["sign"] != 0)]
    return out.astype({"sign": "int64", "rule": "string"}).reset_index(drop=True)


def _basis_of_rules(frame: "pd.DataFrame", asset: str) -> dict[str, str]:
    """Each rule's basis (explicit, inferred, reported) from an evidence frame; {} for a signal frame."""
    if "rule" not in frame.columns or "basis" not in frame.columns or frame.empty:
        return {}
    mine = frame[(frame["asset"] == asset).fillna(False)].dropna(subset=["rule", "basis"])
    return dict(zip(mine["rule"], mine["basis"]))


def forward_returns(close: "pd.Series", horizons: Sequence[int]) -> "pd.DataFrame":
    """Per session position, the forward return at each horizon (NaN where the series ends)."""
    import numpy as np
    import pandas as pd

    c = close.to_numpy(dtype="float64")
    out = {}
    for h in horizons:
        r = np.full(len(c), np.nan)
        if h == 0:
            r[1:] = c[1:] / c[:-1] - 1.0
        elif h < len(c):
            r[:-h] = c[h:] / c[:-h] - 1.0
        out[h] = r
    return pd.DataFrame(out)


def binomial_p_value(hits: int, n: int, p: float) -> float:
    """Exact two-sided binomial test: P(outcomes at most as likely as ``hits`` | n, p)."""
    if n == 0:
        return float("nan")
    if p <= 0.0 or p >= 1.0:
        return 1.0 if (hits == 0 and p <= 0.0) or (hits == n and p >= 1.0) else 0.0
    lp, lq = math.log(p), math.log1p(-p)

    def logpmf(k: int) -> float:
        return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1) + k * lp + (n - k) * lq

    ref = logpmf(hits) + 1e-7
    total = sum(math.exp(logpmf(k)) for k in range(n + 1) if logpmf(k) <= ref)
    return min(1.0, total)


def event_study(
    frame: "pd.DataFrame",
    prices: "PriceSeries | pd.Series",
    asset: str,
    horizons: Iterable[int] = (1, 5, 20),
    close_time: str = "15:00",
    tz: str = "Asia/Shanghai",
    unit: str = "session",
    max_stale: str = "7D",
    min_n: int = 1,
    exclude_basis: Iterable[str] = (),
) -> "pd.DataFrame":
    """One row per (rule, horizon), ``ALL`` first, then rules by ``n``; see the module doc.

    ``frame.attrs`` of the result carries ``unpriced`` (signals with no session) and the
    alignment used.
    """
    import numpy as np
    import pandas as pd

    if unit not in ("session", "signal"):
        raise ValueError(f"unit must be 'session' or 'signal', not {unit!r}")
    horizons = sorted({int(h) for h in horizons})
    if not horizons or horizons[0] < 0:
        raise ValueError("horizons must be integers >= 0")
    close = prices.close if isinstance(prices, PriceSeries) else prices.dropna().sort_index()
    closes = session_closes(close.index, close_time, tz)
    obs = observations(frame, asset, exclude_basis)
    obs["session"] = align_sessions(obs["published_at"], closes, max_stale).to_numpy()
    unpriced = obs[obs["session"] < 0].drop_duplicates(["id"]).shape[0]
    obs = obs[obs["session"] >= 0]
    fwd = forward_returns(close, horizons)

    rows = []
    if not obs.empty:
        lo, hi = int(obs["session"].min()), int(obs["session"].max())
        window = fwd.iloc[lo : hi + 1]
        signals = obs.groupby("rule", sort=False).size()
        if unit == "session":
            units = obs.groupby(["rule", "session"], sort=False)["sign"].sum().reset_index()
            units["sign"] = np.sign(units["sign"])
            units = units[units["sign"] != 0]
        else:
            units = obs[["rule", "session", "sign"]]
        sizes = units.groupby("rule").size().sort_values(ascending=False, kind="stable")
        basis = _basis_of_rules(frame, asset)
        order = ([ALL] if ALL in sizes.index else []) + [r for r in sizes.index if r != ALL]
        for rule in order:
            u = units[units["rule"] == rule]
            pos, sign = u["session"].to_numpy(), u["sign"].to_numpy()
            for h in horizons:
                r = fwd[h].to_numpy()[pos]
                ok = ~np.isnan(r)
                n = int(ok.sum())
                if n < min_n or n == 0:
                    continue
                s, rr = sign[ok], r[ok]
                base = window[h].dropna().to_numpy()
                f_bull, f_bear = float((s > 0).mean()), float((s < 0).mean())
                p_up, p_down = float((base > 0).mean()), float((base < 0).mean())
                base_rate = f_bull * p_up + f_bear * p_down
                base_return = (f_bull - f_bear) * float(base.mean())
                signed = s * rr
                hits = int((signed > 0).sum())
                sd = float(signed.std(ddof=1)) if n > 1 else float("nan")
                t = (float(signed.mean()) - base_return) / (sd / math.sqrt(n)) if n > 1 and sd > 0 else float("nan")
                rows.append({
                    "rule": rule, "basis": "net" if rule == ALL else basis.get(rule), "asset": asset, "horizon": h, "n": n, "signals": int(signals.get(rule, 0)),
                    "bullish": int((s > 0).sum()), "bearish": int((s < 0).sum()),
                    "hit_rate": hits / n, "base_rate": base_rate, "p_value": binomial_p_value(hits, n, base_rate),
                    "mean_return": float(signed.mean()), "base_return": base_return, "t_stat": t,
                })
    out = pd.DataFrame(rows, columns=STUDY_COLUMNS).astype(
        {"rule": "string", "basis": "string", "asset": "string", "horizon": "int64", "n": "int64", "signals": "int64",
         "bullish": "int64", "bearish": "int64"})
    out.attrs.update(unpriced=int(unpriced), close_time=str(close_time), tz=tz, unit=unit,
                     exclude_basis=sorted(set(exclude_basis)))
    return out
