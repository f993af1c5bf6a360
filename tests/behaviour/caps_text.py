"""Capabilities about how news is written: digests, basis of a claim, wire-headline idioms and
short flash formats."""

from __future__ import annotations

from .fillers import ALIASES, BASE_METALS, FUTURE_TIMES, METAL_NOUN, PERCENTS, TIMES
from .perturb import Builder, cap

_UP = {"en": ["rose", "climbed", "gained", "jumped"], "zh": ["上涨", "走高", "攀升", "大涨"]}
_DOWN = {"en": ["fell", "dropped", "slid", "declined"], "zh": ["下跌", "走低", "回落", "下挫"]}


def _move(b: Builder, asset: str, up: bool, alias: str | None = None, pct: str | None = None,
          verb: str | None = None, time: str | None = None) -> str:
    alias = alias or b.alias(asset, singular=True)
    verb = verb or b.choice((_UP if up else _DOWN)[b.lang])
    pct = pct or b.choice(PERCENTS)
    time = time or b.choice(TIMES[b.lang])
    if b.lang == "en":
        return f"{cap(alias)} {verb} {pct} {time}."
    return f"{time}{alias}{verb}{pct}。"  # 周四黄金上涨 (黄金周四 would read 黄金周, Golden Week)


def _other_alias(b: Builder, asset: str, alias: str) -> str | None:
    others = [a for a in ALIASES[asset][b.lang] if a != alias and not a.endswith(("prices", "futures"))]
    return b.choice(others) if others else None


# ---------------------------------------------------------------------------------------------
# digests: separate numbered items are separate stories; each asset keeps its own item's view

_HEADS = {"en": ["Market wrap:", "Morning briefing:", "Top stories:", "Commodities round-up:"],
          "zh": ["国内新闻：", "早间要闻：", "快讯汇总：", "财经要闻："]}
_OTHER_ITEMS = {"en": ["The central bank of Chile held rates.", "A carmaker recalled 20,000 vehicles.",
                       "Oil inventories rose last week.", "The national football team won its qualifier."],
                "zh": ["某地出台新的房地产政策。", "一家车企召回两万辆汽车。", "上周原油库存增加。", "国家足球队赢得预选赛。"]}


def _digest(b: Builder, items: list[str], style: int) -> str:
    head = b.choice(_HEADS[b.lang])
    if style == 0:
        body = [f"{i}. {item}" for i, item in enumerate(items, 1)]
    elif style == 1:
        body = [f"{i}、{item}" if b.lang == "zh" else f"({i}) {item}" for i, item in enumerate(items, 1)]
    else:
        body = [f"◆{item}" if b.lang == "zh" else f"- {item}" for item in items]
    sep = "\n" if style != 0 or b.rng.random() < 0.5 else " "
    return head + sep + sep.join(body)


def digest(lang: str) -> list:
    b = Builder("digest", lang)
    assets = ["gold", *BASE_METALS]
    for n in range(30):
        a1, a2 = b.pick(assets, 2)
        up1, up2 = b.rng.random() < 0.5, b.rng.random() < 0.5
        i1, i2 = _move(b, a1, up1), _move(b, a2, up2)
        filler = b.choice(_OTHER_ITEMS[lang])
        items = [i1, filler, i2] if n % 2 else [i1, i2, filler]
        style = n % 3
        text = _digest(b, items, style)
        w1, w2 = ("bullish" if up1 else "bearish"), ("bullish" if up2 else "bearish")
        b.mft(a1, text, w1, name=f"digest/{style}")
        b.mft(a2, text, w2, name=f"digest/{style}")
        # the order of the items does not matter
        b.inv(a1, text, _digest(b, list(reversed(items)), style), w1, name="reorder items")
        # an item about one asset keeps its own view when another item says the opposite of another asset
        b.inv(a1, _digest(b, [i1, filler], style), text, w1, name="add item")
        # reversing one item's move flips that asset only
        i2_flipped = _move(b, a2, not up2)
        flipped = _digest(b, [i1, filler, i2_flipped] if n % 2 else [i1, i2_flipped, filler], style)
        b.dir(a2, text, w2, flipped, "bearish" if up2 else "bullish", name="flip one item")
        b.dir(a1, text, w1, flipped, w1, name="flip another item")
    # a digest of agreeing items on the same asset keeps the call
    for asset in ("gold", "copper"):
        for n in range(4):
            items = [_move(b, asset, True) for _ in range(2)] + [b.choice(_OTHER_ITEMS[lang])]
            b.mft(asset, _digest(b, items, n % 3), "bullish", name="agreeing items")
    # not a digest: one story with a number in it; both moves count against each other normally
    for asset in ("gold", "copper"):
        alias = b.alias(asset)
        if lang == "en":
            text = f"{cap(alias)} rose 1.5% {b.choice(TIMES['en'])}. It was the metal's 2nd weekly gain."
        else:
            text = f"{b.choice(TIMES['zh'])}{alias}上涨1.5%。这是连续第2周上涨。"
        b.mft(asset, text, "bullish", name="not a digest")
    return b.cases


# ---------------------------------------------------------------------------------------------
# basis: a move that happened is reported; a forecast or expectation is a view

def basis(lang: str) -> list:
    b = Builder("basis", lang)
    for asset in ("gold", "usd", "copper", "aluminium", "nickel", "zinc"):
        for up in (True, False):
            want = "bullish" if up else "bearish"
            for _ in range(3):
                alias, verb = b.alias(asset, singular=True), b.choice((_UP if up else _DOWN)[lang])
                pct, time = b.choice(PERCENTS), b.choice(TIMES[lang])
                text = _move(b, asset, up, alias, pct, verb, time)
                b.mft(asset, text, want, basis="reported", name="move")
                other = _other_alias(b, asset, alias)
                if other:  # another name of the same asset does not change the call
                    b.inv(asset, text, _move(b, asset, up, other, pct, verb, time), want, name="other alias")
                # nor does another time phrase
                other_time = b.choice([x for x in TIMES[lang] if x != time])
                b.inv(asset, text, _move(b, asset, up, alias, pct, verb, other_time), want, name="other time")
            alias = b.alias(asset)
            if lang == "en":
                bare = f"{cap(alias)} {'strengthened' if up else 'weakened'}." if asset == "usd" else \
                    f"{cap(alias)} {'edged higher' if up else 'edged lower'}."
                views = [f"{cap(alias)} may {'rise' if up else 'fall'} {b.choice(FUTURE_TIMES['en'])}.",
                         f"{cap(alias)} is expected to {'rise' if up else 'fall'} {b.choice(FUTURE_TIMES['en'])}.",
                         f"Analysts forecast {alias} to {'climb' if up else 'decline'} {b.choice(FUTURE_TIMES['en'])}.",
                         f"{cap(alias)} is likely to {'gain' if up else 'weaken'} {b.choice(FUTURE_TIMES['en'])}, "
                         f"strategists said."]
            else:
                bare = f"{alias}{'走强' if up else '走弱'}。"
                views = [f"{alias}有望{'上涨' if up else '下跌'}。", f"预计{alias}{b.choice(FUTURE_TIMES['zh'])}将"
                         f"{'走高' if up else '走低'}。",
                         f"机构预测{alias}{b.choice(FUTURE_TIMES['zh'])}{'上涨' if up else '下跌'}。",
                         f"分析师认为{alias}{b.choice(FUTURE_TIMES['zh'])}或将{'上行' if up else '下行'}。"]
            b.mft(asset, bare, want, basis="reported", name="bare move")
            for text in views:
                b.mft(asset, text, want, basis="view", name="forecast")
                b.invariances(asset, text, want, k=1)
            # a reported move turned into a forecast keeps the direction
            b.dir(asset, bare, want, views[0], want, name="move -> forecast")
            # a denied forecast is no view
            if lang == "en":
                negated = f"{cap(alias)} is not expected to {'rise' if up else 'fall'} {b.choice(FUTURE_TIMES['en'])}."
            else:
                negated = f"预计{alias}{b.choice(FUTURE_TIMES['zh'])}不会{'上涨' if up else '下跌'}。"
            b.dir(asset, views[1], want, negated, f"not_{want}", name="negation")
    # a range view is neutral (an explicit view, not "no view")
    for asset in ("gold", "usd", "copper", "aluminium"):
        alias = b.alias(asset, singular=True)
        if lang == "en":
            texts = [f"{cap(alias)} is expected to trade in a range {b.choice(FUTURE_TIMES['en'])}, analysts said.",
                     f"Strategists see {alias} moving sideways {b.choice(FUTURE_TIMES['en'])}."]
        else:
            texts = [f"分析师预计{alias}{b.choice(FUTURE_TIMES['zh'])}将维持区间震荡。", f"机构认为{alias}短期以震荡为主。"]
        for text in texts:
            b.mft(asset, text, "neutral", name="range view")
    # fund holdings and flows are not a price move: no reported basis
    flows = {"en": ["SPDR Gold Trust holdings rose {pct} {time}.",
                    "Holdings of the largest gold ETF fell {pct} {time}.",
                    "Gold ETF inflows hit a three-month high {time}."],
             "zh": ["SPDR黄金ETF持仓{time}增加{pct}。", "全球最大黄金ETF持仓{time}减少{pct}。", "黄金ETF资金流入{time}创三个月新高。"]}
    for template in flows[lang]:
        for pct in b.pick(PERCENTS, 3):
            text = template.format(pct=pct, time=b.choice(TIMES[lang]))
            outflow = "fell" in text or "减少" in text  # flows may be read as a view, never as a price move
            b.mft("gold", text, "not_bullish" if outflow else "not_bearish", basis="not_reported", name="fund holdings")
    return b.cases


# ---------------------------------------------------------------------------------------------
# wire-headline idioms

_IDIOMS = {
    "en": [("{A} pares gains {time}.", "not_bearish"), ("{A} pares losses {time}.", "not_bullish"),
           ("{A} trims early gains after the data.", "not_bearish"), ("{A} trims losses in late trade.", "not_bullish"),
           ("{A} snaps a five-day losing streak.", "bullish"), ("{A} ends a three-session losing run.", "bullish"),
           ("{A} snaps a four-day winning streak.", "bearish"),
           ("{A} erases early gains.", "not_bullish"), ("{A} erases losses to trade flat.", "flat"),
           ("{A} holds steady {time}.", "flat"), ("{A} little changed {time}.", "flat"),
           ("{A} was little changed {time}.", "flat"), ("{A} steady ahead of the data.", "flat"),
           ("{A} trades off its highs but stays higher on the day.", "not_bearish")],
    # the time first: 黄金周二 would read 黄金周 (Golden Week)
    "zh": [("{time}{A}涨幅收窄。", "not_bearish"), ("{time}{A}跌幅收窄。", "not_bullish"),
           ("{A}结束五连跌。", "bullish"), ("{A}止跌回升，终结三连跌。", "bullish"), ("{A}终结四连涨。", "bearish"),
           ("{A}回吐日内涨幅。", "not_bullish"), ("{A}收复日内跌幅，转为持平。", "flat"),
           ("{time}{A}持稳。", "flat"), ("{time}{A}基本持平。", "flat"), ("{time}{A}窄幅波动，变化不大。", "flat"),
           ("{time}{A}小幅收窄涨幅，仍处日内高位附近。", "not_bearish")],
}
_FED_IDIOMS = {
    "en": [("The Fed is unlikely to cut rates {when}, officials said.", "not_bearish", "not_bullish"),
           ("Policymakers are in no hurry to cut rates.", "not_bearish", "not_bullish"),
           ("Fed officials pushed back against rate-cut bets.", "bullish", "bearish"),
           ("A Fed governor pushed back against market bets on early cuts.", "bullish", "bearish"),
           ("Fed speakers poured cold water on hopes of a cut {when}.", "bullish", "bearish")],
    "zh": [("美联储官员表示{when}不太可能降息。", "not_bearish", "not_bullish"),
           ("美联储官员表示并不急于降息。", "not_bearish", "not_bullish"),
           ("美联储官员对市场降息押注泼冷水。", "bullish", "bearish"),
           ("一位美联储理事反驳市场对提前降息的押注。", "bullish", "bearish"),
           ("美联储官员打压{when}降息的预期。", "bullish", "bearish")],
}


def _headline(text: str, lang: str) -> str:
    return cap(text) if lang == "en" else text


def wire_idioms(lang: str) -> list:
    b = Builder("wire_idioms", lang)
    for asset in ("gold", "usd", "copper", "nickel", "aluminium"):
        for template, want in _IDIOMS[lang]:
            alias, time = b.alias(asset, singular=True), b.choice(TIMES[lang])
            text = _headline(template.format(A=alias, time=time), lang)
            b.mft(asset, text, want, name=template)
            if b.rng.random() < 0.3:
                b.invariances(asset, text, want, k=1)
            other = _other_alias(b, asset, alias)
            if other and b.rng.random() < 0.3:
                b.inv(asset, text, _headline(template.format(A=other, time=time), lang), want, name="other alias")
    # a streak snapped vs extended, a likely vs an unlikely cut: the view turns
    streaks = {"en": ("{A} snaps a five-day losing streak.", "{A} extends its losing streak to five days."),
               "zh": ("{A}结束五连跌。", "{A}录得五连跌。")}
    cuts = {"en": ("The Fed is likely to cut rates next month, officials signalled.",
                   "The Fed is unlikely to cut rates next month, officials signalled."),
            "zh": ("美联储官员暗示下月很可能降息。", "美联储官员暗示下月不太可能降息。")}
    for asset in ("gold", "copper", "usd", "zinc"):
        alias = b.alias(asset, singular=True)
        up, down = (_headline(t.format(A=alias), lang) for t in streaks[lang])
        b.dir(asset, up, "bullish", down, "bearish", name="streak snapped -> extended")
    likely, unlikely = cuts[lang]
    b.dir("usd", likely, "bearish", unlikely, "not_bearish", name="likely -> unlikely cut")
    b.dir("gold", likely, "bullish", unlikely, "not_bullish", name="likely -> unlikely cut")
    when = {"en": ["next month", "this year", "in March", "before the summer"], "zh": ["下月", "年内", "3月", "夏季之前"]}
    for template, usd_want, gold_want in _FED_IDIOMS[lang]:
        for w in b.pick(when[lang], 3):
            text = template.format(when=w)
            b.mft("usd", text, usd_want, name=template)
            b.mft("gold", text, gold_want, name=template)
    return b.cases


# ---------------------------------------------------------------------------------------------
# short flash formats: an asset, a bare up/down verb and a figure

_FLASH = {
    "en": [("{A} up {p}.", True), ("{A} down {p}.", False), ("{A} +{p}.", True), ("{A} -{p}.", False),
           ("{A} rises {p}.", True), ("{A} falls {p}.", False), ("{A} settles up {p}.", True),
           ("{A} settles down {p}.", False)],
    "zh": [("{A}涨{p}。", True), ("{A}跌{p}。", False), ("{A}涨超{p}。", True), ("{A}跌超{p}。", False),
           ("{A}日内涨{p}。", True), ("{A}日内跌{p}。", False), ("{A}收涨{p}。", True), ("{A}收跌{p}。", False)],
}
_FOLLOW = {"en": [("{A} falls {p}, {B} follows.", False), ("{A} rises {p}, {B} follows suit.", True)],
           "zh": [("{A}跌{p}，{B}跟跌。", False), ("{A}涨{p}，{B}跟涨。", True)]}
_FLASH_TAGS = {"en": ["FLASH: ", "BREAKING: ", "14:32 "], "zh": ["【快讯】", "14:32 ", "金十数据："]}


def flash(lang: str) -> list:
    b = Builder("flash", lang)
    for asset in ("gold", "usd", "copper", "aluminium", "zinc", "nickel", "tin", "lead"):
        for template, up in _FLASH[lang]:
            want = "bullish" if up else "bearish"
            raw = b.alias(asset, singular=True)
            alias = cap(raw.removeprefix("the ")) if lang == "en" else raw
            pct = b.choice(PERCENTS)
            text = template.format(A=alias, p=pct)
            b.mft(asset, text, want, basis="reported", name=template)
            other = _other_alias(b, asset, raw)
            if other and b.rng.random() < 0.5:
                other = cap(other.removeprefix("the ")) if lang == "en" else other
                if other != alias:  # "the dollar" and "dollar" are one name in a flash line
                    b.inv(asset, text, template.format(A=other, p=pct), want, name="other alias")
            if b.rng.random() < 0.35:
                b.inv(asset, text, b.choice(_FLASH_TAGS[lang]) + text, want, name="flash tag")
                b.invariances(asset, text, want, kinds=("fullwidth", "unrelated"), k=1)
            other_up = [t for t, u in _FLASH[lang] if u != up]
            if b.rng.random() < 0.25:
                b.dir(asset, text, want, b.choice(other_up).format(A=alias, p=b.choice(PERCENTS)),
                      "bearish" if up else "bullish", name="flip")
    for metal in BASE_METALS:
        noun = METAL_NOUN[metal][lang]
        for template, up in _FOLLOW[lang]:
            a, c = (f"LME {noun}", f"Shanghai {noun}") if lang == "en" else (f"伦{noun}", f"沪{noun}")
            text = template.format(A=cap(a), B=c, p=b.choice(PERCENTS))
            b.mft(metal, text, "bullish" if up else "bearish", name="follow")
    return b.cases


# ---------------------------------------------------------------------------------------------
# questions: a yes/no question asserts nothing; a why-question takes its move as given

_YES_NO = {"en": ["Will {a} {v} {t}?", "Is {a} about to {v}?", "Can {a} {v} further?", "Could {a} {v} {t}?"],
           "zh": ["{t}{a}会{v}吗？", "{a}能否继续{v}？", "{a}是否将{v}？", "{a}还会{v}吗？"]}  # time first: 黄金周 is Golden Week
_WHY = {"en": ["Why did {a} {v} {t}?", "Why is {a} {ving}?", "What is behind the move as {a} {ved}?"],
        "zh": ["{t}{a}为何{v}？", "{a}为什么{v}？", "{a}缘何{v}？"]}
_FORMS = {True: {"en": ("rise", "rising", "rose"), "zh": ("上涨", "上涨", "上涨")},
          False: {"en": ("fall", "falling", "fell"), "zh": ("下跌", "下跌", "下跌")}}


def questions(lang: str) -> list:
    b = Builder("questions", lang)
    for asset in ("gold", "usd", "copper", "aluminium", "nickel", "zinc", "tin", "lead"):
        for up in (True, False):
            want = "bullish" if up else "bearish"
            v, ving, ved = _FORMS[up][lang]
            for _ in range(2):
                alias, time = b.alias(asset, singular=True), b.choice(TIMES[lang])
                statement = _move(b, asset, up, alias, time=time)
                for form in _YES_NO[lang]:
                    asked = form.format(a=alias, v=v, t=time)
                    asked = cap(asked) if lang == "en" else asked
                    b.mft(asset, asked, "none", name="yes/no question")
                    # turning the report into a question removes the view
                    b.dir(asset, statement, want, asked, "none", name="statement -> question")
                for form in _WHY[lang]:
                    asked = form.format(a=alias, v=v, ving=ving, ved=ved, t=time)
                    asked = cap(asked) if lang == "en" else asked
                    b.mft(asset, asked, want, basis="reported", name="why-question")
                # a question after the report leaves the report standing
                follow = (f"{statement[:-1]} - is more to come?" if lang == "en"
                          else f"{statement[:-1]}，后市还会延续吗？")
                b.inv(asset, statement, follow, want, name="question after the report")
    return b.cases


CAPABILITIES = {"digest": digest, "basis": basis, "wire_idioms": wire_idioms, "flash": flash, "questions": questions}
