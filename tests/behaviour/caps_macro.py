"""Capabilities about macro drivers: geopolitics, place names, who sets policy, Fed stories and
stories whose sentences agree."""

from __future__ import annotations

from .fillers import (BASE_METALS, BASIS_POINTS, FED, FED_SPEAKERS, FOREIGN_BANKS, GOLD_NOUNS, METAL_NOUN, REGIONS,
                      RIVALS, TIMES)
from .perturb import Builder, cap, join

# ---------------------------------------------------------------------------------------------
# geopolitics: escalation lifts gold (a haven), easing weighs on it; "tensions eased" is easing

_ESC = {"en": ["escalated", "intensified", "flared up", "worsened sharply"],
        "zh": ["升级", "加剧", "急剧升温", "明显恶化"]}
_EASE = {"en": ["eased", "cooled", "de-escalated", "subsided"],
         "zh": ["有所缓和", "缓解", "降温", "明显缓和"]}
_ESC_WHY = {"en": ["after a missile strike", "after clashes on the border", "after drone attacks overnight",
                   "as talks collapsed"],
            "zh": ["导弹袭击发生后", "边境冲突爆发后", "遭遇无人机袭击后", "谈判破裂后"]}
_EASE_WHY = {"en": ["after the ceasefire", "after both sides agreed to a truce", "as peace talks made progress",
                    "after a prisoner swap"],
             "zh": ["停火协议达成后", "双方同意休战后", "和谈取得进展后", "双方交换战俘后"]}


def _rivals(lang: str, pair: tuple) -> str:
    a, b = pair
    if lang == "en":
        return f"between {a} and {b}" if b else f"between {a}"
    return f"{a}与{b}之间的" if b else f"{a}半岛"


def _geo_sentence(b: Builder, way: str, pair: tuple, why: str, form: int, gold: str) -> str:
    lang = b.lang
    verb = b.choice((_ESC if way == "esc" else _EASE)[lang])
    a, b_ = pair
    b_ = b_ or ("the South" if lang == "en" else "韩国")
    a = a if b_ not in ("the South", "韩国") or lang == "zh" else "the North"
    if lang == "en":
        haven = "rose" if way == "esc" else "faded"
        forms = [f"Geopolitical tensions {verb} {why}.",
                 f"Tensions {_rivals(lang, pair)} {verb} {why}.",
                 f"Safe-haven demand for {gold} {haven} as tensions {_rivals(lang, pair)} {verb}.",
                 f"Investors rushed into {gold} after {a} launched strikes on {b_}." if way == "esc" else
                 f"{cap(gold)} lost its haven bid as {a} and {b_} signed a peace deal.",
                 f"Fears of a wider war grew as {a} mobilised troops and warned {b_} of retaliation."
                 if way == "esc" else
                 f"Fears of a wider war receded after {a} and {b_} agreed to resume talks."]
    else:
        haven = "升温" if way == "esc" else "减弱"
        forms = [f"{why}，地缘政治紧张局势{verb}。",
                 f"{why}，{_rivals(lang, pair)}紧张局势{verb}。",
                 f"{_rivals(lang, pair)}紧张局势{verb}，{gold}避险需求{haven}。",
                 f"{a}对{b_}发动袭击后，投资者涌入{gold}避险。" if way == "esc" else
                 f"{a}与{b_}签署和平协议，{gold}避险买盘消退。",
                 f"{a}调集军队并警告{b_}将予以报复，市场对冲突扩大的担忧加剧。" if way == "esc" else
                 f"{a}与{b_}同意恢复谈判，市场对冲突扩大的担忧消退。"]
    return forms[form]


def geopolitics(lang: str) -> list:
    b = Builder("geopolitics", lang)
    want = {"esc": "bullish", "ease": "bearish"}
    for form in range(5):
        for pair in RIVALS[lang]:
            for way in ("esc", "ease"):
                why = b.choice((_ESC_WHY if way == "esc" else _EASE_WHY)[lang])
                text = _geo_sentence(b, way, pair, why, form, b.choice(GOLD_NOUNS[lang]))
                b.mft("gold", text, want[way], name=f"{way}/{form}")
                if b.rng.random() < 0.4:
                    b.invariances("gold", text, want[way], k=2)
    # the issue's own wording, in its language
    if lang == "zh":
        b.mft("gold", "地缘政治紧张局势有所缓和。", "bearish", name="ease/bare")
        b.mft("gold", "地缘政治紧张局势进一步升级。", "bullish", name="esc/bare")
    else:
        b.mft("gold", "Geopolitical tensions eased.", "bearish", name="ease/bare")
        b.mft("gold", "Geopolitical tensions escalated.", "bullish", name="esc/bare")
    # eased vs escalated flips the view; the same story otherwise
    for pair in RIVALS[lang]:
        gold = b.choice(GOLD_NOUNS[lang])
        form = b.choice([1, 2, 3, 4])
        esc = _geo_sentence(b, "esc", pair, b.choice(_ESC_WHY[lang]), form, gold)
        ease = _geo_sentence(b, "ease", pair, b.choice(_EASE_WHY[lang]), form, gold)
        b.dir("gold", esc, "bullish", ease, "bearish", name="flip/esc->ease")
        b.dir("gold", ease, "bearish", esc, "bullish", name="flip/ease->esc")
    # a hedge (a risk, not an event) keeps the view and lowers |score|
    for pair in RIVALS[lang][:5]:
        why = b.choice(_ESC_WHY[lang])
        if lang == "en":
            base = f"Tensions {_rivals(lang, pair)} escalated {why}."
            hedged = f"Analysts warned that tensions {_rivals(lang, pair)} could escalate."
        else:
            base = f"{why}，{_rivals(lang, pair)}紧张局势升级。"
            hedged = f"分析人士警告，{_rivals(lang, pair)}紧张局势可能升级。"
        b.dir("gold", base, "bullish", hedged, "bullish", relation="weaker", name="hedge")
    return b.cases


# ---------------------------------------------------------------------------------------------
# place names never change a view

def _placed_stories(lang: str, b: Builder) -> list[tuple[str, str, str, str]]:
    """(asset, expected call, text without a place, text with the place)."""
    out = []
    for region in REGIONS[lang]:
        gold, haven, cu = b.alias("gold", singular=True), b.choice(GOLD_NOUNS[lang]), b.alias("copper")
        time = b.choice(TIMES[lang])
        if lang == "en":
            out += [
                ("gold", "bullish", f"Safe-haven demand for {haven} jumped as tensions escalated.",
                 f"Safe-haven demand for {haven} jumped as tensions in {region} escalated."),
                ("gold", "bullish", f"{cap(gold)} rose {time} as fighting intensified.",
                 f"{cap(gold)} rose {time} as fighting in {region} intensified."),
                ("copper", "bullish", f"Copper demand strengthened, lifting {cu}.",
                 f"Copper demand in {region} strengthened, lifting {cu}."),
                ("gold", "bearish", f"{cap(gold)} fell as a ceasefire took hold.",
                 f"{cap(gold)} fell as a ceasefire took hold in {region}."),
                ("usd", "bearish", "The Fed cut rates by 25 basis points.",
                 f"The Fed cut rates by 25 basis points, its officials said at a conference in {region}."),
            ]
        else:
            out += [
                ("gold", "bullish", f"紧张局势升级，{haven}避险需求大增。", f"{region}紧张局势升级，{haven}避险需求大增。"),
                ("gold", "bullish", f"冲突加剧，{time}{gold}上涨。", f"{region}冲突加剧，{time}{gold}上涨。"),
                ("copper", "bullish", f"铜需求走强，提振{cu}。", f"{region}铜需求走强，提振{cu}。"),
                ("gold", "bearish", f"停火协议生效，{gold}下跌。", f"{region}停火协议生效，{gold}下跌。"),
                ("usd", "bearish", "美联储降息25个基点。", f"美联储降息25个基点，官员在{region}的一场会议上表示。"),
            ]
    return out


def place_names(lang: str) -> list:
    b = Builder("place_names", lang)
    for asset, want, plain, placed in _placed_stories(lang, b):
        b.mft(asset, placed, want, name="placed")
        b.inv(asset, plain, placed, want, name="add place")
    # eased vs escalated still flips the view with an "East" place in the sentence
    for region in REGIONS[lang]:
        haven = b.choice(GOLD_NOUNS[lang])
        if lang == "en":
            esc = f"Safe-haven demand for {haven} rose as tensions in {region} escalated."
            ease = f"Safe-haven demand for {haven} faded as tensions in {region} eased."
        else:
            esc, ease = f"{region}紧张局势升级，{haven}避险需求升温。", f"{region}紧张局势有所缓和，{haven}避险需求减弱。"
        b.dir("gold", esc, "bullish", ease, "bearish", name="flip with place")
        b.dir("gold", ease, "bearish", esc, "bullish", name="flip with place")
    # a place and nothing else is no view on anything
    for region in REGIONS[lang]:
        text = (f"Trade delegations from {region} met in the capital {b.choice(TIMES[lang])}." if lang == "en"
                else f"来自{region}的贸易代表团{b.choice(TIMES[lang])}在首都会面。")
        for asset in ("gold", "usd"):
            b.mft(asset, text, "none", name="place only")
        text = (f"Sanctions cut {METAL_NOUN['nickel']['en']} deliveries to {region}." if lang == "en"
                else f"制裁切断了对{region}的{METAL_NOUN['nickel']['zh']}交付。")
        b.mft("usd", text, "none", name="sanctions to a place")
        b.mft("gold", text, "none", name="sanctions to a place")
    return b.cases


# ---------------------------------------------------------------------------------------------
# policy needs a policy actor: only the Fed (or US rates) moves usd through policy

def policy_actor(lang: str) -> list:
    b = Builder("policy_actor", lang)
    bps = BASIS_POINTS[lang]
    # other central banks do not move usd
    for bank in FOREIGN_BANKS[lang]:
        for move in ("cut", "hike"):
            bp = b.choice(bps)
            if lang == "en":
                verb = "cut interest rates" if move == "cut" else "raised interest rates"
                text = f"{bank} {verb} by {bp} {b.choice(TIMES[lang])}."
                fed = f"The Fed {verb} by {bp}."
            else:
                verb = "降息" if move == "cut" else "加息"
                text = f"{bank}{b.choice(TIMES[lang])}宣布{verb}{bp}。"
                fed = f"美联储宣布{verb}{bp}。"
            b.mft("usd", text, "none", name=f"foreign bank {move}")
            fed_want = "bearish" if move == "cut" else "bullish"
            b.dir("usd", text, "none", fed, fed_want, name="foreign bank -> Fed")
    # China's stimulus and PBOC easing are Chinese stimulus, not Fed easing
    for metal in ("copper", "aluminium", "zinc", "nickel"):
        alias = b.alias(metal)
        if lang == "en":
            texts = [f"{cap(alias)} rallied on hopes of more stimulus from Beijing.",
                     f"The PBOC cut the reserve requirement ratio, lifting {alias}.",
                     f"{cap(alias)} climbed after China's central bank eased policy to support growth."]
        else:
            texts = [f"市场憧憬北京出台更多刺激措施，{alias}走高。", f"中国人民银行宣布降准，提振{alias}。",
                     f"中国央行放松货币政策以支持经济增长，{alias}上涨。"]
        for text in texts:
            b.mft("usd", text, "none", name="china stimulus")
            b.mft(metal, text, "bullish", name="china stimulus")
            b.invariances(metal, text, "bullish", k=1)
    # tightening SUPPLY is not monetary tightening
    for metal in BASE_METALS:
        noun = METAL_NOUN[metal][lang]
        alias = b.alias(metal)
        if lang == "en":
            texts = [f"Tightening supply of {noun} lifted prices.", f"Tighter {noun} supply pushed {alias} higher.",
                     f"A tightening {noun} market supported {alias}."]
        else:
            texts = [f"{noun}供应趋紧推高价格。", f"{noun}供应收紧推动{alias}走高。", f"{noun}市场供应趋紧，支撑{alias}。"]
        for text in texts:
            b.mft("usd", text, "none", name="supply tightening")
            b.mft("gold", text, "none", name="supply tightening")
            b.mft(metal, text, "bullish", name="supply tightening")
    # rates that are not policy rates
    loans = {"en": ["car loans", "mortgages", "credit cards", "student loans", "small-business loans"],
             "zh": ["车贷", "房贷", "信用卡分期", "助学贷款", "小微企业贷款"]}
    for loan in loans[lang]:
        if lang == "en":
            texts = [f"Banks offered lower rates on {loan} to win customers.",
                     f"Lenders raised rates on {loan} {b.choice(TIMES[lang])}."]
        else:
            texts = [f"多家银行下调{loan}利率以吸引客户。", f"贷款机构{b.choice(TIMES[lang])}上调{loan}利率。"]
        for text in texts:
            b.mft("usd", text, "none", name="retail rates")
            b.mft("gold", text, "none", name="retail rates")
    return b.cases


# ---------------------------------------------------------------------------------------------
# Fed / US policy: cuts and dovish words weigh on usd and lift gold; hikes and hawkish words the reverse

_FED_MOVES = {
    "en": {"cut": ["{fed} cut interest rates by {bp} {time}.", "{fed} lowered its policy rate by {bp}.",
                   "{fed} delivered a {bpa} rate cut {time}."],
           "hike": ["{fed} raised interest rates by {bp} {time}.", "{fed} lifted its policy rate by {bp}.",
                    "{fed} delivered a {bpa} rate hike {time}."],
           "dovish": ["{speaker} said the central bank is ready to lower rates soon.",
                      "{speaker} signalled more rate cuts this year.",
                      "{speaker} struck a dovish tone, pointing to a cooling labour market.",
                      "Minutes of the Fed's last meeting showed most officials favoured further cuts."],
           "hawkish": ["{speaker} said rates will need to stay higher for longer.",
                       "{speaker} signalled further rate hikes to fight inflation.",
                       "{speaker} struck a hawkish tone, warning inflation remains too high.",
                       "Minutes of the Fed's last meeting showed most officials favoured further hikes."]},
    "zh": {"cut": ["{fed}{time}宣布降息{bp}。", "{fed}将政策利率下调{bp}。", "{fed}{time}降息{bp}。"],
           "hike": ["{fed}{time}宣布加息{bp}。", "{fed}将政策利率上调{bp}。", "{fed}{time}加息{bp}。"],
           "dovish": ["{speaker}表示准备很快降息。", "{speaker}暗示年内将进一步降息。", "{speaker}释放鸽派信号，称劳动力市场正在降温。",
                      "美联储会议纪要显示，多数官员支持进一步降息。"],
           "hawkish": ["{speaker}表示利率需要在更长时间内保持高位。", "{speaker}暗示将进一步加息以抑制通胀。",
                       "{speaker}释放鹰派信号，警告通胀仍然过高。", "美联储会议纪要显示，多数官员支持进一步加息。"]},
}
_WANT = {"cut": ("bearish", "bullish"), "dovish": ("bearish", "bullish"),
         "hike": ("bullish", "bearish"), "hawkish": ("bullish", "bearish")}
_OPPOSITE = {"cut": "hike", "hike": "cut", "dovish": "hawkish", "hawkish": "dovish"}


# a size of move as an adjective (a quarter-point cut)
_BP_ADJ = {"25 basis points": "25-basis-point", "50 basis points": "50-basis-point", "a quarter point": "quarter-point",
           "half a percentage point": "half-point"}


def _fed_text(b: Builder, way: str, i: int, fed: str, speaker: str, bp: str, time: str) -> str:
    return _FED_MOVES[b.lang][way][i].format(fed=fed, speaker=speaker, bp=bp, bpa=_BP_ADJ.get(bp, bp), time=time)


def fed_policy(lang: str) -> list:
    b = Builder("fed_policy", lang)
    for way in ("cut", "hike", "dovish", "hawkish"):
        usd_want, gold_want = _WANT[way]
        for i in range(len(_FED_MOVES[lang][way])):
            for fed in b.pick(FED[lang], 3):
                speaker = b.choice(FED_SPEAKERS[lang])
                text = _fed_text(b, way, i, fed, speaker, b.choice(BASIS_POINTS[lang]), b.choice(TIMES[lang]))
                b.mft("usd", text, usd_want, name=way)
                b.mft("gold", text, gold_want, name=way)
            fed, speaker, bp, time = (b.choice(FED[lang]), b.choice(FED_SPEAKERS[lang]), b.choice(BASIS_POINTS[lang]),
                                      b.choice(TIMES[lang]))
            text = _fed_text(b, way, i, fed, speaker, bp, time)
            b.invariances("usd", text, usd_want, k=2)
            b.invariances("gold", text, gold_want, k=1)
            # another name of the Fed does not change the call
            other = _fed_text(b, way, i, b.choice([f for f in FED[lang] if f != fed]), speaker, bp, time)
            b.inv("usd", text, other, usd_want, name="other Fed name")
            # cut vs hike, dovish vs hawkish: the view flips
            flipped = _fed_text(b, _OPPOSITE[way], i, fed, speaker, bp, time)
            b.dir("usd", text, usd_want, flipped, _WANT[_OPPOSITE[way]][0], name="flip")
            b.dir("gold", text, gold_want, flipped, _WANT[_OPPOSITE[way]][1], name="flip")
    # a hedge lowers |score|; a denial removes the view
    for fed in FED[lang]:
        bp = b.choice(BASIS_POINTS[lang])
        if lang == "en":
            base, hedged = f"{fed} cut rates by {bp}.", f"{fed} may cut rates by {bp}, some economists said."
            expected = f"{fed} is expected to cut rates by {bp} next month."
            negated = f"{fed} is not expected to cut rates next month."
        else:
            base, hedged = f"{fed}降息{bp}。", f"部分经济学家认为，{fed}可能降息{bp}。"
            expected, negated = f"市场预计{fed}下月将降息{bp}。", f"市场预计{fed}下月不会降息。"
        b.dir("usd", base, "bearish", hedged, "bearish", relation="weaker", name="hedge")
        b.dir("gold", base, "bullish", hedged, "bullish", relation="weaker", name="hedge")
        b.dir("usd", expected, "bearish", negated, "not_bearish", name="negation")
        b.dir("gold", expected, "bullish", negated, "not_bullish", name="negation")
    # US data read through the Fed
    data = {"en": [("US inflation came in hotter than expected {time}.", "hawkish"),
                   ("US job growth slowed far more than expected {time}.", "dovish"),
                   ("US consumer prices rose less than forecast {time}.", "dovish"),
                   ("US payrolls beat forecasts by a wide margin {time}.", "hawkish")],
            "zh": [("美国{time}公布的通胀数据高于预期。", "hawkish"), ("美国{time}公布的非农就业人数增幅远低于预期。", "dovish"),
                   ("美国消费者物价指数{time}涨幅低于预期。", "dovish"), ("美国非农就业数据{time}大幅好于预期。", "hawkish")]}
    for template, way in data[lang]:
        for time in b.pick(TIMES[lang], 3):
            text = template.format(time=time)
            b.mft("usd", text, _WANT[way][0], name=f"data/{way}")
            b.mft("gold", text, _WANT[way][1], name=f"data/{way}")
    return b.cases


# ---------------------------------------------------------------------------------------------
# agreeing evidence never lowers |score| nor removes the call

_STORIES = {
    "en": {
        ("usd", "bearish"): ["The Fed cut rates by a quarter point {time}.", "US job growth slowed more than expected.",
                             "Inflation cooled for a third straight month.",
                             "Traders now price in two more cuts this year.",
                             "Treasury yields fell to their lowest since spring.",
                             "The dollar weakened against the euro and the yen."],
        ("usd", "bullish"): ["The Fed raised rates by a quarter point {time}.", "US inflation came in above forecasts.",
                             "Payrolls beat expectations by a wide margin.",
                             "Fed officials signalled rates will stay higher for longer.",
                             "Treasury yields climbed to a one-year high.",
                             "The dollar strengthened against major currencies."],
        ("gold", "bullish"): ["Gold rose 1% {time}.", "Safe-haven demand jumped as tensions escalated.",
                              "The dollar weakened broadly.", "Analysts expect bullion to extend its gains.",
                              "The Fed signalled more rate cuts ahead."],
        ("copper", "bullish"): ["Copper rose 2% {time}.", "Workers at a major Chilean mine went on strike.",
                                "LME copper inventories fell to a two-year low.",
                                "China announced fresh infrastructure stimulus.",
                                "Analysts expect copper to extend its rally."],
    },
    "zh": {
        ("usd", "bearish"): ["美联储{time}宣布降息25个基点。", "美国非农就业人数增幅低于预期。", "美国通胀连续第三个月降温。",
                             "交易员预计年内还将降息两次。", "美债收益率跌至数月低点。", "美元兑欧元和日元走弱。"],
        ("usd", "bullish"): ["美联储{time}宣布加息25个基点。", "美国通胀数据高于预期。", "美国非农就业数据大幅好于预期。",
                             "美联储官员暗示利率将在更长时间内保持高位。", "美债收益率升至一年高点。", "美元兑主要货币走强。"],
        ("gold", "bullish"): ["金价{time}上涨1%。", "地缘局势紧张升级，避险需求大增。", "美元全面走弱。", "分析师预计金价将继续上涨。",
                              "美联储暗示将进一步降息。"],
        ("copper", "bullish"): ["铜价{time}上涨2%。", "智利一座大型铜矿工人罢工。", "伦铜库存降至两年低点。", "中国宣布新一轮基建刺激措施。",
                                "分析师预计铜价将延续涨势。"],
    },
}


def agreeing_evidence(lang: str) -> list:
    b = Builder("agreeing_evidence", lang)
    for (asset, want), pool in _STORIES[lang].items():
        for time in TIMES[lang][:4]:
            lead, rest = pool[0].format(time=time), pool[1:]
            order = b.pick(rest, len(rest))
            story = [lead]
            for sentence in order:
                longer = story + [sentence]
                b.dir(asset, join(lang, *story), want, join(lang, *longer), want, relation="not_weaker",
                      name=f"add agreeing sentence {len(story)}")
                story = longer
            b.mft(asset, join(lang, *story), want, name="whole story")
            # the same story with its sentences in another order keeps the call
            b.inv(asset, join(lang, *story), join(lang, *b.pick(story, len(story))), want, name="reorder")
    return b.cases


CAPABILITIES = {"geopolitics": geopolitics, "place_names": place_names, "policy_actor": policy_actor,
                "fed_policy": fed_policy, "agreeing_evidence": agreeing_evidence}
