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
    assert any_contains(cites(report, "usd", "bearish"), ["法案细节尚未明朗", "3万亿美元债务的计划"])
    assert any_contains(cites(report, "usd", "bullish"), ["删除“报复性”税收提案"])
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
    assert any_contains(cites(report, "gold", "bearish"), ["黄金作为避险资产", "中东和平前景"])
    bullish = [e for e in report.signal("gold").evidence if e.direction == "bullish" and "戈兰高地争议" in e.sentence]
    assert bullish and "future" in bullish[0].modifiers and "hedged" in bullish[0].modifiers
    assert not set(views(report)) & set(METALS)


def test_the_price_quote_is_not_a_view(engine):
    report = engine.evaluate("北京时间11:31,现货黄金现报3319.88美元/盎司。")
    assert report.signals == []


@pytest.mark.parametrize(
    "asset, net, needles",
    [
        ("copper", "neutral", ["高铜价抑制下游采购"]),
        ("zinc", "neutral", ["下游接货意愿偏低"]),
        ("aluminium", "bearish", ["短期观望"]),
        ("nickel", "bearish", ["无宏观扰动"]),
        ("tin", "neutral", ["现货成交平淡"]),
    ],
)
def test_base_metal_broker_views(engine, asset, net, needles):
    report = engine.evaluate(article("base-metals-views-zh"))
    assert views(report)[asset] == net
    assert any_contains(cites(report, asset), needles)


def test_base_metal_views_keep_the_dollar_driver_for_zinc_and_stay_silent_on_gold_and_lead(engine):
    report = engine.evaluate(article("base-metals-views-zh"))
    assert any(c.startswith("锌:") for c in cites(report, "zinc", "bullish"))  # the dollar driver of its own line
    assert "gold" not in views(report) and "lead" not in views(report)


def test_every_offset_on_the_whole_page_cites_the_page_exactly(engine, page):
    report = engine.evaluate(page)
    assert report.signals
    for signal in report.signals:
        for ev in signal.evidence:
            assert page[ev.start : ev.end] == ev.sentence
            assert page[ev.trigger.start : ev.trigger.end] == ev.trigger.text
            assert ev.start <= ev.trigger.start < ev.trigger.end <= ev.end
