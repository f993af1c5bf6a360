"""``impact evaluate``: many documents, one output record per input record, in order."""

from __future__ import annotations

import gc
import json
import sys
from enum import Enum
from typing import Optional

import typer

from impact.cli.app import app, handle_errors, stderr


class InFormat(str, Enum):
    auto = "auto"
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class OutFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@app.command()
@handle_errors
def evaluate(
    input: str = typer.Argument(..., help="JSONL ({id, text, published_at?, source?} a line), CSV or Parquet; - = JSONL on stdin"),
    rules: Optional[str] = typer.Option(None, "--rules", "-r", help="rule folder (default: the bundled pack)"),
    format: OutFormat = typer.Option(OutFormat.jsonl, "--format", "-f", help="jsonl, csv or parquet"),
    input_format: InFormat = typer.Option(InFormat.auto, "--input-format", help="default: from the file name"),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="write here instead of stdout"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Evaluate a batch. Bad records become error records; the run never stops for one."""
    from impact.batch import evaluate_records, flat_row, read_records
    from impact.engine import Engine
    from impact.errors import InputError

    engine = Engine.from_path(rules)
    # a long batch: the loaded rules (hundreds of thousands of objects for a large pack) leave the
    # cyclic collector's passes; this process has nothing else to collect among them
    gc.freeze()
    fmt = None if input_format is InFormat.auto else input_format.value
    records = read_records(input, fmt)  # type: ignore[arg-type]
    results = evaluate_records(engine, _progress(records, quiet))
    if format is OutFormat.parquet and output is None:
        raise InputError("--format parquet needs --output PATH")
    n = errors = 0
    if format is OutFormat.jsonl:
        out = open(output, "w", encoding="utf-8") if output else sys.stdout
        try:
            for result in results:
                n += 1
                errors += "error" in result
                out.write(json.dumps(result, ensure_ascii=False) + "\n")
        finally:
            if output:
                out.close()
    else:
        import pandas as pd

        rows = []
        for result in results:
            n += 1
            errors += "error" in result
            rows.append(flat_row(result, engine.assets))
        frame = pd.DataFrame(rows)
        if format is OutFormat.csv:
            frame.to_csv(output if output else sys.stdout, index=False)
        else:
            frame.to_parquet(output, index=False)
    stderr().print(f"{n} records, {errors} errors", style="dim")


def _progress(records, quiet: bool):
    if quiet or not sys.stderr.isatty():
        yield from records
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=stderr(), transient=True) as progress:
        task = progress.add_task("evaluate", total=None)
        for rec in records:
            yield rec
            progress.advance(task)
