"""Measure the economic-release reader on a flash-news JSONL, with a counter independent of it.

    python tools/measure_releases.py ../shared/eval/dev/jin10_gold15m_2025q3.jsonl [--rules rules] [-v]

A sentence states a release when it names an economy and has 预期/预测 followed by a number (not
预期 inside a survey's name, 通胀预期 3.4%, nor a forecaster's own earlier forecast, 高于7月预测的3.0%),
and is no company result, crop report or projection. Its actual is found by simple patterns of
its own: the number before '，预期', after '公布:', or after 录得/为/至/岗位/减少. Then: the share of
those sentences where the reader reads both numbers exactly, and the share of the US and Chinese
ones where it names an indicator of the catalogue. ``-v`` lists every sentence with both readings.
The numbers only are compared; nothing of the input is written anywhere.
"""

from __future__ import annotations

import argparse
import json
import re

from impact.ruleset.collection import load_ruleset
from impact.engine import Engine
from impact.pipeline.text import normalise, segment

CONSENSUS = re.compile(r"(?<!通胀)(?<!通胀率)(?<!月)(?:预期|预测中值|预测)(?:值|为|的)?[:：]?\s*([-+]?\d+(?:\.\d+)?)")
ECONOMY = re.compile(r"(美国|中国|欧元区|英国|日本|德国|法国|加拿大|澳大利亚|瑞士)")
NOT_A_RELEASE = re.compile(
    r"\([A-Z]+\.[A-Z]+\)|营收|净利|每股|收入|销售额|交付|订阅|大豆|蒲式耳|豆油|压榨|原油|库存|单产|收割|优良率|期末|"
    r"点阵图|经济预期|预期中值|此前预期|指引|财年"
)
ACTUAL = [
    re.compile(r"([-+]?\d+(?:\.\d+)?)(?:%|万人|万亿元|亿元|万)?[，,]\s*预期"),
    re.compile(r"公布[:：]\s*([-+]?\d+(?:\.\d+)?)"),
    re.compile(r"(?:录得|为|至|岗位)(?:增加)?([-+]?\d+(?:\.\d+)?)(?:%|万人|万个|万)"),
]
FALL = re.compile(r"减少(\d+(?:\.\d+)?)万")


def independent(sentence: str) -> tuple[float | None, float] | None:
    """(actual, consensus) of a release sentence by the counter's own patterns; None: no release."""
    m = CONSENSUS.search(sentence)
    if not m or not ECONOMY.search(sentence) or NOT_A_RELEASE.search(sentence):
        return None
    for pattern in ACTUAL:
        a = pattern.search(sentence)
        if a:
            return float(a.group(1)), float(m.group(1))
    a = FALL.search(sentence)
    return (-float(a.group(1)) if a else None), float(m.group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--rules", default="rules")
    parser.add_argument("-v", action="store_true")
    args = parser.parse_args()
    engine = Engine(load_ruleset(args.rules))
    rows = []
    with open(args.path, encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            text = record["text"]
            norm, offsets = normalise(text)
            trace = None
            for s in segment(norm):
                sentence = text[offsets.start(s.start):offsets.end(s.end)]
                gold = independent(sentence)
                if gold is None:
                    continue
                trace = trace or engine.trace(text)
                read = [(r.indicator, r.actual, r.consensus) for r in trace.releases if r.sentence == s.index]
                rows.append((record["id"], ECONOMY.search(sentence).group(1), gold, read))
    exact = [r for r in rows if any(a == r[2][0] and c == r[2][1] for _, a, c in r[3])]
    us_cn = [r for r in rows if r[1] in ("美国", "中国")]
    named = [r for r in us_cn if r[3]]
    print(f"release sentences: {len(rows)} in {len({r[0] for r in rows})} items ({len(us_cn)} US or Chinese)")
    print(f"both numbers read exactly: {len(exact)}/{len(rows)} = {len(exact) / max(1, len(rows)):.3f}")
    print(f"indicator named (US, China): {len(named)}/{len(us_cn)} = {len(named) / max(1, len(us_cn)):.3f}")
    if args.v:
        for rid, economy, gold, read in rows:
            print("ok " if any(a == gold[0] and c == gold[1] for _, a, c in read) else "XX ", rid, economy, gold, read)


if __name__ == "__main__":
    main()
