"""Context that makes a driver or a move no call: the speaker of a heading, open questions,
previews, forecasts, period statistics and companies named like an asset. Own sentences."""

from __future__ import annotations

import pytest

from impact.pipeline.text import segment
from tests.conftest import write_rules
from impact import Engine


def views(engine, text: str) -> dict[str, str]:
    return {s.asset: s.direction for s in engine.evaluate(text).signals}


@pytest.mark.parametrize(
    "text",
    [
        "美国总统:美联储应该马上降息。",  # a politician's demand, the speaker in the heading
        "白宫发言人:美联储必须立即降息,否则经济受损。",
        "挪威央行行长:年内可能再降息一次。",  # another central bank, named in the heading only
    ],
)
def test_a_heading_speaker_vetoes_in_every_clause(engine, text):
    assert views(engine, text).get("gold") is None


def test_a_heading_speaker_that_is_not_vetoed_changes_nothing(engine):
    assert views(engine, "美联储理事:赞成本月议息时降息。").get("gold") == "bullish"


def test_the_heading_veto_is_the_first_clause_only_when_it_ends_in_a_colon(tmp_path):
    folder = write_rules(tmp_path, ev="""
events:
  thing.up:
    description: x
    terms: {zh: [上升]}
    none: {zh: [传闻]}
    scope: clause
rules:
  - id: thing.up.gold
    description: x
    when: {all: [thing.up]}
    then: [{asset: gold, direction: bullish}]
    rationale: x
    explain: x
""")
    eng = Engine.from_path(folder)
    assert views(eng, "传闻:某指标上升。") == {}
    assert views(eng, "传闻不少,某指标上升。") == {"gold": "bullish"}  # a first clause without a colon is no heading
    assert views(eng, "某指标上升,传闻:无。") == {"gold": "bullish"}  # a colon later in the sentence is no heading


@pytest.mark.parametrize(
    "text",
    [
        "美方是否会暂停关税仍不明朗。",  # a question
        "美联储能否在下月降息尚无定论。",
        "市场前瞻:美联储下周或将降息。",  # a preview of what is awaited
    ],
)
def test_questions_and_previews_assert_nothing(engine, text):
    assert views(engine, text).get("gold") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("沪金周二午后上涨0.8%。", "bullish"),
        ("分析师认为金价有望升至4000美元。", "bullish"),  # a forecast: the analyst's view, not a move
        ("金价年内累涨逾40%。", None),  # a performance over the year
        ("A股黄金股集体大涨。", None),  # shares of miners
        ("某黄金矿业(ABC.N)盘前涨超3%。", None),  # a listed company
        ("金价早盘一度刷新纪录高位,随后回落。", "bearish"),  # the record is a level, the move now is down
        ("隔夜现货黄金大涨2%。", "bullish"),  # the overnight session is the latest close, reported
        ("金价此前曾大涨2%。", None),  # a move restated from the past
    ],
)
def test_what_counts_as_a_reported_gold_move(engine, text, expected):
    assert views(engine, text).get("gold") == expected


def test_a_forecast_is_a_view_and_not_a_reported_move(engine):
    (signal,) = engine.evaluate("分析师认为金价有望升至4000美元。").signals
    assert [e.rule for e in signal.evidence] == ["analyst.view.bullish"]


def test_mixed_drivers_without_a_margin_give_no_call(engine):
    # a tariff threat (bullish) and a ceasefire (bearish) of similar weight: no directional call
    text = "美国宣布对欧盟商品加征关税。两国签署停火协议。"
    report = engine.evaluate(text)
    assert report.signal("gold") is None  # no call is no signal (neutral is an explicit range view)
    gold = next(u for u in report.undecided if u.asset == "gold")
    assert {e.direction for e in gold.evidence} == {"bullish", "bearish"}


def test_segment_keeps_the_heading_as_the_first_clause():
    (s,) = segment("某议员:央行应当降息。")
    assert s.clauses[1] == len("某议员:")


@pytest.mark.parametrize(
    "text",
    [
        "美联储去年曾三次降息。",  # past: old news
        "美联储本周如期下调利率。",  # priced in
        "该国此前曾对进口钢材加征关税。",
        "两国达成协议以避免贸易战升级。",
        "纪要称官员们忧虑关税抬高物价。",  # tariffs as a cause of inflation
        "行业协会要求政府取消零部件进口关税。",  # a demand for relief
        "多国领导人呼吁冲突双方停火。",  # a call for a ceasefire
    ],
)
def test_drivers_that_are_old_expected_or_only_demanded_make_no_gold_call(engine, text):
    assert views(engine, text).get("gold") is None


def test_a_digest_of_opposed_drivers_gives_gold_no_call(engine):
    text = "摘要:1. 美国宣布对欧盟商品加征关税。2. 美联储意外加息。"
    report = engine.evaluate(text)
    assert report.signal("gold") is None
    gold = next(u for u in report.undecided if u.asset == "gold")
    assert gold.reason == "every vote was set aside" and gold.score == 0
    assert not any(e.counted for e in gold.evidence)
    # items of a digest that agree add up: a second bullish item never removes the first one's call
    one = engine.evaluate("摘要:1. 美国宣布对欧盟商品加征关税。")
    both = engine.evaluate("摘要:1. 美国宣布对欧盟商品加征关税。2. 期货交易商对联储降息的押注有所增加。")
    assert one.signal("gold").direction == both.signal("gold").direction == "bullish"
    assert both.signal("gold").score >= one.signal("gold").score


@pytest.mark.parametrize(
    "text",
    ["铂金价格本周涨至每盎司1,200美元上方。", "钯金价格大涨5%。", "白金价格走低。"],
)
def test_platinum_and_palladium_prices_are_not_gold(engine, text):
    # 金价 sits inside 铂金价格 / 钯金价格 / 白金价格
    assert views(engine, text).get("gold") is None


def test_gold_named_beside_platinum_is_still_gold(engine):
    assert views(engine, "铂金和金价双双上涨。").get("gold") == "bullish"
