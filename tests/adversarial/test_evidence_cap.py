"""Memory follows evidence no more: a report cites a bounded number of votes per rule and per
document, says how many it left out, and its call is the one every vote makes."""

from __future__ import annotations

import json
from collections import Counter

from impact.pipeline import resolve as resolve_module
from impact.pipeline.resolve import MAX_EVIDENCE, MAX_EVIDENCE_PER_RULE

UNIT = "美元走弱提振金价。"  # four rules fire on it: two for gold, two for the dollar


def test_the_report_of_a_repeated_sentence_stays_the_same_size(engine):
    small, large = engine.evaluate(UNIT * 1_000).to_json(), engine.evaluate(UNIT * 2_000).to_json()
    assert len(large) < len(small) * 1.05, (len(small), len(large))  # it doubled with the evidence
    assert len(large) < 250_000


def test_evidence_is_capped_per_rule_and_counted(engine):
    text = UNIT * 1_000
    trace = engine.trace(text)
    report = trace.report.to_dict()
    assert report["truncated"] is True
    listed = omitted = 0
    for signal in report["signals"]:
        by_rule = Counter(e["rule"] for e in signal["evidence"])
        votes = Counter(trace.rules[v.rule_index].id for v in trace.votes if v.asset == signal["asset"])
        assert max(by_rule.values()) <= MAX_EVIDENCE_PER_RULE
        assert set(by_rule) == set(votes)  # every rule behind the signal is cited
        # what is cited and what is counted as omitted add up to every vote, rule by rule
        assert by_rule + Counter(signal["evidence_omitted"]) == votes
        listed += len(signal["evidence"])
        omitted += sum(signal["evidence_omitted"].values())
        for e in signal["evidence"]:
            assert text[e["start"]:e["end"]] == e["sentence"]
        assert [e["start"] for e in signal["evidence"]] == sorted(e["start"] for e in signal["evidence"])
    assert report["evidence_omitted"] == omitted == len(trace.votes) - listed
    assert listed <= MAX_EVIDENCE


def test_the_document_cap_keeps_every_rule_and_asset_cited(engine, monkeypatch):
    monkeypatch.setattr(resolve_module, "MAX_EVIDENCE", 6)
    monkeypatch.setattr(resolve_module.cap_evidence, "__defaults__", (MAX_EVIDENCE_PER_RULE, 6))
    report = engine.evaluate(UNIT * 50)
    cited = [(s.asset, e.rule) for s in report.signals for e in s.evidence]
    assert len(cited) == 6
    assert {a for a, _ in cited} == {"gold", "usd"} and len(set(cited)) == 4  # each rule once, then seconds
    assert report.evidence_omitted == 50 * 4 - 6


def test_the_cap_changes_what_is_cited_never_the_call(engine, monkeypatch):
    text = "美元走弱提振金价。" * 300 + "美元走强打压金价。" * 200
    capped = engine.evaluate(text)
    monkeypatch.setattr(resolve_module.cap_evidence, "__defaults__", (10**9, 10**9))
    full = engine.evaluate(text)
    assert not full.to_dict().get("truncated") and capped.truncated
    calls = lambda r: [(s.asset, s.direction, s.score, s.votes) for s in r.with_evidence()]  # noqa: E731
    assert calls(capped) == calls(full)
    assert sum(len(s.evidence) for s in full.with_evidence()) == (
        sum(len(s.evidence) for s in capped.with_evidence()) + capped.evidence_omitted
    )


def test_an_ordinary_report_says_nothing_about_truncation(engine):
    out = json.loads(engine.evaluate("美元走弱提振金价。铜价下跌。").to_json())
    assert "truncated" not in out and "evidence_omitted" not in out
    assert all("evidence_omitted" not in s for s in out["signals"])


def test_repeated_sentences_share_their_explanation_strings(engine):
    trace = engine.trace(UNIT * 500)
    assert len(trace.votes) == 2_000
    assert len({id(v.explanation) for v in trace.votes}) == 4


def test_a_batch_line_carries_the_truncation(tmp_path):
    import subprocess
    import sys

    batch = tmp_path / "b.jsonl"
    batch.write_text(json.dumps({"id": "x", "text": UNIT * 200}, ensure_ascii=False) + "\n"
                     + json.dumps({"id": "y", "text": UNIT}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "impact.cli", "evaluate", str(batch)], capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr
    x, y = (json.loads(line) for line in out.stdout.decode().splitlines())
    assert x["truncated"] is True and x["evidence_omitted"] == 200 * 4 - sum(len(s["evidence"]) for s in x["signals"])
    assert "truncated" not in y
