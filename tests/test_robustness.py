"""Hostile input: what the open internet and careless rule folders send, and what the user sees."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, RULES, write_rules
from impact import Engine
from impact.ruleset.cache import cache_dir, load_cached


def impact(*args, input=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "impact.cli", *args], input=input, capture_output=True, timeout=300,
        env={**os.environ, **(env or {})},
    )


def assert_clean_failure(out, *words):
    assert out.returncode == 2, out.stderr
    err = out.stderr.decode()
    assert "Traceback" not in err
    for w in words:
        assert w in err, err


# -- regexes --------------------------------------------------------------------------------------

CATASTROPHIC = """
events:
  shout:
    description: a sentence that ends in a shout
    terms: {en: ["!"]}
    regex: ['(a+)+$']
rules:
  - id: shout.gold
    description: d
    when: {any: [shout]}
    then: [{asset: gold, direction: bullish}]
    rationale: r
    explain: e
"""


def test_a_catastrophic_author_regex_runs_in_linear_time(tmp_path):
    folder = write_rules(tmp_path, shout=CATASTROPHIC)
    # with a backtracking engine (a+)+$ on 'aaa...a!' takes 2^n steps; RE2 answers at once
    script = (
        "from impact import Engine; e = Engine.from_path(r'%s'); "
        "print(len(e.evaluate('a' * 200000 + '!').signals), len(e.evaluate('aaaa!').signals))" % folder
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["0", "0"]


# -- documents through explain -----------------------------------------------------------------


def test_invalid_utf8_is_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "latin1.txt"
    path.write_bytes("Le café a augmenté. 金价上涨。".encode("utf-8") + b"\xe9\xff\xfe")
    assert_clean_failure(impact("explain", str(path)), "invalid UTF-8", "latin1.txt")


def test_a_binary_file_is_a_message_not_a_traceback(tmp_path):
    path = tmp_path / "image.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64)
    assert_clean_failure(impact("explain", str(path), "--format", "json"), "invalid UTF-8")


def test_nul_bytes_and_empty_input_give_results():
    out = impact("explain", "-", "--format", "json", input="美元走弱\x00提振金价。\x00\x00".encode())
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["document"]["chars"] == 12
    out = impact("explain", "-", "--format", "json", input=b"")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["signals"] == []


def test_a_missing_file_is_a_message(tmp_path):
    assert_clean_failure(impact("explain", str(tmp_path / "nope.txt")), "nope.txt")


def test_a_20_mb_page_gives_its_signals_in_bounded_memory(tmp_path):
    seed = (FIXTURES / "2025-07-02-news-page-zh.txt").read_text(encoding="utf-8")
    filler = "Trading volumes were thin ahead of the holiday, dealers said. 市场交投清淡,成交量萎缩。\n" * 2000
    parts, size = [seed], len(seed.encode())
    while size < 20_000_000:
        parts.append(filler)
        size += len(filler.encode())
    path = tmp_path / "page.txt"
    path.write_text("".join(parts), encoding="utf-8")
    out = impact("explain", str(path), "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert {s["asset"] for s in report["signals"]} >= {"gold"}
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < 1024


def test_one_giant_sentence_of_triggers_is_evaluated(engine):
    text = "美元走弱提振金价,但亿美元资金流出," * 20000  # no sentence end: one 340,000-character sentence
    report = engine.evaluate(text)
    assert report.signal("gold") is not None
    for s in report.signals:
        for ev in s.evidence:
            assert text[ev.start : ev.end] == ev.sentence



@pytest.mark.parametrize("unit", ["美元走强打压金价", "金价承压", "gold fell "])
def test_the_subject_search_of_a_clause_of_many_triggers_stays_linear(engine, monkeypatch, unit):
    """One clause (no punctuation) of n triggers and n asset mentions: the subject search looks at
    the mentions next to each trigger, not at every mention of the clause (n x n before)."""
    from impact.pipeline import subject

    calls = {"n": 0}
    original = subject.TriggerSpans.any_within

    def counted(self, x, y):
        calls["n"] += 1
        return original(self, x, y)

    monkeypatch.setattr(subject.TriggerSpans, "any_within", counted)
    per_trigger = []
    for n in (200, 800):
        calls["n"] = 0
        trace = engine.trace(unit * n)
        assert len(trace.sentences) == 1 and trace.facts
        per_trigger.append(calls["n"] / n)  # n copies of the unit: n trigger hits per event
    assert per_trigger[1] <= 4 and per_trigger[1] <= per_trigger[0] * 1.5, per_trigger

# -- batches --------------------------------------------------------------------------------------


def test_a_batch_with_ten_percent_malformed_records_loses_none(tmp_path):
    lines: list[bytes] = []
    bad = {}
    kinds = [
        b'{"id": "x", "text": ',  # truncated JSON
        b"\xff\xfe not utf-8",
        b"[1, 2, 3]",
        b'{"id": "n", "text": 42}',
        b"",
        b"\x00\x01\x02 binary",
        b'{"id": "no-text"}',
        b'{"id": "big", "text": "x", "n": ' + b"9" * 5000 + b"}",  # past Python's int-string limit
        b"[" * 100_000,  # nesting past the recursion limit
    ]
    for i in range(300):
        if i % 10 == 3:
            lines.append(kinds[(i // 10) % len(kinds)])
            bad[i] = True
        else:
            text = ["美元走弱提振金价。", "Copper slipped as LME inventories rose.", "今天天气不错。"][i % 3]
            lines.append(json.dumps({"id": f"r{i}", "text": text + "\x00" * (i % 2)}).encode())
    path = tmp_path / "batch.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out = impact("evaluate", str(path), "--quiet")
    assert out.returncode == 0, out.stderr
    results = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(results) == 300
    assert sum("error" in r for r in results) == len(bad) == 30
    for i, r in enumerate(results):
        assert ("error" in r) == (i in bad)
        if i not in bad:
            assert r["id"] == f"r{i}"


def test_an_empty_batch_and_a_binary_batch(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    out = impact("evaluate", str(empty))
    assert out.returncode == 0 and out.stdout == b""
    binary = tmp_path / "junk.jsonl"
    binary.write_bytes(bytes(range(256)) * 40)
    out = impact("evaluate", str(binary), "--quiet")
    assert out.returncode == 0, out.stderr
    assert all("error" in json.loads(line) for line in out.stdout.decode().splitlines())
    csv = tmp_path / "junk.csv"
    csv.write_bytes(b"\xff\xfe\x00" * 100)
    assert_clean_failure(impact("evaluate", str(csv)), "junk.csv")


# -- rule folders ---------------------------------------------------------------------------------


def test_a_folder_of_1000_rule_files_with_one_broken_names_the_file_and_line(tmp_path):
    folder = write_rules(tmp_path)
    for i in range(1000):
        (folder / f"r{i:04d}.yaml").write_text(
            f"events:\n  e{i}:\n    description: d\n    terms: {{en: [word{i}]}}\n"
            f"rules:\n  - id: r{i}\n    description: d\n    when: {{any: [e{i}]}}\n"
            f"    then: [{{asset: gold, direction: bullish}}]\n    rationale: r\n    explain: e\n",
            encoding="utf-8",
        )
    broken = folder / "r0500.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("    rationale: r", "    rationale: [r"), encoding="utf-8")
    out = impact("explain", "-", "--rules", str(folder), input="黄金".encode(), env={"IMPACT_CACHE": "0"})
    assert_clean_failure(out, "r0500.yaml:")
    lines = [l for l in out.stderr.decode().splitlines() if l.strip()]
    assert all("r0500.yaml" in l for l in lines), lines
    line_no = int(lines[0].split("r0500.yaml:")[1].split(":")[0])
    assert line_no in (10, 11)  # the unclosed flow sequence: where it opens or where the file ends


def test_a_join_rule_given_half_its_events_does_not_crash(tmp_path):
    # durable_rules 2.0.28 crashed (free(): invalid pointer) deleting the state of a ruleset
    # that was given facts and fired nothing
    folder = write_rules(tmp_path, join="""
events:
  a: {description: a, terms: {en: [alpha]}}
  b: {description: b, terms: {en: [beta]}}
rules:
  - {id: ab, description: d, when: {all: [a, b]}, then: [{asset: gold, direction: bullish}], rationale: r, explain: e}
""")
    script = (
        "from impact import Engine; e = Engine.from_path(r'%s')\n"
        "for _ in range(3): assert not e.evaluate('alpha only.').signals\n"
        "print(e.evaluate('alpha and beta.').signals[0].direction)" % folder
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "bullish"


# -- the rule-set cache ---------------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    where = tmp_path / "cache"
    monkeypatch.setenv("IMPACT_CACHE_DIR", str(where))
    monkeypatch.delenv("IMPACT_CACHE", raising=False)
    return where


def test_a_second_load_comes_from_the_cache_and_an_edit_is_never_stale(tmp_path, cache):
    folder = write_rules(tmp_path, shout=CATASTROPHIC)
    first = Engine.from_path(folder)
    assert len(list(cache.glob("*.entry"))) == 1
    again = Engine.from_path(folder)
    assert again.ruleset_hash == first.ruleset_hash and again.ruleset.rules == first.ruleset.rules
    (folder / "shout.yaml").write_text(CATASTROPHIC.replace("direction: bullish", "direction: bearish"), encoding="utf-8")
    edited = Engine.from_path(folder)
    assert edited.ruleset_hash != first.ruleset_hash
    assert edited.ruleset.rules[0].then[0].direction == "bearish"


def test_a_damaged_cache_entry_falls_back_to_the_files(tmp_path, cache):
    folder = write_rules(tmp_path, shout=CATASTROPHIC)
    Engine.from_path(folder)
    for entry in cache.glob("*.entry"):
        entry.write_bytes(b"not a pickle")
    assert load_cached(folder).rules[0].id == "shout.gold"


def test_the_cache_can_be_turned_off(tmp_path, cache, monkeypatch):
    monkeypatch.setenv("IMPACT_CACHE", "0")
    assert cache_dir() is None
    Engine.from_path(write_rules(tmp_path, shout=CATASTROPHIC))
    assert not cache.exists()


def test_a_broken_folder_is_never_cached(tmp_path, cache):
    folder = write_rules(tmp_path, shout=CATASTROPHIC.replace("rationale: r", "rationale: [r"))
    from impact.errors import RuleError

    with pytest.raises(RuleError):
        Engine.from_path(folder)
    assert not list(cache.glob("*.entry")) if cache.exists() else True
    assert Engine.from_path(RULES).ruleset.rules


def test_a_cached_rule_set_names_the_copy_of_the_folder_it_was_loaded_from(tmp_path, cache):
    import shutil

    folder = write_rules(tmp_path, shout=CATASTROPHIC)
    Engine.from_path(folder)
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    where = Engine.from_path(copy).ruleset.rule_where["shout.gold"]
    assert where.path == str(copy / "shout.yaml") and where.line == 8


def test_a_capitalised_top_level_key_is_a_located_problem_not_a_crash(tmp_path):
    # found by benchmarks/fuzz.py: 'Rules' looked like a pydantic type tag and left no key to name
    from impact.ruleset.loader import load_rule_file

    path = tmp_path / "r.yaml"
    path.write_bytes(b"Rules: []\n")
    model, _, problems = load_rule_file(path)
    assert model is None
    assert [(p.line, p.code) for p in problems] == [(1, "E201")] and "did you mean 'rules'" in problems[0].message


def test_a_rule_file_that_fails_validation_always_has_a_problem(tmp_path):
    # found by benchmarks/fuzz.py: an asset id like 'N   gold' was taken for a type tag and the
    # file came back with no model and no problem
    from impact.ruleset.loader import load_rule_file

    path = tmp_path / "r.yaml"
    path.write_bytes(b"assets:\n   N   gold:\n    n")
    model, _, problems = load_rule_file(path)
    assert model is None and problems and problems[0].severity == "error"
