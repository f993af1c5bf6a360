"""``impact rules stats``: a labelled (or unlabelled) corpus through the rules, scored per rule and asset."""

from __future__ import annotations

import csv
import json
import sys
from enum import Enum
from typing import Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from impact.cli.common import RULES_OPTION, handle_errors, write_out


class StatsFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


@handle_errors
def stats(
    corpus: str = typer.Argument(..., help="JSONL, one {id, text, ...} a line, with a label field or without"),
    rules: Optional[list[str]] = RULES_OPTION,
    labels: str = typer.Option(
        "auto", "--labels", "-l",
        help="label field: auto (detect), labels, stance, gold_15m, events, none, or a field of yours with --label-map",
    ),
    label_map: Optional[list[str]] = typer.Option(
        None, "--label-map", "-m", metavar="MAP",
        help="VALUE=ASSET:DIRECTION, VALUE=none or TYPE=EVENT[,EVENT] (repeatable); overrides the built-in mapping",
    ),
    baseline: bool = typer.Option(False, "--baseline", help="score the naive 'asset word + up/down word' baseline instead"),
    min_score: float = typer.Option(
        0.0, "--min-score", min=0.0, max=1.0,
        help="per-asset figures: a net bullish/bearish view counts only with |score| >= this",
    ),
    format: StatsFormat = typer.Option(StatsFormat.table, "--format", "-f"),
    top: int = typer.Option(10, "--top", min=0, help="table: how many conflicting rule pairs to list"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Per rule: fires, coverage, overlaps, conflicts, precision; per asset: precision, coverage, false fires."""
    from impact.engine import Engine
    from impact.authoring.stats import corpus_stats, read_jsonl, to_csv_rows

    engine = Engine.from_path(rules)
    result = corpus_stats(engine, read_jsonl(corpus), labels, label_map or (), baseline=baseline, min_score=min_score)
    if format is StatsFormat.json:
        write_out(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
    elif format is StatsFormat.csv:
        import io

        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerows(to_csv_rows(result))
        write_out(text.getvalue())
    else:
        _table(result, top)


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def _table(s: dict[str, Any], top: int) -> None:
    # labels, event types and field names come from the corpus: shown as text, never as markup
    con = Console(highlight=False, markup=False, soft_wrap=True, width=None if sys.stdout.isatty() else 200)
    lab = s["labels"]
    t = s["timing"]["per_document_ms"]
    con.print(f"{s['documents']} documents, scorer {s['scorer']}"
              f"{', min score ' + str(s['min_score']) if s.get('min_score') else ''}, rule set {s['ruleset']}, "
              f"labels {lab['field'] + ' (' + lab['kind'] + ')' if lab else 'none'}")
    con.print(f"time per document (ms): mean {t['mean']}, p50 {t['p50']}, p90 {t['p90']}, p99 {t['p99']}, max {t['max']}")

    if "assets" in s:
        table = Table(title="per asset", title_justify="left")
        cols = ["asset", "labelled", "directional", "calls", "correct", "precision", "coverage",
                "unlabelled", "unlabelled_fired", "false_fire_unlabelled"]
        if any("base_rate" in r for r in s["assets"]):
            cols += ["flat", "base_rate"]
        for c in cols:
            table.add_column(c, justify="left" if c == "asset" else "right")
        for r in [*s["assets"], s["total"]]:
            if r["labelled"] or r["signals"] or r["asset"] == "all":
                table.add_row(*[_fmt(r.get(c)) for c in cols])
        con.print(table)
        nv = s["no_view"]
        con.print(f"false fire on items carrying no view: {nv['fired']} of {nv['items']} = {_fmt(nv['false_fire'])}")

    if "event_types" in s:
        table = Table(title="per event type", title_justify="left")
        cols = ["type", "labelled", "fired", "tp", "fp", "fn", "precision", "recall",
                "negated_labelled", "negated_fired_as_asserted"]
        for c in cols:
            table.add_column(c.replace("_", " "), justify="left" if c == "type" else "right")
        for r in s["event_types"]:
            table.add_row(*[_fmt(r[c]) for c in cols])
        con.print(table)

    table = Table(title="per rule (rules that fired)", title_justify="left")
    cols = ["rule", "fires", "coverage", "overlaps", "conflicts"]
    if s["rules"] and "precision" in s["rules"][0]:
        cols += ["judged", "precision", "unlabelled_fires"]
    for c in cols:
        table.add_column(c, justify="left" if c == "rule" else "right")
    for r in sorted(s["rules"], key=lambda r: -r["fires"]):
        if r["fires"]:
            table.add_row(*[_fmt(r.get(c)) for c in cols])
    con.print(table)
    if s["conflict_matrix"]:
        con.print("conflicting pairs (documents): " + "; ".join(
            f"{c['rule']} x {c['other']}: {c['documents']}" for c in s["conflict_matrix"][: 2 * top : 2]))
    never = s["never_fired"]
    con.print(f"never fired ({len(never)}): {', '.join(never) if never else '-'}")
