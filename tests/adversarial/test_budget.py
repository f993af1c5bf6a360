"""The per-document work budget: a document past it is an error record with its reason, and the
documents around it in a batch are evaluated as usual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from impact import engine as engine_module
from impact.errors import BudgetError

CROWDED = "美元走弱提振金价。" * 400  # 2,000 term hits, 1,200 facts
PLAIN = "美元走弱提振金价。"


@pytest.mark.parametrize("limit, words", [("MAX_HITS", "term hits"), ("MAX_FACTS", "event facts")])
def test_a_document_past_the_budget_is_an_error_record_and_the_batch_goes_on(engine, monkeypatch, limit, words):
    monkeypatch.setattr(engine_module, limit, 1_000)
    with pytest.raises(BudgetError, match="work budget"):
        engine.evaluate(CROWDED)
    out = list(engine.evaluate_many([{"id": "a", "text": PLAIN}, {"id": "b", "text": CROWDED}, {"id": "c", "text": PLAIN}]))
    assert [getattr(r, "document", None) and r.document.id for r in out] == ["a", None, "c"]
    failure = out[1]
    assert failure["id"] == "b"
    assert "work budget" in failure["error"] and words in failure["error"] and "1,000" in failure["error"]
    assert not failure["error"].startswith("internal error")
    assert out[0].signal("gold") is not None and out[2].signal("gold") is not None


def test_the_budget_leaves_ordinary_long_documents_alone(engine):
    """The limits sit far above news: 200 KB of flash news repeated stays inside them."""
    page = (Path(__file__).resolve().parents[2] / "fixtures" / "2025-07-02-news-page-zh.txt").read_text(
        encoding="utf-8"
    )
    trace = engine.trace(page * 25)
    assert len(trace.hits) * 4 < engine_module.MAX_HITS and len(trace.facts) * 4 < engine_module.MAX_FACTS


def test_a_batch_on_the_command_line_writes_the_reason(tmp_path):
    """Through ``impact evaluate``: the document past the budget is one error line, in its place."""
    batch = tmp_path / "batch.jsonl"
    crowded = "美元走弱提振金价。" * 20_000  # 100,000 term hits, 60,000 facts: past MAX_FACTS
    batch.write_text(
        "\n".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) for i, t in enumerate([PLAIN, crowded, PLAIN]))
        + "\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "impact.cli", "evaluate", str(batch)], capture_output=True, timeout=600, env=dict(os.environ)
    )
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["id"] for r in records] == [0, 1, 2]
    assert "error" in records[1] and "work budget" in records[1]["error"] and "event facts" in records[1]["error"]
    assert "error" not in records[0] and "error" not in records[2]
