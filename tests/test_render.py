"""The terminal table says in words which evidence counted, lists it first, and --top limits it."""

from __future__ import annotations

import re
import subprocess
import sys

from rich.console import Console

from impact.explain.render import LEGEND, markdown, ordered, print_report, status

from conftest import FIXTURES, article


def shown(report, top=None, width=200) -> str:
    console = Console(record=True, width=width, color_system=None)
    print_report(report, console, top)
    return console.export_text()


def test_counted_evidence_comes_first_and_each_row_says_whether_it_counted(engine):
    report = engine.evaluate(article("syria-sanctions-zh"))
    gold = next(s for s in report.signals if s.asset == "gold")
    assert any(ev.counted for ev in gold.evidence) and not all(ev.counted for ev in gold.evidence)
    rows = ordered(gold.evidence)
    flags = [ev.counted for ev in rows]
    assert flags == sorted(flags, reverse=True)
    words = [status(ev, gold.evidence, gold.direction) for ev in rows]
    assert all(w.startswith(("counted", "not counted: ", "set aside: ")) for w in words)
    assert "not counted: a stronger vote in this sentence counted" in words
    out = shown(report)
    assert out.count("counted") >= len(gold.evidence) and LEGEND.split(" · ")[0] in out
    marks = re.findall(r"[▲▼◆]\s+(counted|not counted|set aside)", out)
    assert len(marks) == len(gold.evidence) and marks == sorted(marks, key=lambda m: m != "counted")


def test_top_limits_the_rows_per_asset_and_says_how_many_are_hidden(engine):
    report = engine.evaluate(article("syria-sanctions-zh"))
    gold = next(s for s in report.signals if s.asset == "gold")
    out = shown(report, top=2)
    hidden = len(gold.evidence) - 2
    assert f"… {hidden} more rows hidden by --top 2" in out
    assert out.count(" w=") == 2
    assert "hidden" not in shown(report)


def test_the_header_is_one_line_whatever_the_table_width(engine):
    report = engine.evaluate("美元走弱提振金价。", doc_id="a-rather-long-document-identifier-from-a-feed")
    first = shown(report, width=200).splitlines()[0]
    assert first.endswith(f"rules {report.ruleset}") and first.startswith("a-rather-long-document")


def test_markdown_says_why_evidence_did_not_count(engine):
    text = markdown(engine.evaluate(article("syria-sanctions-zh")))
    assert "not counted: a stronger vote in this sentence counted" in text


def test_explain_top_on_the_command_line():
    out = subprocess.run([sys.executable, "-m", "impact.cli", "explain", str(FIXTURES / "articles" / "syria-sanctions-zh.txt"),
                          "--top", "1"], capture_output=True, timeout=120, env={"COLUMNS": "160", "PATH": ""})
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert "more rows hidden by --top 1" in text and "counted" in text


def test_trace_of_a_text_without_any_rule_term_says_so_in_a_sentence(engine):
    from impact.explain.trace import render_trace

    console = Console(record=True, width=120, color_system=None)
    render_trace(engine.trace("今天天气很好，大家出去散步。"), engine, console)
    out = console.export_text()
    assert "No rule's terms occur in this text" in out and "fired, or the condition that failed" not in out
