"""Filler lists for the templates, in both languages: asset aliases, actors, places, numbers, time
phrases and sentences that say nothing about any market. Written for this suite, not taken from any
evaluation set."""

from __future__ import annotations

# names a writer uses for the metal itself (safe-haven demand for ..., ... 避险需求)
GOLD_NOUNS = {"en": ["gold", "bullion", "the yellow metal"], "zh": ["黄金", "现货黄金"]}

ALIASES: dict[str, dict[str, list[str]]] = {
    "gold": {"en": ["gold", "spot gold", "bullion", "COMEX gold", "gold futures", "gold prices"],
             "zh": ["黄金", "金价", "现货黄金", "沪金", "伦敦金", "国际金价"]},
    "usd": {"en": ["the dollar", "the US dollar", "the greenback", "the dollar index", "the U.S. dollar"],
            "zh": ["美元", "美元指数", "美指"]},
    "copper": {"en": ["copper", "LME copper", "COMEX copper", "copper prices"],
               "zh": ["铜价", "伦铜", "沪铜", "期铜"]},
    "aluminium": {"en": ["aluminium", "aluminum", "LME aluminium"],
                  "zh": ["铝价", "伦铝", "沪铝"]},
    "zinc": {"en": ["zinc", "LME zinc"], "zh": ["锌价", "伦锌", "沪锌"]},
    "nickel": {"en": ["nickel", "LME nickel"], "zh": ["镍价", "伦镍", "沪镍"]},
    "tin": {"en": ["tin prices", "LME tin"], "zh": ["锡价", "伦锡", "沪锡"]},
    "lead": {"en": ["lead prices", "LME lead"], "zh": ["铅价", "伦铅", "沪铅"]},
}

BASE_METALS = ("copper", "aluminium", "zinc", "nickel", "tin", "lead")

# the metal itself as a noun (supply of ..., ... ore), not its price
METAL_NOUN = {
    "copper": {"en": "copper", "zh": "铜"}, "aluminium": {"en": "aluminium", "zh": "铝"},
    "zinc": {"en": "zinc", "zh": "锌"}, "nickel": {"en": "nickel", "zh": "镍"},
    "tin": {"en": "tin", "zh": "锡"}, "lead": {"en": "lead", "zh": "铅"}, "gold": {"en": "gold", "zh": "黄金"},
}

PERCENTS = ["0.4%", "0.8%", "1%", "1.3%", "2%", "2.6%", "3%"]
BASIS_POINTS = {"en": ["25 basis points", "50 basis points", "a quarter point", "half a percentage point"],
                "zh": ["25个基点", "50个基点", "0.25个百分点", "0.5个百分点"]}

TIMES = {"en": ["on Monday", "on Tuesday", "on Wednesday", "on Thursday", "on Friday", "overnight", "in early trade"],
         "zh": ["周一", "周二", "周三", "周四", "周五", "隔夜", "早盘"]}
FUTURE_TIMES = {"en": ["next week", "next month", "next year", "in the second half", "in the coming months"],
                "zh": ["下周", "下个月", "明年", "下半年", "未来几个月"]}

# regions, several with "East" in them (a wildcard eas* must not read them as easing)
REGIONS = {"en": ["the Middle East", "Eastern Europe", "East Asia", "Southeast Asia", "East Africa", "the Far East",
                  "the Gulf", "West Africa", "Latin America", "Northeast China"],
           "zh": ["中东", "东欧", "东亚", "东南亚", "东非", "远东", "海湾地区", "西非", "拉美", "华东"]}
CITIES = {"en": ["LONDON", "SINGAPORE", "DUBAI", "NEW YORK", "SHANGHAI", "SYDNEY", "EAST LONDON", "EASTBOURNE"],
          "zh": ["北京", "上海", "伦敦", "纽约", "迪拜", "新加坡", "香港"]}

# rival pairs for geopolitical stories
RIVALS = {"en": [("Israel", "Iran"), ("Russia", "Ukraine"), ("India", "Pakistan"), ("the US", "Iran"),
                 ("North and South Korea", None), ("China", "the Philippines"), ("Armenia", "Azerbaijan")],
          "zh": [("以色列", "伊朗"), ("俄罗斯", "乌克兰"), ("印度", "巴基斯坦"), ("美国", "伊朗"), ("朝鲜", "韩国"),
                 ("亚美尼亚", "阿塞拜疆")]}

FOREIGN_BANKS = {"en": ["The European Central Bank", "The ECB", "The Bank of Japan", "The BoJ", "The Bank of England",
                        "The Reserve Bank of Australia", "The Bank of Canada", "The Swiss National Bank",
                        "The People's Bank of China", "The PBOC", "The Reserve Bank of India"],
                 "zh": ["欧洲央行", "日本央行", "英国央行", "英格兰银行", "澳洲联储", "加拿大央行", "瑞士央行", "中国人民银行",
                        "印度央行", "韩国央行"]}
FED = {"en": ["The Fed", "The Federal Reserve", "The FOMC", "The US Federal Reserve", "The U.S. central bank"],
       "zh": ["美联储", "联储", "美国联邦储备委员会", "美联储FOMC"]}
FED_SPEAKERS = {"en": ["The Fed chair", "A Fed governor", "Several Fed officials", "A regional Fed president"],
                "zh": ["美联储主席", "一位美联储理事", "多位美联储官员", "一位地区联储主席"]}

# copper mines and the country each is in
COPPER_MINES = {"en": [("Escondida", "Chile"), ("Grasberg", "Indonesia"), ("Cobre Panama", "Panama"),
                       ("Las Bambas", "Peru"), ("Kamoa-Kakula", "the Congo"), ("El Teniente", "Chile")],
                "zh": [("埃斯康迪达", "智利"), ("格拉斯伯格", "印尼"), ("科布雷", "巴拿马"), ("拉斯邦巴斯", "秘鲁"),
                       ("卡莫阿-卡库拉", "刚果(金)"), ("特尼恩特", "智利")]}

# sentences that say nothing about gold, the dollar or any metal
UNRELATED = {"en": ["Separately, a phone maker unveiled its new handset.",
                    "The city marathon drew a record field of runners.",
                    "Rain is forecast for much of the weekend.",
                    "A new museum opened its doors to visitors.",
                    "The film festival announced its jury.",
                    "Trading volumes were thin ahead of the Easter holiday."],
             "zh": ["另外，一家手机厂商发布了新款手机。",
                    "城市马拉松吸引了创纪录的参赛人数。",
                    "周末大部分地区将迎来降雨。",
                    "一座新博物馆正式对外开放。",
                    "电影节公布了评审团名单。",
                    "东部沿海地区天气晴好。"]}

# reporting tags that carry a place name
PLACE_TAGS = {"en": ["(Reporting by our {desk} desk)", "(Additional reporting from {region})"],
              "zh": ["（{region}记者站报道）", "（来源：{region}分社）"]}
DATELINES = {"en": ["{city}, June 3 - ", "{city} (wire) - "], "zh": ["本报{city}讯 ", "{city}6月3日电 "]}
