"""The playground in a real browser: headless Chromium (the system's own build) driven by Playwright.

Set IMPACT_SCREENSHOTS=DIR to keep the screenshots; they go to a temporary folder otherwise.
"""

from __future__ import annotations

import os
import shutil

import pytest

from tests.test_serve import EASING_VIEW, SYRIA, folder, server  # noqa: F401  (fixtures)

CHROMIUM = os.environ.get("IMPACT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if os.environ.get("IMPACT_REQUIRE_BROWSER") == "1":  # CI installs Chromium: a skip there would hide a failure
    assert CHROMIUM is not None, "IMPACT_REQUIRE_BROWSER=1 but no chromium on PATH"
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no system Chromium (apt-get install chromium)")


@pytest.fixture
def browser_page():
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1000})
            yield page
        finally:
            browser.close()


def test_the_playground_explains_an_article_and_follows_a_rule_edit(server, browser_page, tmp_path):  # noqa: F811
    base, rules_dir = server
    page = browser_page
    shots = os.environ.get("IMPACT_SCREENSHOTS") or str(tmp_path)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/")
    sync_api.expect(page.locator("#status")).to_contain_text("rule set")

    # pick the bundled Syria article: gold bearish, its sentences highlighted with their triggers
    page.select_option("#samples", "syria-sanctions-zh.txt")
    gold = page.locator('.view[data-asset="gold"]')
    sync_api.expect(gold).to_have_attribute("data-direction", "bearish")
    assert page.locator("#text").input_value() == SYRIA
    page.screenshot(path=os.path.join(shots, "playground.png"))
    marks = page.locator("#cited mark")
    assert marks.count() >= 3
    assert page.locator("#cited mark.counted b.trigger").count() >= 1
    cited = page.locator("#cited").inner_text()
    assert cited.replace("\n", "") == SYRIA.replace("\n", "")  # the whole text, nothing lost or doubled
    rows = page.locator("#evidence tbody tr")
    assert rows.count() >= 3
    assert rows.locator("span.counted").count() == rows.count()  # the counted rows; the rest folded away
    folded = page.locator("#set-aside")
    sync_api.expect(folded.locator("summary")).to_contain_text("more not counted")
    folded.locator("summary").click()
    assert folded.locator("span.not-counted").first.inner_text().startswith("not counted: ")
    folded.locator("summary").click()
    assert page.locator("#rules li .fired").count() >= 1
    score_before = gold.locator(".score").inner_text()

    # edit the easing rule in the editor so that it reads easing as bullish, save, see the view change
    page.select_option("#files", "geopolitics.yaml")
    sync_api.expect(page.locator("#editor")).to_have_value(__import__("re").compile("geopolitics.easing.gold"))
    content = page.locator("#editor").input_value()
    assert EASING_VIEW in content
    page.locator("#editor").fill(content.replace(EASING_VIEW, EASING_VIEW.replace("bearish", "bullish"), 1))
    page.click("#save")
    sync_api.expect(page.locator("#save-status")).to_contain_text("rules reloaded")
    sync_api.expect(gold.locator(".score")).not_to_have_text(score_before)
    assert "bullish, strength: 0.5" in (rules_dir / "geopolitics.yaml").read_text(encoding="utf-8")
    page.screenshot(path=os.path.join(shots, "playground-edited.png"), full_page=True)

    # a broken edit: the working rules stay, the problem is shown at its line
    page.locator("#editor").fill("rules:\n  - id: [unclosed\n")
    page.click("#save")
    sync_api.expect(page.locator("#save-status")).to_contain_text("previous rules stay in use")
    problem = page.locator("#problems li.error").first
    sync_api.expect(problem).to_contain_text("2:")
    page.screenshot(path=os.path.join(shots, "playground-problem.png"), full_page=True)
    assert errors == []


def test_the_playground_reads_english_too(server, browser_page):  # noqa: F811
    base, _ = server
    page = browser_page
    page.goto(base + "/")
    sync_api.expect(page.locator("#status")).to_contain_text("rule set")
    page.locator("#text").fill("Gold rallied as the dollar weakened after the Fed signalled rate cuts.")
    page.click("#run")
    sync_api.expect(page.locator('.view[data-asset="gold"]')).to_have_attribute("data-direction", "bullish")
    assert page.locator("#cited mark").count() == 1
