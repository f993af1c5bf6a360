"""``impact evaluate``: many documents, one output record per input record, in order."""

from __future__ import annotations

import gc
import os
from contextlib import nullcontext
from enum import Enum
from typing import Optional

import typer

from impact.cli.common import (
    RULES_OPTION,
    FAIL_ON_HELP,
    FailOn,
    check_writable,
    closed_pipe_keeps_hits,
    fail_on_hit,
    handle_errors,
    plural,
    progress,
    replacing_output,
    stderr,
    write_out,
)


class InFormat(str, Enum):
    auto = "auto"
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


class OutFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"


@handle_errors
def evaluate(
    input: str = typer.Argument(..., help="JSONL ({id, text, published_at?, source?} a line), CSV or Parquet; - = JSONL on stdin"),
    rules: Optional[list[str]] = RULES_OPTION,
    format: OutFormat = typer.Option(
        OutFormat.jsonl, "--format", "-f",
        help="jsonl (ids as in the input), csv or parquet (one row per record; the id column is text, "
             "an id-less or unreadable record's line number as text)",
    ),
    input_format: InFormat = typer.Option(InFormat.auto, "--input-format", help="default: from the file name"),
    output: Optional[str] = typer.Option(None, "--output", "-o", help="write here instead of stdout"),
    fail_on: Optional[list[str]] = typer.Option(None, "--fail-on", metavar="SPEC", help=FAIL_ON_HELP),
    tz: Optional[str] = typer.Option(
        None, "--tz", metavar="ZONE",
        help="time zone of published_at times without one (e.g. Asia/Shanghai); default UTC, with a warning",
    ),
    jobs: int = typer.Option(
        1, "--jobs", "-j", min=1, metavar="N",
        help="evaluate in N worker processes (the output still in input order); records are read "
             "ahead in chunks, so keep 1 for a live stream",
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress bar"),
    debug: bool = typer.Option(False, "--debug", help="show tracebacks"),
) -> None:
    """Evaluate a batch. Bad records become error records; the run never stops for one.

    With --fail-on, every record is still written; then the command exits 1 if any record hit
    (error records never do) and says on stderr how many and which.
    """
    from impact.io.records import read_records
    from impact.io.results import CsvRows, ParquetRows, evaluated_lines, flat_row
    from impact.engine import Engine
    from impact.errors import InputError

    if format is OutFormat.parquet and output is None:
        raise InputError("--format parquet needs --output PATH")
    if format is OutFormat.parquet:
        from impact.extras import require

        require("parquet", "--format parquet")
    from impact.timezones import naive_warning_line, records_in_zone, time_zone

    zone = time_zone(tz)
    engine = Engine.from_path(rules)
    failing = FailOn.parse(fail_on, engine)
    # a long batch: the loaded rules (hundreds of thousands of objects for a large pack) leave the
    # cyclic collector's passes; this process has nothing else to collect among them
    gc.freeze()
    fmt = None if input_format is InFormat.auto else input_format.value
    if output:
        if input != "-" and os.path.exists(input) and os.path.exists(output) and os.path.samefile(input, output):
            raise InputError(f"--output {output} is the input file; write the results elsewhere")
        check_writable(output)  # fail before the work, not after
    n = errors = 0
    hit_ids: list[str] = []

    def hits_so_far() -> Optional[str]:
        return f"{len(hit_ids)} of the first {n} records, before the output was closed" if hit_ids else None

    # a reader closing stdout early (`... --fail-on any | head`) still fails the check when a hit
    # was written before it did; without a hit that is a quiet exit 0 (impact.cli.common)
    with closed_pipe_keeps_hits(hits_so_far):
        # the results go to a file beside the output, moved over it when the run succeeds: a
        # failed run leaves an existing output as it was. Every format is written as the records
        # come (CSV a row at a time, Parquet a bounded row group at a time): flat memory
        with replacing_output(output, binary=True) if output else nullcontext() as out:
            write = out.write if out is not None else write_out
            rows = None
            if format is OutFormat.csv:
                rows = CsvRows(write, engine.assets)
            elif format is OutFormat.parquet:
                rows = ParquetRows(out, engine.assets)
            records = records_in_zone(read_records(input, fmt), zone,  # type: ignore[arg-type]
                                      lambda rec: stderr().print(naive_warning_line(rec), markup=False, soft_wrap=True))
            # the whole result only where it is read: rows of CSV or Parquet, and --fail-on
            whole = rows is not None or failing is not None
            with progress(None, quiet) as advance:  # records written, not read: --jobs reads ahead
                for result, line in evaluated_lines(engine, records, jobs, results=whole):
                    advance()
                    n += 1
                    errors += "error" in result
                    if failing and "error" not in result and failing.hits((s["asset"], s["direction"]) for s in result["signals"]):
                        hit_ids.append(str(result["id"]))
                    if rows is not None:
                        rows.write(flat_row(result, engine.assets))
                    else:
                        write(line)
            if rows is not None:
                rows.close()
    stderr().print(f"{plural(n, 'record')}, {plural(errors, 'error')}", style="dim")
    if hit_ids:
        shown = ", ".join(hit_ids[:5]) + (", ..." if len(hit_ids) > 5 else "")
        raise fail_on_hit(f"{len(hit_ids)} of {n} records ({shown})")
