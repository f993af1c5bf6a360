"""Hot reload: edits are validated and swapped in atomically; a broken edit keeps the working set."""

import threading
import time

import pytest

from impact.reload import ReloadingEngine

from conftest import write_rules

TEXT = "Copper miners strike in Chile."


def version(direction: str, extra: str = "") -> str:
    """Two rules on one event: gold and usd both `direction`. A report mixing versions would disagree."""
    return f"""\
events:
  copper.strike:
    description: A strike at a copper mine.
    terms: {{en: [strike]}}
rules:
  - id: strike.gold
    description: Strikes, gold.{extra}
    when: {{all: [copper.strike]}}
    then: [{{asset: gold, direction: {direction}}}]
    rationale: A test rule.
    explain: 'Strike ("{{trigger}}").'
  - id: strike.usd
    description: Strikes, usd.
    when: {{all: [copper.strike]}}
    then: [{{asset: usd, direction: {direction}}}]
    rationale: A test rule.
    explain: 'Strike ("{{trigger}}").'
"""


def views(report):
    return {s.asset: s.direction for s in report.signals}


def test_a_broken_edit_keeps_the_working_set_and_says_where(tmp_path):
    folder = write_rules(tmp_path, strike=version("bullish"))
    engine = ReloadingEngine(folder)
    first = engine.ruleset_hash
    assert views(engine.evaluate(TEXT)) == {"gold": "bullish", "usd": "bullish"}

    (folder / "strike.yaml").write_text(version("bearish").replace("    rationale: A test rule.\n", "    rationalle: oops\n", 1))
    result = engine.reload()
    assert not result.ok and result.ruleset == first == engine.ruleset_hash
    assert [str(p) for p in result.problems if p.severity == "error"] == [
        f"{folder / 'strike.yaml'}:10:5: E201 unknown key 'rationalle' (did you mean 'rationale'?)"
    ]
    assert "rules not reloaded, still using" in str(result)
    report = engine.evaluate(TEXT)
    assert views(report) == {"gold": "bullish", "usd": "bullish"} and report.ruleset == first

    (folder / "strike.yaml").write_text(version("bearish"))
    result = engine.reload()
    assert result.ok and result.changed and result.ruleset != first
    report = engine.evaluate(TEXT)
    assert views(report) == {"gold": "bearish", "usd": "bearish"} and report.ruleset == result.ruleset
    assert engine.reload().changed is False  # nothing new


def test_reloading_under_8_evaluating_threads_never_mixes_versions(tmp_path):
    folder = write_rules(tmp_path, strike=version("bullish"))
    engine = ReloadingEngine(folder)
    expected = {engine.ruleset_hash: {"gold": "bullish", "usd": "bullish"}}
    stop = threading.Event()
    seen: list[tuple[str, dict]] = []
    errors: list[BaseException] = []

    def evaluate() -> None:
        try:
            while not stop.is_set():
                report = engine.evaluate(TEXT)
                seen.append((report.ruleset, views(report)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=evaluate) for _ in range(8)]
    for t in threads:
        t.start()
    try:
        for i in range(24):
            direction = ("bearish", "bullish")[i % 2]
            (folder / "strike.yaml").write_text(version(direction, extra=f" Edit {i}."))
            result = engine.reload()
            assert result.ok and result.changed, str(result)
            expected[result.ruleset] = {"gold": direction, "usd": direction}
            if i % 6 == 5:  # a broken edit in between changes nothing
                (folder / "strike.yaml").write_text("rules: [\n")
                assert not engine.reload().ok
            time.sleep(0.005)
    finally:
        stop.set()
        for t in threads:
            t.join()
    assert not errors
    assert len(seen) > 100
    mixed = [(h, v) for h, v in seen if expected.get(h) != v]
    assert mixed == []
    assert len({h for h, _ in seen}) > 2, len(seen)  # the threads really saw several versions


def test_the_watcher_picks_up_an_edit(tmp_path):
    folder = write_rules(tmp_path, strike=version("bullish"))
    results = []
    with ReloadingEngine(folder, interval=0.05, on_reload=results.append) as engine:
        first = engine.ruleset_hash
        (folder / "strike.yaml").write_text(version("bearish"))
        deadline = time.monotonic() + 20
        while engine.ruleset_hash == first and time.monotonic() < deadline:
            time.sleep(0.02)
        assert views(engine.evaluate(TEXT)) == {"gold": "bearish", "usd": "bearish"}
    assert results and results[-1].ok and results[-1].changed


def test_a_folder_that_does_not_load_at_start_is_refused(tmp_path):
    from impact.errors import RuleError

    folder = write_rules(tmp_path, strike="rules: [\n")
    with pytest.raises(RuleError):
        ReloadingEngine(folder)
