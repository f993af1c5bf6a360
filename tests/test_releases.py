"""Economic releases: the reader of numbers, the catalogue's directions, and the release field.

Every sentence here is written for these tests (no sentence of an evaluation set)."""

import json
import math

import pytest

from impact.ruleset.collection import load_ruleset
from impact.engine import Engine
from impact.pipeline.releases import (
    BARE,
    IN_LINE,
    ReleaseReader,
    assign_roles,
    catalogue_unit,
    chinese_numeral,
    comparison_words,
    parse_number,
    quantities,
    read_unit,
)
from impact.pipeline.text import normalise, segment

from conftest import RULES


@pytest.fixture(scope="module")
def engine():
    return Engine(load_ruleset(RULES))


def release_votes(engine, text):
    """{asset: direction} of the release evidence, and the release fields of the first one."""
    report = engine.evaluate(text)
    views, release = {}, None
    for signal in report.with_evidence():
        for ev in signal.evidence:
            if ev.rule.startswith("release."):
                views[signal.asset] = ev.direction
                release = release or ev.release
    return views, release


def readings(engine, text):
    return engine.trace(text).releases


# -- numbers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, value", [
    ("7.3", 7.3), ("-0.4", -0.4), ("+1.5", 1.5), ("250,000", 250000.0), ("−0.1", -0.1), ("负0.2", -0.2),
    ("１２．５", 12.5), ("－３", -3.0), ("0.00", 0.0), ("1,234,567.5", 1234567.5),
])
def test_parse_number_reads_plain_prints(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", [
    "1e308", "1E308", "--", "None", "", "9" * 99, "1" * 16, "nan", "inf", "1.2.3", "12,34", "3.1%", "abc", None, 7,
])
def test_parse_number_refuses_what_is_no_print(text):
    assert parse_number(text) is None


def test_chinese_numerals_before_a_scale():
    assert chinese_numeral("两") == 2 and chinese_numeral("二十三") == 23 and chinese_numeral("一千二百") == 1200
    assert chinese_numeral("二三") is None and chinese_numeral("") is None
    norm, _ = normalise("就业人数增加两万人")
    [q] = quantities(norm, 0, len(norm))
    assert (q.value, q.unit.label, q.base) == (2.0, "万人", 20000.0)


@pytest.mark.parametrize("text, unit", [
    ("%", ("pct", 1.0, "%")), ("个百分点", ("pct", 1.0, "pp")), (" percentage points", ("pct", 1.0, "pp")),
    ("个基点", ("pct", 0.01, "bp")), (" bps", ("pct", 0.01, "bp")), ("万人", ("count", 1e4, "万人")),
    ("亿元", ("count", 1e8, "亿元")), ("万亿元", ("count", 1e12, "万亿元")), ("k", ("count", 1e3, "K")),
    (" million", ("count", 1e6, "M")), ("bn", ("count", 1e9, "bn")), (" trillion", ("count", 1e12, "tn")),
])
def test_units_and_scales(text, unit):
    found, _ = read_unit(text)
    assert (found.kind, found.factor, found.label) == unit


def test_no_unit_is_bare_and_a_word_is_no_scale():
    assert read_unit("")[0] is BARE and read_unit(" months")[0] is BARE and read_unit(" mining")[0] is BARE


def test_catalogue_units():
    assert catalogue_unit("万人").factor == 1e4 and catalogue_unit("%").kind == "pct"
    assert catalogue_unit("").kind == "index" and catalogue_unit("K").factor == 1e3
    assert catalogue_unit("points") is None and catalogue_unit("万人人") is None


def prints(text):
    norm, _ = normalise(text)
    return [(q.value, q.unit.label) for q in quantities(norm, 0, len(norm))]


def test_dates_times_ranges_names_and_malformed_numbers_are_no_prints():
    assert prints("美国至8月2日当周 2025年 第3季度 20:30公布") == []
    assert prints("区间为4.00%-4.25%，销量20-50万吨") == []
    assert prints("the 2025 outlook") == []  # a year
    assert prints("读数 1e308，另有 " + "9" * 99 + " 和 3.5e-2") == []
    assert prints("m2 q2 h1") == []
    assert prints("录得７．３万人，预期１１万人") == [(7.3, "万人"), (11.0, "万人")]  # full-width digits
    assert prints("rose 250,000 vs 180k") == [(250000.0, ""), (180.0, "K")]
    assert prints("降至-0.4%") == [(-0.4, "%")]


def roles(text):
    norm, _ = normalise(text)
    found = quantities(norm, 0, len(norm))
    r = assign_roles(norm, 0, len(norm), found)
    return tuple(None if q is None else q.value for q in (r.actual, r.consensus, r.previous, r.revised_from))


@pytest.mark.parametrize("text, expected", [
    (" 6.8万人，预期10.5万人，前值由13.9万人修正为2.1万人。", (6.8, 10.5, 2.1, 13.9)),
    (" 前值:13.9 预期:10.5 公布:6.8", (6.8, 10.5, 13.9, None)),
    ("录得7.3万人，低于市场预期的11万人", (7.3, 11.0, None, None)),
    ("增加1.9万人至24.8万人，高于前值22.9万和预期值23.1万", (24.8, 23.1, 22.9, None)),
    (" rose 250,000 vs 180,000 expected", (250000.0, 180000.0, None, None)),
    (" came in at 3.1%, above the 3.0% forecast", (3.1, 3.0, None, None)),
    (" rose by 73,000, well below the 110,000 economists had expected", (73000.0, 110000.0, None, None)),
    (" rose to 4.3% from 4.2%, above the 4.1% consensus", (4.3, 4.1, 4.2, None)),
    (" fell 0.5% in May after a revised 0.2% gain, against a 0.1% rise expected", (-0.5, 0.1, 0.2, None)),
    ("录得2.6%，为6月以来新低，市场预期为3.3%", (2.6, 3.3, None, None)),
])
def test_roles_of_the_numbers(text, expected):
    assert roles(text) == expected


def test_comparison_words_both_languages():
    def kinds(text):
        norm, _ = normalise(text)
        return [(w.kind, w.factor) for w in comparison_words(norm, 0, len(norm))]

    assert kinds("数据大幅低于市场预期") == [("down", 0.7)]
    assert kinds("略高于预期") == [("up", 0.35)]
    assert kinds("好于预期") == [("good", 0.5)]
    assert kinds("符合市场预期") == [("inline", 0.5)]
    assert kinds("与预期相符") == [("inline", 0.5)]
    assert kinds("payrolls beat expectations") == [("good", 0.5)]
    assert kinds("a hotter-than-expected print") == [("up", 0.5)]
    assert kinds("came in line with forecasts")[0][0] == "inline"
    assert kinds("prices rose as expected") == [("inline", 0.5)]
    assert kinds("as the market had hoped") == []


# -- directions, per family, in both languages --------------------------------------------------

USD_UP, USD_DOWN = {"usd": "bullish", "gold": "bearish"}, {"usd": "bearish", "gold": "bullish"}
METALS_UP = {"copper": "bullish", "aluminium": "bullish", "zinc": "bullish", "nickel": "bullish"}
METALS_DOWN = {k: "bearish" for k in METALS_UP}

CASES = [
    # labour: payrolls (a level in 万人 / jobs)
    ("labour beat zh", "美国9月季调后非农就业人口 25.4万人，预期14万人，前值14.2万人。", USD_UP),
    ("labour miss en", "U.S. nonfarm payrolls rose just 12,000, missing the 100,000 forecast.", USD_DOWN),
    ("labour in line zh", "美国2月季调后非农就业人口 15.1万人，预期15万人，前值12.5万人。", {}),
    ("labour in line en", "Nonfarm payrolls came in at 180,000, matching the 180,000 expected.", {}),
    ("labour words zh", "【美国非农就业人数远不及预期】劳工部数据显示招聘明显放缓。", USD_DOWN),
    ("labour words en", "U.S. payrolls beat expectations again in the spring.", USD_UP),
    ("labour revised zh", "美国4月季调后非农就业人口 17.7万人，预期13.8万人，前值由22.8万人修正为18.5万人。", USD_UP),
    ("labour negative zh", "美国6月季调后非农就业人口 -1.3万人，预期5万人，前值1.9万人。", USD_DOWN),
    ("labour negative en", "Nonfarm payrolls fell 33,000, against a 50,000 gain expected.", USD_DOWN),
    # labour: unemployment and claims (a higher print is the weaker side)
    ("unemployment up zh", "美国11月失业率 4.6%，预期4.4%，前值4.4%。", USD_DOWN),
    ("unemployment down en", "The U.S. unemployment rate dipped to 3.7%, below the 3.9% economists expected.", USD_UP),
    ("unemployment in line en", "The U.S. jobless rate held at 4.1%, in line with expectations.", {}),
    ("claims up zh", "美国至5月10日当周初请失业金人数 25万人，预期22.9万人，前值22.8万人。", USD_DOWN),
    ("claims words en", "U.S. initial jobless claims came in higher than expected last week.", USD_DOWN),
    ("claims better words zh", "美国上周初请失业金人数好于预期。", USD_UP),
    # inflation: percent prints
    ("cpi beat zh", "美国1月未季调CPI年率 3.2%，预期2.9%，前值2.9%。", USD_UP),
    ("cpi miss en", "U.S. CPI y/y came in at 2.2%, below the 2.4% forecast.", USD_DOWN),
    ("cpi in line zh", "美国9月未季调CPI年率 3.0%，预期3.00%，前值2.90%。", {}),
    ("cpi words en", "U.S. consumer prices rose at a hotter-than-expected pace in March.", USD_UP),
    ("cpi words zh", "美国核心CPI年率低于预期。", USD_DOWN),
    ("ppi negative zh", "美国4月PPI月率 -0.5%，预期0.2%，前值0.4%。", USD_DOWN),
    ("ppi revised en", "U.S. producer prices rose 2.6% y/y, above the 2.2% expected; the prior month was revised to 2.4%.", USD_UP),
    ("core pce basis points", "U.S. core PCE rose 2.9%, 20 basis points above the 2.7% consensus.", USD_UP),
    # growth: index levels (PMI) and percent growth
    ("ism level zh", "美国5月ISM制造业PMI 51.3，预期49.5，前值49。", USD_UP),
    ("ism level en", "The ISM manufacturing index fell to 46.5, below the 48.0 forecast.", USD_DOWN),
    ("ism in line zh", "美国6月ISM非制造业PMI 前值:51.6 预期:52 公布:52.1", {}),
    ("gdp negative zh", "美国第一季度实际GDP年化季率初值 -0.5%，预期0.4%，前值2.4%。", USD_DOWN),
    ("retail words en", "U.S. retail sales missed expectations as shoppers held back.", USD_DOWN),
    # policy
    ("fed hawkish zh", "美国至6月12日美联储利率决定(上限) 5.75%，预期5.5%，前值5.5%。", USD_UP),
    ("fed in line zh", "美国至7月31日美联储利率决定(上限) 前值:4.50 预期:4.50 公布:4.5", {}),
    # China: activity, credit, prices
    ("cn pmi beat zh", "中国5月官方制造业PMI 50.6，预期49.8，前值49.5。", METALS_UP),
    ("cn pmi percent zh", "中国4月份制造业PMI为49.0%，低于市场预期的49.9%。", METALS_DOWN),
    ("cn pmi miss en", "China's Caixin manufacturing PMI fell to 48.9, below the 50.3 forecast.", METALS_DOWN),
    ("cn pmi in line zh", "中国3月财新制造业PMI 50.8，预期50.8，前值50.4。", {}),
    ("cn pmi words zh", "中国财新制造业PMI好于预期，新订单回升。", METALS_UP),
    ("cn credit level zh", "中国4月社会融资规模增量 1.2万亿元，预期1.8万亿元，前值4.5万亿元。", METALS_DOWN),
    ("cn credit scales en", "China's new yuan loans came in at 1.1 trillion, above the 800 billion expected.", METALS_UP),
    ("cn ppi negative zh", "中国6月PPI年率 -2.2%，预期-2.6%，前值-2.8%。", METALS_UP),
    ("cn exports revised zh", "中国5月出口年率 3.2%，预期6%，前值由8.1%修正为8.3%。", METALS_DOWN),
]


@pytest.mark.parametrize("name, text, expected", CASES, ids=[c[0] for c in CASES])
def test_direction_per_family(engine, name, text, expected):
    views, _ = release_votes(engine, text)
    assert views == expected


def test_another_economy_or_an_unnamed_shared_alias_is_no_release(engine):
    assert release_votes(engine, "英国8月CPI年率 3.9%，预期3.5%，前值3.6%。")[0] == {}
    assert release_votes(engine, "Japan's unemployment rate rose to 2.8%, above the 2.5% expected.")[0] == {}
    assert release_votes(engine, "欧元区7月制造业PMI终值 49.8，预期49.1。")[0] == {}
    assert release_votes(engine, "CPI年率 3.1%，预期3.0%。")[0] == {}  # whose CPI? US and China share the name
    assert release_votes(engine, "中国8月CPI年率 0.8%，预期0.4%。")[0] == METALS_UP  # the economy decides


def test_a_hedged_or_conditional_comparison_is_no_release(engine):
    assert release_votes(engine, "分析师称，美国非农数据可能好于预期。")[0] == {}
    assert release_votes(engine, "If U.S. payrolls beat expectations, the dollar could rally.")[0] == {}
    assert release_votes(engine, "美国5月零售销售好于预期。")[0] == USD_UP
    assert release_votes(engine, "U.S. retail sales in May beat expectations.")[0] == USD_UP


def test_numbers_that_contradict_the_words_are_not_trusted(engine):
    [r] = readings(engine, "美国3月季调后非农就业人口 23万人，低于市场预期的18万人。")
    assert r.side is None and "contradict" in r.note


def test_only_a_previous_value_gives_no_view(engine):
    [r] = readings(engine, "美国9月纽约联储通胀预期3.4%，前值3.2%。") or [None]
    assert r is None or r.side is None


def test_release_field_in_the_unit_printed(engine):
    _, release = release_votes(engine, "美国6月季调后非农就业人口 6.8万人，预期10.5万人，前值由13.9万人修正为2.1万人。")
    assert release.model_dump(exclude_none=True) == {
        "indicator": "us_nonfarm_payrolls", "actual": 6.8, "consensus": 10.5, "previous": 2.1, "surprise": -3.7,
        "unit": "万人", "revised_from": 13.9, "scaled_surprise": -0.74,
    }
    _, release = release_votes(engine, "美国10月CPI年率 3.1%，预期3.0%。")
    assert (release.actual, release.consensus, release.previous, release.surprise, release.unit) == (3.1, 3, None, 0.1, "%")
    _, release = release_votes(engine, "Payrolls rose 250,000 vs 180,000 expected.")
    assert (release.actual, release.consensus, release.surprise, release.unit) == (250000, 180000, 70000, "")
    _, release = release_votes(engine, "Payrolls rose 250K vs 180,000 expected.")
    assert (release.actual, release.consensus, release.surprise, release.unit) == (250, 180, 70, "K")


def test_report_json_carries_release_only_on_release_evidence(engine):
    text = "美国5月季调后非农就业人口 3.1万人，预期8.4万人。美元走弱提振金价。"
    data = json.loads(engine.evaluate(text).to_json())
    evidence = [ev for s in data["signals"] + data["undecided"] for ev in s["evidence"]]
    released = [ev for ev in evidence if ev["rule"].startswith("release.")]
    others = [ev for ev in evidence if not ev["rule"].startswith("release.")]
    assert released and others
    assert all(set(ev["release"]) >= {"indicator", "actual", "consensus", "previous", "surprise", "unit"} for ev in released)
    assert all(ev["release"]["previous"] is None for ev in released)
    assert all("release" not in ev for ev in others)
    assert all(text[ev["start"]:ev["end"]] == ev["sentence"] for ev in evidence)


def test_explanation_cites_the_numbers(engine):
    report = engine.evaluate("美国6月季调后非农就业人口 6.8万人，预期10.5万人，前值13.9万人。")
    usd = report.signal("usd")
    assert usd.direction == "bearish"
    [ev] = usd.evidence
    assert ev.explanation == (
        "US nonfarm payrolls 6.8万人 vs 10.5万人 expected (−3.7万人, below consensus): a weaker labour market → usd bearish"
    )
    assert ev.rule == "release.us_nonfarm_payrolls" and ev.basis == "inferred" and ev.trigger.text == "季调后非农就业人口"


def test_strength_grows_with_the_surprise_and_is_capped(engine):
    def weight(actual):
        report = engine.evaluate(f"美国3月未季调CPI年率 {actual}%，预期3.0%。")
        return report.signal("usd").evidence[0].weight if report.signal("usd") else 0.0

    w = [weight(a) for a in ("3.0", "3.02", "3.1", "3.15", "3.5", "4.5")]
    assert w[0] == 0 and w[1] == 0  # in line: |z| < IN_LINE
    assert 0 < w[2] < w[3] < w[4]
    assert w[4] == w[5]  # capped
    words = engine.evaluate("美国CPI年率高于预期。").signal("usd").evidence[0].weight
    assert 0 < words < w[4]
    assert IN_LINE > 0


def release_weight(engine, text, asset="usd"):
    return max(ev.weight for s in engine.evaluate(text).with_evidence() if s.asset == asset
               for ev in s.evidence if ev.rule.startswith("release."))


def test_words_only_weigh_less_than_a_clear_numeric_surprise(engine):
    numbers = release_weight(engine, "美国3月零售销售月率 1.4%，预期0.6%。")
    words = release_weight(engine, "美国3月零售销售高于预期。")
    slight = release_weight(engine, "美国3月零售销售略高于预期。")
    assert numbers > words > slight


def test_two_releases_in_one_sentence_are_read_apart(engine):
    rs = readings(engine, "美国7月失业率 4.3%，预期4.2%；季调后非农就业人口 20万人，预期10万人。")
    got = {r.indicator: (r.actual, r.consensus, r.side) for r in rs}
    assert got["us_unemployment_rate"] == (4.3, 4.2, "upside")
    assert got["us_nonfarm_payrolls"] == (20, 10, "upside")


def test_release_votes_join_the_resolution_with_other_rules(engine):
    # a hot CPI print (usd bullish) and a release on the same side: one net view, both cited
    report = engine.evaluate("美国3月未季调CPI年率 3.5%，预期3.2%。美国3月季调后核心CPI月率 0.5%，预期0.3%。")
    usd = report.signal("usd")
    assert usd.direction == "bullish"
    assert {ev.rule for ev in usd.evidence} == {"release.us_cpi_yoy", "release.us_core_cpi_mom"}


def test_evidence_frame_has_release_columns(engine):
    import pandas as pd

    df = pd.DataFrame({"id": ["a", "b"], "text": ["美国10月CPI年率 3.1%，预期3.0%，前值3.0%。", "美元走弱提振金价。"]})
    frame = engine.evaluate_frame(df, per="evidence", time=None)
    rel = frame[frame["rule"].str.startswith("release.")]
    assert set(rel["release_indicator"]) == {"us_cpi_yoy"}
    assert list(rel["release_actual"]) == [3.1] * len(rel) and list(rel["release_unit"]) == ["%"] * len(rel)
    assert list(rel["release_previous"]) == [3.0] * len(rel)
    other = frame[~frame["rule"].str.startswith("release.")]
    assert len(other) and other["release_indicator"].isna().all() and other["release_actual"].isna().all()


def test_trace_shows_every_reading_in_line_ones_too(engine):
    from impact.explain.trace import trace_dict

    tr = engine.trace("美国6月失业率 4.1%，预期4.1%。美国6月ISM制造业PMI 52，预期49。")
    data = trace_dict(tr, engine)
    by = {r["indicator"]: r for r in data["releases"]}
    assert by["us_unemployment_rate"]["side"] is None and "in line" in by["us_unemployment_rate"]["note"]
    assert by["us_ism_manufacturing_pmi"]["side"] == "upside"
    assert by["us_ism_manufacturing_pmi"]["alias"]["text"] == "ISM制造业PMI"
    weighing = {w["asset"]: w for w in data["weighing"]}
    [vote] = weighing["usd"]["votes"]
    assert vote["rule"] == "release.us_ism_manufacturing_pmi"
    assert math.isclose(vote["factors"][0]["value"] * vote["factors"][1]["value"], vote["weight"], abs_tol=1e-3)


def test_adversarial_numbers_in_a_release_give_no_view_and_no_error(engine):
    for text in (
        "美国7月季调后非农就业人口 1e308万人，预期11万人。",
        "美国7月季调后非农就业人口 " + "9" * 99 + "万人，预期11万人。",
        "美国7月季调后非农就业人口 --，预期11万人，前值None。",
        "U.S. nonfarm payrolls came in at 1e308 vs 110,000 expected.",
    ):
        assert release_votes(engine, text)[0] == {}


def test_full_width_digits_read_like_ascii(engine):
    views, release = release_votes(engine, "美国７月失业率 ４．５％，预期４．２％。")
    assert views == USD_DOWN and (release.actual, release.consensus) == (4.5, 4.2)


def test_reader_without_catalogue_reads_nothing():
    rs = load_ruleset(RULES)
    from dataclasses import replace

    empty = ReleaseReader(replace(rs, indicators={}))
    norm, _ = normalise("美国7月失业率 4.5%，预期4.2%。")
    assert empty.read(norm, segment(norm)) == []


def test_an_indicator_is_added_without_python(tmp_path):
    (tmp_path / "r.yaml").write_text(
        """
assets:
  gold: {names: {zh: [黄金], en: [gold]}}
economies:
  us: {names: {zh: [美国], en: [u.s.]}}
indicators:
  us_durable_goods:
    description: US durable goods orders m/m against consensus.
    name: US durable goods orders
    economy: us
    aliases: {zh: [耐用品订单月率], en: [durable goods orders]}
    unit: '%'
    typical_surprise: 1.0
    higher_means: stronger_growth
    upside: [{asset: gold, direction: bearish, strength: 0.4}]
    downside: [{asset: gold, direction: bullish, strength: 0.4}]
    rationale: Orders above consensus argue against rate cuts.
    explain: '{name}: {actual} against {consensus} -> {asset} {direction}'
    examples:
      - {text: 美国3月耐用品订单月率 3.5%，预期1.0%。, expect: {gold: bearish}}
      - {text: 'U.S. durable goods orders rose 1.0%, in line with the 1.0% forecast.', expect: {}}
""",
        encoding="utf-8",
    )
    eng = Engine(load_ruleset(tmp_path))
    [ev] = eng.evaluate("U.S. durable goods orders fell 2.0%, below the 0.5% forecast.").signal("gold").evidence
    assert ev.direction == "bullish" and ev.explanation == "US durable goods orders: −2% against 0.5% -> gold bullish"
    from impact.authoring.examples import run_examples

    results = list(run_examples(eng, eng.ruleset))
    assert [r.passed for r in results] == [True, True]


def test_a_report_with_releases_round_trips_and_the_engine_pickles(engine):
    import pickle

    from impact.report import Report

    data = engine.evaluate("美国6月季调后非农就业人口 6.8万人，预期10.5万人，前值由13.9万人修正为2.1万人。").to_dict()
    assert Report.model_validate(data).to_dict() == data
    clone = pickle.loads(pickle.dumps(engine))
    text = "US CPI came in at 3.1%, above the 3.0% forecast."
    assert clone.evaluate(text) == engine.evaluate(text)
