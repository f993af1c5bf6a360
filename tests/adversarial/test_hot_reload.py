"""Hot reload never swaps in a file caught half written: a change is loaded once it has settled,
a set that empties a file or drops most of its rules is held (the old one stays, with the
reason), and an edit that keeps the size and the modification time is still seen."""

from __future__ import annotations

import logging
import os

from conftest import write_rules
from impact.reload import ReloadingEngine

TEXT = "Copper miners strike in Chile. Zinc smelters cut output."


def pack(direction: str, count: int = 6) -> str:
    events = """events:
  copper.strike:
    description: A strike at a copper mine.
    terms: {en: [strike]}
rules:
"""
    assets = ["gold", "usd", "copper", "zinc", "nickel", "tin"]
    rules = "".join(f"""  - id: strike.{asset}
    description: Strikes, {asset}.
    when: {{all: [copper.strike]}}
    then: [{{asset: {asset}, direction: {direction}}}]
    rationale: A test rule.
    explain: 'Strike ("{{trigger}}").'
""" for asset in assets[:count])
    return events + rules


def views(engine) -> dict[str, str]:
    return {s.asset: s.direction for s in engine.evaluate(TEXT).signals}


def test_a_file_cut_short_but_still_valid_is_held_and_the_old_set_kept(tmp_path, caplog):
    folder = write_rules(tmp_path, strike=pack("bullish"))
    engine = ReloadingEngine(folder)
    first = engine.ruleset_hash
    full = pack("bearish")
    cut = full[: full.index("  - id: strike.copper")]  # two rules of six: valid YAML, lint-clean
    (folder / "strike.yaml").write_text(cut, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="impact.reload"):
        result = engine.reload()
    assert not result.ok and not result.changed and engine.ruleset_hash == first == result.ruleset
    assert result.held == f"{folder / 'strike.yaml'} dropped 4 of its 6 rules"
    assert "rules not reloaded" in caplog.text and "dropped 4 of its 6 rules" in caplog.text
    assert views(engine) == dict.fromkeys(["gold", "usd", "copper", "zinc", "nickel", "tin"], "bullish")

    (folder / "strike.yaml").write_text(full, encoding="utf-8")  # the writer finishes
    result = engine.reload()
    assert result.ok and result.changed
    assert set(views(engine).values()) == {"bearish"}

    (folder / "strike.yaml").write_text(cut, encoding="utf-8")
    assert engine.reload(force=True).changed  # meant: taken when asked
    assert views(engine) == {"gold": "bearish", "usd": "bearish"}


def test_an_emptied_file_is_held(tmp_path):
    folder = write_rules(tmp_path, strike=pack("bullish"))
    engine = ReloadingEngine(folder)
    first = engine.ruleset_hash
    for text in ("", "# rules coming\n\n"):
        (folder / "strike.yaml").write_text(text, encoding="utf-8")
        result = engine.reload()
        assert not result.ok and result.held == f"{folder / 'strike.yaml'} is now empty", result
        assert engine.ruleset_hash == first and len(views(engine)) == 6


def test_a_change_is_loaded_only_once_it_has_settled(tmp_path):
    folder = write_rules(tmp_path, strike=pack("bullish"))
    engine = ReloadingEngine(folder, settle=0.0)
    first = engine.ruleset_hash
    path = folder / "strike.yaml"
    path.write_text(pack("bearish").replace("Strikes, gold.", "Strikes, gold. Still being"), encoding="utf-8")
    assert engine.check() is None and engine.ruleset_hash == first  # seen once: may be half written
    path.write_text(pack("bearish"), encoding="utf-8")
    assert engine.check() is None and engine.ruleset_hash == first  # changed again: still waiting
    result = engine.check()  # the same on two checks: settled
    assert result is not None and result.ok and result.changed
    assert engine.check() is None

    slow = ReloadingEngine(folder, settle=3600.0)
    path.write_text(pack("bullish"), encoding="utf-8")
    assert [slow.check() for _ in range(3)] == [None, None, None]  # not settled yet: not loaded


def test_an_edit_that_keeps_size_and_modification_time_is_seen(tmp_path):
    folder = write_rules(tmp_path, strike=pack("bullish"))
    engine = ReloadingEngine(folder, settle=0.0)
    path = folder / "strike.yaml"
    before = path.stat()
    edited = pack("bearish")  # the same length: bullish and bearish
    assert len(edited) == len(pack("bullish"))
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert engine.check() is None  # seen, settling
    result = engine.check()
    assert result is not None and result.changed
    assert set(views(engine).values()) == {"bearish"}
