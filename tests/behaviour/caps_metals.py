"""Capabilities about commodities: texts about an asset but not its price, metals-market idioms,
and contrasts between assets."""

from __future__ import annotations

from .fillers import BASE_METALS, COPPER_MINES, METAL_NOUN, PERCENTS, REGIONS, TIMES
from .perturb import Builder, cap

# ---------------------------------------------------------------------------------------------
# about gold (or "dollar") but not about its price

_COUNTRIES = {"en": ["India", "China", "Turkey", "Switzerland", "Thailand"], "zh": ["印度", "中国", "土耳其", "瑞士", "泰国"]}
_NOT_PRICE = {
    "en": [("gold", "none", "{c}'s gold imports rose {p} in May from a year earlier."),
           ("gold", "none", "{c}'s gold imports fell {p} last month."),
           ("gold", "none", "Gold output at the country's largest mine fell {p} {time}."),
           ("gold", "none", "Gold mine production in {c} rose {p} in the first quarter."),
           ("gold", "none", "Shares of gold miners rose {p} {time}."),
           ("gold", "none", "Gold mining stocks fell {p} {time}, lagging the wider market."),
           ("gold", "none", "A jewellery chain opened 40 new gold jewellery stores in {c}."),
           ("gold", "none", "Jewellery retailers in {c} reported brisk sales of gold necklaces during the festival."),
           ("gold", "none", "{c} won three gold medals at the championships {time}."),
           ("gold", "none", "The swimmer took gold in the 200 metres {time}."),
           ("gold", "not_bullish", "Central bank gold purchases fell {p} from a year earlier."),
           ("gold", "not_bullish", "Central banks bought {p} less gold in the quarter than a year ago."),
           ("usd", "none", "The Australian dollar fell {p} {time}."),
           ("usd", "none", "The Canadian dollar rose {p} {time}."),
           ("usd", "none", "Shares of Dollar General rose {p} {time}."),
           ("usd", "none", "The company signed a billion-dollar deal {time}.")],
    "zh": [("gold", "none", "{c}5月黄金进口量同比增长{p}。"), ("gold", "none", "{c}上月黄金进口量下降{p}。"),
           ("gold", "none", "国内最大金矿{time}黄金产量下降{p}。"), ("gold", "none", "{c}一季度黄金矿产量增长{p}。"),
           ("gold", "none", "黄金股{time}大涨{p}。"), ("gold", "none", "黄金板块{time}下跌{p}，跑输大盘。"),
           ("gold", "none", "一家珠宝连锁品牌在{c}新开40家黄金饰品门店。"), ("gold", "none", "{c}节日期间黄金首饰销售火爆。"),
           ("gold", "none", "{c}代表团{time}再获三枚金牌。"), ("gold", "none", "该游泳选手{time}夺得200米金牌。"),
           ("gold", "not_bullish", "央行购金量同比下降{p}。"), ("gold", "not_bullish", "全球央行本季度购金量较去年同期减少{p}。"),
           ("usd", "none", "澳元兑美元{time}下跌{p}。"), ("usd", "none", "该公司{time}签下一份10亿美元的合同。"),
           ("usd", "none", "加元{time}上涨{p}。"), ("usd", "none", "公司净利润为3.2亿美元，同比增长{p}。")],
}


def not_price(lang: str) -> list:
    b = Builder("not_price", lang)
    for asset, want, template in _NOT_PRICE[lang]:
        for c in b.pick(_COUNTRIES[lang], 3):
            text = template.format(c=c, p=b.choice(PERCENTS), time=b.choice(TIMES[lang]))
            b.mft(asset, text, want, name=template)
        text = template.format(c=b.choice(_COUNTRIES[lang]), p=b.choice(PERCENTS), time=b.choice(TIMES[lang]))
        b.invariances(asset, text, want, kinds=("place", "unrelated", "fullwidth"), k=2)
    # the same words about the price are a view: the tests above are not passed by silence alone
    for c in _COUNTRIES[lang]:
        p = b.choice(PERCENTS)
        if lang == "en":
            pairs = [(f"{c}'s gold imports rose {p} in May.", f"Gold prices rose {p} in May."),
                     (f"Shares of gold miners fell {p} {b.choice(TIMES['en'])}.",
                      f"Gold fell {p} {b.choice(TIMES['en'])}.")]
        else:
            pairs = [(f"{c}5月黄金进口量增长{p}。", f"金价5月上涨{p}。"), (f"黄金股{b.choice(TIMES['zh'])}下跌{p}。",
                                                             f"金价{b.choice(TIMES['zh'])}下跌{p}。")]
        for (base, price), want in zip(pairs, ("bullish", "bearish")):
            b.dir("gold", base, "none", price, want, name="not price -> price")
    return b.cases


# ---------------------------------------------------------------------------------------------
# metals idioms: concentrate charges, export bans, strikes, smelter cuts, inventories

def metals_idioms(lang: str) -> list:
    b = Builder("metals_idioms", lang)
    t = TIMES[lang]
    # treatment charges: falling TCs mean tight concentrate (bullish copper); rising TCs the reverse
    if lang == "en":
        tc_down = ["Copper treatment charges fell below zero {time}.",
                   "Spot copper concentrate TC/RCs dropped to a record low {time}.",
                   "Smelters accepted negative treatment charges for copper concentrate.",
                   "Copper TCs slumped to their lowest in a decade as mine supply tightened."]
        tc_up = ["Copper treatment charges rebounded {time}.",
                 "Spot copper concentrate TC/RCs rose to a one-year high."]
    else:
        tc_down = ["铜精矿加工费TC{time}跌至负值。", "现货铜精矿加工费降至历史低位。", "冶炼厂接受负的铜精矿加工费。",
                   "矿端供应趋紧，铜精矿加工费TC跌至十年低点。"]
        tc_up = ["铜精矿加工费TC{time}回升。", "现货铜精矿加工费升至一年高位。"]
    for template in tc_down:
        for time in b.pick(t, 3):
            text = template.format(time=time)
            b.mft("copper", text, "bullish", name="TC down")
        b.invariances("copper", template.format(time=b.choice(t)), "bullish", k=2)
    for down, up in zip(tc_down, tc_up):
        time = b.choice(t)
        b.dir("copper", down.format(time=time), "bullish", up.format(time=time), "bearish", name="TC flip")
    # export bans: ore bans cut supply (bullish); lifting them the reverse
    bans = {"en": [("Indonesia halted nickel ore exports {time}.", "nickel"),
                   ("Indonesia suspended nickel ore export permits.", "nickel"),
                   ("The Philippines banned nickel ore shipments from several mines.", "nickel"),
                   ("Myanmar's Wa region suspended tin mining.", "tin"),
                   ("Indonesia halted tin exports after a probe into illegal mining.", "tin"),
                   ("Guinea suspended bauxite exports from several mines, threatening aluminium supply.", "aluminium")],
            "zh": [("印尼{time}暂停镍矿出口。", "nickel"), ("印尼暂停发放镍矿石出口许可。", "nickel"),
                   ("菲律宾禁止多座矿山出口镍矿石。", "nickel"), ("缅甸佤邦暂停锡矿开采。", "tin"),
                   ("印尼因调查非法采矿暂停锡出口。", "tin"), ("几内亚暂停多座矿山的铝土矿出口，铝供应受威胁。", "aluminium")]}
    lifted = {"en": {"nickel": "Indonesia lifted its ban on nickel ore exports.",
                     "tin": "Myanmar's Wa region resumed tin mining.",
                     "aluminium": "Guinea allowed bauxite exports to resume, easing aluminium supply worries."},
              "zh": {"nickel": "印尼解除镍矿出口禁令。", "tin": "缅甸佤邦恢复锡矿开采。",
                     "aluminium": "几内亚恢复铝土矿出口，铝供应担忧缓解。"}}
    for template, metal in bans[lang]:
        for time in b.pick(t, 2):
            text = template.format(time=time)
            b.mft(metal, text, "bullish", name="export ban")
            b.mft("usd", text, "none", name="export ban")
        text = template.format(time=b.choice(t))
        b.invariances(metal, text, "bullish", k=2)
        b.dir(metal, text, "bullish", lifted[lang][metal], "bearish", name="ban lifted")
    # a denied ban is no ban
    denied = {"en": [("Indonesia denied it would halt nickel ore exports.", "nickel"),
                     ("The Philippines said it has no plan to ban nickel ore shipments.", "nickel"),
                     ("Officials denied reports that tin mining in Myanmar's Wa region would be suspended.", "tin")],
              "zh": [("印尼否认将暂停镍矿出口。", "nickel"), ("菲律宾表示没有禁止镍矿石出口的计划。", "nickel"),
                     ("官方否认缅甸佤邦将暂停锡矿开采的传闻。", "tin")]}
    for (text, metal), (base, _) in zip(denied[lang], [bans[lang][0], bans[lang][2], bans[lang][3]]):
        b.dir(metal, base.format(time=b.choice(t)), "bullish", text, "flat", name="ban denied")
    # strikes at copper mines cut supply
    if lang == "en":
        strikes = ["Workers at {mine} walked off the job {time}.", "Miners at {mine} in {country} went on strike.",
                   "A strike halted output at {mine} {time}.", "Unionised workers at {mine} downed tools over pay."]
        ended = "Workers at {mine} ended their strike and returned to work."
    else:
        strikes = ["{mine}铜矿工人{time}举行罢工。", "{country}{mine}铜矿工人开始罢工。", "罢工导致{mine}铜矿{time}停产。",
                   "{mine}铜矿工会因薪资问题发起罢工。"]
        ended = "{mine}铜矿工人结束罢工，恢复生产。"
    for template in strikes:
        for mine, country in b.pick(COPPER_MINES[lang], 3):
            text = template.format(mine=mine, country=country, time=b.choice(t))
            b.mft("copper", text, "bullish", name="strike")
        (mine, country), (mine2, country2) = b.pick(COPPER_MINES[lang], 2)
        time = b.choice(t)
        text = template.format(mine=mine, country=country, time=time)
        other = template.format(mine=mine2, country=country2, time=time)
        b.inv("copper", text, other, "bullish", name="other mine")
        b.dir("copper", text, "bullish", ended.format(mine=mine), "bearish", name="strike ended")
        averted = ("Workers at {mine} accepted the wage offer, averting a strike." if lang == "en"
                   else "{mine}铜矿工人接受薪资方案，罢工得以避免。")
        b.dir("copper", text, "bullish", averted.format(mine=mine), "not_bullish", name="strike averted")
    # smelter cuts and inventories
    for metal in BASE_METALS:
        noun = METAL_NOUN[metal][lang]
        if lang == "en":
            cuts = [f"{cap(noun)} smelters cut output amid power rationing.",
                    f"A major {noun} smelter in {b.choice(REGIONS['en'])} halted production after a fire."]
            low = f"LME {noun} inventories fell to a {b.choice(['two', 'five', 'ten'])}-year low {b.choice(t)}."
            high = f"LME {noun} inventories rose to a {b.choice(['two', 'five', 'ten'])}-year high {b.choice(t)}."
        else:
            cuts = [f"限电导致{noun}冶炼厂减产。", f"{b.choice(REGIONS['zh'])}一家大型{noun}冶炼厂因火灾停产。"]
            low = f"伦{noun}库存{b.choice(t)}降至{b.choice(['两', '五', '十'])}年低位。"
            high = f"伦{noun}库存{b.choice(t)}升至{b.choice(['两', '五', '十'])}年高位。"
        for text in cuts:
            b.mft(metal, text, "bullish", name="smelter cut")
        b.mft(metal, low, "bullish", name="inventory low")
        b.mft(metal, high, "bearish", name="inventory high")
        b.dir(metal, low, "bullish", high, "bearish", name="inventory flip")
    return b.cases


# ---------------------------------------------------------------------------------------------
# contrast across assets: each asset its own view, equal moves equal weights

# (up verb, down verb, how the clauses join)
_CONTRAST = {"en": [("rose", "fell", "{A} {u} {p} but {B} {d} {p}."),
                    ("rose", "fell", "{A} {u} {p}, while {B} {d} {p}."),
                    ("gained", "lost", "{A} {u} {p}, whereas {B} {d} {p}.")],
             "zh": [("上涨", "下跌", "{A}{u}{p}，但{B}{d}{p}。"), ("上涨", "下跌", "{A}{u}{p}，而{B}{d}{p}。"),
                    ("上涨", "下跌", "{A}{u}{p}，同时{B}{d}{p}。")]}


def contrast(lang: str) -> list:
    b = Builder("contrast", lang)
    assets = ["gold", *BASE_METALS]
    pairs = [(x, y) for x in assets for y in assets if x != y]
    for up_asset, down_asset in b.pick(pairs, 16):
        u, d, template = b.choice(_CONTRAST[lang])
        p = b.choice(PERCENTS)
        ua, da = b.alias(up_asset, singular=True), b.alias(down_asset, singular=True)
        text = template.format(A=cap(ua) if lang == "en" else ua, B=da, p=p, u=u, d=d)
        b.mft(up_asset, text, "bullish", other=down_asset, name=template)
        b.mft(down_asset, text, "bearish", other=up_asset, name=template)
        if lang == "en":
            alone_up, alone_down = f"{cap(ua)} {u} {p}.", f"{cap(da)} {d} {p}."
            swapped = f"{cap(da)} {d} {p} but {ua} {u} {p}."
        else:
            alone_up, alone_down = f"{ua}{u}{p}。", f"{da}{d}{p}。"
            swapped = f"{da}{d}{p}，但{ua}{u}{p}。"
        # the clause about the other asset neither weakens nor strengthens this one
        b.dir(up_asset, alone_up, "bullish", text, "bullish", relation="same_score", name="add contrasting asset")
        b.dir(down_asset, alone_down, "bearish", text, "bearish", relation="same_score", name="add contrasting asset")
        b.inv(up_asset, text, swapped, "bullish", name="swap clauses")
        b.inv(down_asset, text, swapped, "bearish", name="swap clauses")
    # a contrast within one asset still weighs: the later clause leads
    for asset in ("gold", "copper", "nickel"):
        alias = b.alias(asset)
        if lang == "en":
            text = f"{cap(alias)} rose early in the session but later fell {b.choice(PERCENTS)} to close lower."
        else:
            text = f"{alias}早盘上涨，但随后回落{b.choice(PERCENTS)}，收盘走低。"
        b.mft(asset, text, "bearish", name="same-asset contrast")
    return b.cases


CAPABILITIES = {"not_price": not_price, "metals_idioms": metals_idioms, "contrast": contrast}
