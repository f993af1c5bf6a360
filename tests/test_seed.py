"""The page this engine was built for: each article's own analysts' conclusions, with citations."""

import pytest

from conftest import article

METALS = ["copper", "aluminium", "zinc", "nickel", "tin", "lead"]


def views(report):
    return {s.asset: s.direction for s in report.signals}


def cites(report, asset, direction=None):
    signal = report.signal(asset)
    assert signal is not None, f"no {asset} signal"
    return [e.sentence for e in signal.evidence if direction is None or e.direction == direction]


def any_contains(sentences, needles):
    return any(n in s for s in sentences for n in needles)


def test_ai_industry_article_has_no_view_on_our_assets(engine):
    assert engine.evaluate(article("scale-ai-zh")).signals == []


def test_budget_bill_is_dollar_bearish_with_the_withdrawn_tax_as_contrary_evidence(engine):
    report = engine.evaluate(article("us-budget-bill-zh"))
    assert views(report)["usd"] == "bearish"
    assert any_contains(cites(report, "usd", "bearish"), ["美元短期内面临下行压力", "财政赤字扩大", "减少对美元资产的需求"])
    assert any_contains(cites(report, "usd", "bullish"), ["暂时支撑美元信心"])
    assert not set(views(report)) & set(METALS)


def test_deficit_and_tariffs_together_weigh_more_than_the_deficit_alone(engine):
    report = engine.evaluate(article("us-budget-bill-zh"))
    rules = {e.rule: e.weight for e in report.signal("usd").evidence if e.counted}
    assert rules["fiscal.deficit_and_tariffs.usd"] > max(
        e.weight for e in report.signal("usd").evidence if e.rule == "fiscal.deficit.usd"
    )


def test_syria_sanctions_lifted_is_gold_bearish_with_future_upside_noted(engine):
    report = engine.evaluate(article("syria-sanctions-zh"))
    assert views(report)["gold"] == "bearish"
    assert any_contains(cites(report, "gold", "bearish"), ["对金价构成下行压力", "导致金价小幅下跌", "减少对黄金的避险需求"])
    bullish = [e for e in report.signal("gold").evidence if e.direction == "bullish" and "推高金价" in e.sentence]
    assert bullish and "future" in bullish[0].modifiers and "hedged" in bullish[0].modifiers
    assert not set(views(report)) & set(METALS)


def test_the_price_quote_is_not_a_view(engine):
    report = engine.evaluate("北京时间11:31,现货黄金现报3319.88美元/盎司。")
    assert report.signals == []


@pytest.mark.parametrize(
    "asset, net, needles",
    [
        ("copper", "neutral", ["短期震荡"]),
        ("zinc", "neutral", ["短期观点为震荡", "美元走弱提振价格"]),
        ("aluminium", "bearish", ["库存持续累库", "供需仍旧过剩", "供应压力增加"]),
        ("nickel", "bearish", ["承压维持偏弱震荡"]),
        ("tin", "neutral", ["锡价震荡运行", "或小幅回落"]),
    ],
)
def test_base_metal_broker_views(engine, asset, net, needles):
    report = engine.evaluate(article("base-metals-views-zh"))
    assert views(report)[asset] == net
    assert any_contains(cites(report, asset), needles)


def test_base_metal_views_keep_the_dollar_driver_for_zinc_and_stay_silent_on_gold_and_lead(engine):
    report = engine.evaluate(article("base-metals-views-zh"))
    assert any_contains(cites(report, "zinc", "bullish"), ["美元走弱提振价格"])
    assert "gold" not in views(report) and "lead" not in views(report)


def test_every_offset_on_the_whole_page_cites_the_page_exactly(engine, page):
    report = engine.evaluate(page)
    assert report.signals
    for signal in report.signals:
        for ev in signal.evidence:
            assert page[ev.start : ev.end] == ev.sentence
            assert page[ev.trigger.start : ev.trigger.end] == ev.trigger.text
            assert ev.start <= ev.trigger.start < ev.trigger.end <= ev.end
