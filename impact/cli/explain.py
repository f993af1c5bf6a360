"""``impact explain``: one document, its signals, the cited sentences and why."""

from __future__ import annotations

import json
from enum import Enum
from typing import Optional

import typer
from rich.console import Console

from impact.cli.common import (
    RULES_OPTION,
    FAIL_ON_HELP,
    FailOn,
    closed_pipe_keeps_hits,
    fail_on_hit,
    handle_errors,
    read_text_arg,
    write_out,
)


class ExplainFormat(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"


@handle_errors
def explain(
    path: str = typer.Argument("-", help="a UTF-8 text file, or - for standard input"),
    rules: Optional[list[str]] = RULES_OPTION,
    format: ExplainFormat = typer.Option(ExplainFormat.table, "--format", "-f", help="table, json or markdown"),
    doc_id: Optional[str] = typer.Option(None, "--id", help="document id to put in the report"),
    published_at: Optional[str] = typer.Option(None, "--published-at", help="publication time (ISO 8601)"),
    trace: bool = typer.Option(False, "--trace", help="also show every matched term, fact and near miss"),
    rule: Optional[list[str]] = typer.Option(
        None, "--rule", metavar="ID", help="with --trace: why this rule fired or not, even without its terms (repeatable)"
    ),
    top: Optional[int] = typer.Option(
        None, "--top", metavar="N", min=0,
        help="table: at most N evidence rows per asset, counted ones first (says how many were hidden; 0: all)",
    ),
    fail_on: Optional[list[str]] = typer.Option(None, "--fail-on", metavar="SPEC", help=FAIL_ON_HELP),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Explain one document: per asset the net view, and every sentence behind it.

    With --fail-on, the report is still printed in full; then the command exits 1 if a signal
    matches and names the matching signals on stderr.
    """
    from impact.engine import Engine

    if (trace or rule) and format is ExplainFormat.markdown:
        raise typer.BadParameter("--trace and --rule show a table or json, not markdown", param_hint="'--format'")
    text = read_text_arg(path)
    engine = Engine.from_path(rules)
    failing = FailOn.parse(fail_on, engine)
    ident = doc_id if doc_id is not None else (None if path == "-" else path)
    if trace or rule:
        from impact.explain.trace import render_trace, trace_dict

        if rule:
            known = [r.id for r in engine.ruleset.rules] + [  # economic releases: release.<indicator>
                i.rule_id(k) for k, i in engine.ruleset.indicators.items()]
            for rule_id in rule:
                if rule_id not in known:
                    from impact.cli.common import fail
                    from impact.ruleset.loader import suggest

                    raise fail(f"no rule {rule_id!r}{suggest(rule_id, known)}")
        result = engine.trace(text, doc_id=ident, published_at=published_at)
        hits = _hits(failing, result.report)  # known before the output: a reader closing it early loses no hit
        with closed_pipe_keeps_hits(lambda: hits):
            if format is ExplainFormat.json:
                # plain json.dumps: rich's JSON highlighting takes minutes and gigabytes on a long page
                write_out(json.dumps(trace_dict(result, engine, rule or None), ensure_ascii=False, indent=2) + "\n")
            else:
                render_trace(result, engine, Console(), rule or None)
    else:
        report = engine.evaluate(text, doc_id=ident, published_at=published_at)
        hits = _hits(failing, report)
        with closed_pipe_keeps_hits(lambda: hits):
            if format is ExplainFormat.json:
                write_out(report.to_json(indent=2) + "\n")
            elif format is ExplainFormat.markdown:
                from impact.explain.render import markdown

                write_out(markdown(report))
            else:
                from impact.explain.render import print_report

                print_report(report, Console(), top or None)
    if hits:
        raise fail_on_hit(hits)


def _hits(failing: Optional[FailOn], report) -> Optional[str]:
    """The signals that --fail-on matches, as the stderr line names them; None without a hit."""
    if failing is None:
        return None
    scores = {s.asset: s.score for s in report.signals}
    hits = failing.hits((s.asset, s.direction) for s in report.signals)
    return ", ".join(f"{a} {d} ({scores[a]:+.2f})" for a, d in hits) if hits else None
