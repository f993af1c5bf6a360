"""Release views against prices: the 15-minute gold move of flash news and daily closes.

    python tools/study_releases.py ../shared/eval/dev/jin10_gold15m_2025q3.jsonl \
        --prices ../shared/eval/prices/shfe_gold_AU_continuous.csv [--rules rules]

Per document with a release view on gold (the net of its release.* votes): does the direction
agree with the sign of ``ret_15m``, against the base rate of that mix of calls over all items
(exact two-sided binomial p). Then ``impact.study.event_study`` of the release rules pooled as
one rule against the daily closes (h = 0, 1, 5). A report of what is there, not a target: the
catalogue's directions come from economics.
"""

from __future__ import annotations

import argparse
import json
from math import comb

import pandas as pd

from impact.ruleset.collection import load_ruleset
from impact.engine import Engine
from impact.market.prices import read_prices
from impact.market.study import event_study


def binomial_p(k: int, n: int, p: float) -> float:
    probs = [comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(n + 1)]
    return min(1.0, sum(x for x in probs if x <= probs[k] * (1 + 1e-9)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--prices", required=True)
    parser.add_argument("--rules", default="rules")
    parser.add_argument("--close-time", default="15:00")
    parser.add_argument("--tz", default="Asia/Shanghai")
    parser.add_argument("--asset", default="gold", help="the asset of the daily study (the 15-minute move is gold's)")
    args = parser.parse_args()
    engine = Engine(load_ruleset(args.rules))
    with open(args.path, encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    up = sum(1 for r in records if (r.get("ret_15m") or 0) > 0)
    down = sum(1 for r in records if (r.get("ret_15m") or 0) < 0)
    calls = []
    for r in records:
        for s in engine.evaluate(r["text"]).with_evidence():
            votes = [e for e in s.evidence if s.asset == "gold" and e.rule.startswith("release.")]
            bull = sum(e.weight for e in votes if e.direction == "bullish")
            bear = sum(e.weight for e in votes if e.direction == "bearish")
            if votes and bull != bear and (r.get("ret_15m") or 0) != 0:
                calls.append((bull > bear, r["ret_15m"]))
    hits = sum(1 for bullish, ret in calls if (ret > 0) == bullish)
    n_bull = sum(1 for bullish, _ in calls if bullish)
    base = (n_bull * up + (len(calls) - n_bull) * down) / (up + down) / max(1, len(calls))
    print(f"15-minute gold move: {len(calls)} documents with a release view on gold ({n_bull} bullish); "
          f"hit {hits}/{len(calls)} = {hits / max(1, len(calls)):.3f}, base rate {base:.3f}, "
          f"p = {binomial_p(hits, len(calls), base):.3f}")
    frame = pd.DataFrame(records)[["id", "text", "published_at"]]
    evidence = engine.evaluate_frame(frame, per="evidence")
    evidence = evidence[evidence["rule"].str.startswith("release.")].copy()
    evidence["rule"] = "release.* (pooled)"
    table = event_study(evidence, read_prices(args.prices), args.asset, horizons=[0, 1, 5],
                        close_time=args.close_time, tz=args.tz)
    cols = ["rule", "horizon", "n", "bullish", "bearish", "hit_rate", "base_rate", "p_value", "mean_return", "base_return"]
    print(table[table["rule"] != "ALL"][cols].to_string(index=False))


if __name__ == "__main__":
    main()
