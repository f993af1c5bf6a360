"""Results out: a batch evaluated in order, written as JSONL lines or flat rows, and read back.

Every input record comes out as exactly one result or one error record, in input order.
``read_evaluated`` reads back what ``impact evaluate`` wrote, in any of its three formats.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import operator
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

from impact.errors import ImpactError, InputError
from impact.pipeline.document import DocumentFailure, attempt
from impact.io.records import CsvTable, Record, detect_format, json_lines, missing_as_none


def evaluate_records(engine: Any, records: Iterable[Record]) -> Iterator[dict[str, Any]]:
    """One output dict per record: ``{"id", "signals", ...}`` or ``{"id", "line", "error"}``."""
    for rec in records:
        if rec.error is not None:
            yield DocumentFailure(rec.id, rec.error, rec.line).to_dict()
            continue
        report = attempt(engine, rec.text, doc_id=rec.id, published_at=rec.published_at, line=rec.line)
        if isinstance(report, DocumentFailure):
            yield report.to_dict()
            continue
        out = report.to_dict()
        result = {"id": rec.id, "published_at": out["document"]["published_at"], "language": out["document"]["language"],
                  "ruleset": out["ruleset"], "signals": out["signals"]}
        if out["undecided"]:  # assets with evidence but no call, not signals (see Report.undecided)
            result["undecided"] = out["undecided"]
        if out.get("truncated"):  # evidence left out of the lists (impact.pipeline.resolve.cap_evidence)
            result["truncated"], result["evidence_omitted"] = True, out["evidence_omitted"]
        if rec.source is not None:
            result["source"] = rec.source
        yield result


def evaluated_lines(
    engine: Any, records: Iterable[Record], jobs: int = 1, *, results: bool = True
) -> Iterator[tuple[dict[str, Any], bytes]]:
    """:func:`evaluate_records` with each result's JSON line as UTF-8: a result that cannot be
    written (text from the input that UTF-8 cannot carry, such as a lone surrogate in a cited
    sentence) comes out as an error record in its place, and the run goes on.

    With ``jobs`` > 1 the records are evaluated by that many worker processes, each with its own
    copy of the engine, in chunks of :data:`CHUNK` records; the results still come one per record,
    in input order, and at most two chunks per worker are held at a time. Without ``results``
    (a caller that writes the lines and only counts the errors) a worker sends back each line with
    only the result's ``id`` and ``error``, not the whole result a second time."""
    if jobs > 1:
        yield from _pooled_lines(engine, records, jobs, results)
        return
    yield from _lines(engine, records)


CHUNK = 200  # records per task of a worker process: some 20-200 ms of work, so the hand-over is cheap


def _lines(engine: Any, records: Iterable[Record]) -> Iterator[tuple[dict[str, Any], bytes]]:
    for rec in records:
        for result in evaluate_records(engine, (rec,)):
            try:
                yield result, (json.dumps(result, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
            except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
                reason = f"the result cannot be written as JSON: {type(exc).__name__}: {exc}"
                rid = result["id"] if _writable(result["id"]) else rec.line
                error = DocumentFailure(rid, reason, rec.line).to_dict()
                yield error, (json.dumps(error, ensure_ascii=False) + "\n").encode("utf-8")


_worker_engine: Any = None  # a worker process's engine (set once, when the worker starts)
_worker_stop: Any = None  # set by the parent when the work still pending is not wanted


def _start_worker(engine: Any, stop: Any) -> None:
    global _worker_engine, _worker_stop
    import signal
    import threading

    # Ctrl-C is the parent's to handle: it tells the workers to stop (``stop``); a worker that
    # outlives its parent (kill -9) exits instead of waiting for work forever
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, daemon=True).start()
    _worker_engine, _worker_stop = engine, stop
    engine.compiled  # build it before the first chunk, once per worker
    gc.freeze()  # the rules stay out of the cyclic collector's passes, as in the parent


def _exit_with_parent() -> None:
    import multiprocessing
    import os

    parent = multiprocessing.parent_process()
    if parent is not None:
        parent.join()  # returns when the parent has exited, however it ended
        os._exit(1)


# a record crosses to a worker as a plain tuple of its fields: a tenth of the pickling cost of
# the dataclass, paid by the parent for every record
_FIELDS = tuple(f.name for f in dataclasses.fields(Record))
_as_tuple = operator.attrgetter(*_FIELDS)
_LINE = _FIELDS.index("line")


def _chunk_lines(rows: list[tuple], results: bool) -> list[tuple[dict[str, Any], bytes]]:
    done = _lines(_worker_engine, (Record(*row) for row in rows if not _worker_stop.is_set()))
    if results:
        return list(done)
    return [({"id": r["id"], "error": r["error"]} if "error" in r else {"id": r["id"]}, line) for r, line in done]


def _pooled_lines(
    engine: Any, records: Iterable[Record], jobs: int, results: bool
) -> Iterator[tuple[dict[str, Any], bytes]]:
    """``evaluated_lines`` over ``jobs`` worker processes. The workers are spawned, not forked (a
    fork copies the parent's threads' locks as they are), and get the engine pickled: its rules,
    from which each builds its automaton. The parent reads the records and writes the results."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool
    from itertools import islice

    source = iter(records)
    pending: deque = deque()
    failure: Exception | None = None
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(engine, stop))
    finished = False
    try:
        while True:
            while failure is None and len(pending) < 2 * jobs:
                chunk: list[tuple] = []
                try:
                    for rec in islice(source, CHUNK):
                        chunk.append(_as_tuple(rec))
                except Exception as exc:  # the input fails part way: what was read before comes out first
                    failure = exc
                if not chunk:
                    break
                pending.append((chunk[0][_LINE], pool.submit(_chunk_lines, chunk, results)))
            if not pending:
                break
            first_line, future = pending.popleft()
            try:
                done = future.result()
            except BrokenProcessPool as exc:
                raise ImpactError(
                    f"a worker process died while evaluating the records from line {first_line} on "
                    f"({exc}); run again without --jobs to find the record"
                ) from None
            yield from done
        finished = True
    finally:
        if not finished:  # Ctrl-C, an error, a reader that stopped: the pending work is not wanted
            stop.set()
        # a second Ctrl-C must not cut the shutdown short: the workers would wait for work forever
        # and this process for them, at exit
        with _interrupts_held():
            pool.shutdown(wait=True, cancel_futures=not finished)
    if failure is not None:
        raise failure


@contextmanager
def _interrupts_held() -> Iterator[None]:
    """Ctrl-C held back while the block runs (in the main thread), then raised."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if held and callable(previous):
        previous(signal.SIGINT, None)


def _writable(value: Any) -> bool:
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        return False
    return True


def flat_columns(assets: list[str]) -> list[str]:
    """The columns of :func:`flat_row`, in its order (the header of a batch with no records too)."""
    return ["id", "published_at", "error", *(f"{a}_{k}" for a in assets for k in ("direction", "score")),
            "signals", "undecided"]


def flat_row(result: dict[str, Any], assets: list[str]) -> dict[str, Any]:
    """A result as one flat row: per asset direction and score, the signals as JSON.

    The id is text (None stays None): a JSONL batch may mix ids such as ``"a1"`` and ``7`` (an
    id-less record's line number), and a CSV or Parquet column holds one type.
    """
    rid = result.get("id")
    if isinstance(rid, (list, dict)):  # an id that is a JSON array or object: as JSON, not Python's repr
        rid = json.dumps(rid, ensure_ascii=False)
    row: dict[str, Any] = {"id": None if rid is None else str(rid), "published_at": result.get("published_at"),
                           "error": result.get("error")}
    signals = {s["asset"]: s for s in result.get("signals", [])}
    for asset in assets:
        s = signals.get(asset)
        row[f"{asset}_direction"] = s["direction"] if s else None
        row[f"{asset}_score"] = s["score"] if s else None
    ok = "error" not in result
    row["signals"] = json.dumps(result.get("signals", []), ensure_ascii=False) if ok else None
    # assets with evidence but no call (Report.undecided), so that a mixed document does not read
    # as one without evidence
    row["undecided"] = json.dumps(result.get("undecided", []), ensure_ascii=False) if ok else None
    return row


# -- writing flat rows as they come -------------------------------------------------------------

# A Parquet row group holds at most this many rows, or the rows whose signals and undecided JSON
# pass this many characters (a row's evidence is bounded: impact.pipeline.resolve.cap_evidence):
# what ``impact evaluate`` holds of a batch is one row group, whatever the batch's size.
ROW_GROUP_ROWS = 1_000
ROW_GROUP_CHARS = 8_000_000


class CsvRows:
    """Rows of :func:`flat_row` as CSV lines (the header first), each handed to ``write`` as UTF-8
    as soon as it is made; the layout pandas' ``to_csv`` wrote (None as an empty field). The
    header waits for the first row or the close: input that cannot be read writes nothing."""

    def __init__(self, write: Callable[[bytes], Any], assets: list[str]):
        import csv
        import io

        self._write, self._text = write, io.StringIO()
        self._csv = csv.writer(self._text, lineterminator="\n")
        self._header: list[str] | None = flat_columns(assets)

    def _emit(self, fields: list[Any]) -> None:
        if self._header is not None:
            self._csv.writerow(self._header)
            self._header = None
        self._csv.writerow(fields)
        self._write(self._text.getvalue().encode("utf-8"))
        self._text.seek(0)
        self._text.truncate()

    def write(self, row: dict[str, Any]) -> None:
        self._emit(["" if v is None else v for v in row.values()])

    def close(self) -> None:
        if self._header is not None:  # an empty batch: still a results file others can read
            self._csv.writerow(self._header)
            self._write(self._text.getvalue().encode("utf-8"))
            self._header = None


class ParquetRows:
    """Rows of :func:`flat_row` written to ``handle`` (a binary file) in row groups of bounded
    size (ROW_GROUP_ROWS, ROW_GROUP_CHARS). Every column has one type whatever the batch holds:
    text (large_string) and the scores as doubles, null where absent."""

    def __init__(self, handle: Any, assets: list[str]):
        import pyarrow as pa
        import pyarrow.parquet as pq

        scores = {f"{a}_score" for a in assets}
        self._schema = pa.schema([(c, pa.float64() if c in scores else pa.large_string()) for c in flat_columns(assets)])
        self._table = pa.Table.from_pylist
        self._writer = pq.ParquetWriter(handle, self._schema)
        self._rows: list[dict[str, Any]] = []
        self._chars = 0

    def write(self, row: dict[str, Any]) -> None:
        self._rows.append(row)
        self._chars += len(row.get("signals") or "") + len(row.get("undecided") or "")
        if len(self._rows) >= ROW_GROUP_ROWS or self._chars >= ROW_GROUP_CHARS:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._writer.write_table(self._table(self._rows, schema=self._schema))
            self._rows, self._chars = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()


# -- reading what `impact evaluate` wrote ----------------------------------------------------------

FLAT_COLUMNS = ("id", "published_at", "error", "signals")  # and <asset>_direction, <asset>_score
OPTIONAL_FLAT_COLUMNS = ("undecided",)  # absent from files written before it existed


def read_evaluated(path: str) -> list[dict[str, Any]] | None:
    """The results in a file that ``impact evaluate`` wrote (JSONL, CSV or Parquet); None for news.

    JSONL: records with ``signals`` or ``error`` and no ``text``. CSV and Parquet: the flat layout
    of :func:`flat_row` (no ``text`` column), whose ``signals`` column carries the full signals.
    A file that is not readable at all is None too (reading it as news says what is wrong); a line
    or row of a results file that cannot be read is an InputError naming the file and line.
    """
    if path == "-":
        return None
    fmt = detect_format(path)
    if fmt == "jsonl":
        return _evaluated_jsonl(path)
    if fmt == "csv":
        return _evaluated_csv(path)
    return _evaluated_parquet(path)


def _evaluated_jsonl(path: str) -> list[dict[str, Any]] | None:
    try:
        handle = open(path, "rb")
    except OSError:
        return None
    with handle:
        items = (item for item in json_lines(handle) if not item.blank)
        first = next(items, None)
        if first is None or not _is_result(first.value):
            return None
        results = []
        for item in (first, *items):
            if item.error is not None:
                raise InputError(f"{path}:{item.number}: {item.error}")
            if not isinstance(item.value, dict):
                raise InputError(f"{path}:{item.number}: a result must be a JSON object")
            results.append(_checked(item.value, f"{path}:{item.number}"))
    return results


def _evaluated_csv(path: str) -> list[dict[str, Any]] | None:
    try:
        table = CsvTable(path)
    except InputError:
        return None
    if "text" in table.header or not set(FLAT_COLUMNS) <= set(table.header):
        table.close()
        return None
    results = []
    for r in table:
        if r.error is not None:
            raise InputError(f"{path}:{r.line}: {r.error}")
        cells = {k: (v if v != "" else None) for k, v in r.fields.items()}  # type: ignore[union-attr]
        results.append(_unflatten(cells, f"{path}:{r.line}"))
    return results


def _evaluated_parquet(path: str) -> list[dict[str, Any]] | None:
    from impact.extras import require

    require("parquet", f"reading {path} as Parquet")
    import pandas as pd
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception:  # not a Parquet file, or not there: read_records says which
        return None
    if "text" in names or not set(FLAT_COLUMNS) <= set(names):
        return None
    frame = pd.read_parquet(path, columns=[*FLAT_COLUMNS, *(c for c in OPTIONAL_FLAT_COLUMNS if c in names)])
    return [_unflatten({k: missing_as_none(v) for k, v in row.items()}, f"{path}: row {n}")
            for n, row in enumerate(frame.to_dict("records"), start=1)]


def _is_result(value: Any) -> bool:
    return isinstance(value, dict) and "text" not in value and ("signals" in value or "error" in value)


def _unflatten(cells: dict[str, Any], where: str) -> dict[str, Any]:
    """A flat row back into an ``impact evaluate`` result (no ``ruleset``: the flat layout has none)."""
    result: dict[str, Any] = {"id": cells.get("id"), "published_at": cells.get("published_at")}
    if cells.get("error") is not None:
        result["error"] = cells["error"]
        return result
    for column in ("signals", *OPTIONAL_FLAT_COLUMNS):
        try:
            value = json.loads(cells.get(column) or "[]")
        except ValueError:
            raise InputError(f"{where}: the '{column}' column is not JSON") from None
        if not isinstance(value, list):
            raise InputError(f"{where}: the '{column}' column is not a JSON list")
        if value or column == "signals":
            result[column] = value
    return _checked(result, where)


def _checked(result: dict[str, Any], where: str) -> dict[str, Any]:
    """``result`` when its signals and undecided assets read as a report's do; else an InputError
    of one line naming ``where`` (the file and line) and the first field that is wrong."""
    from pydantic import ValidationError

    from impact.report import Signal, Undecided

    if "error" in result:
        return result
    for column, model in (("signals", Signal), ("undecided", Undecided)):
        items = result.get(column) or []
        if not isinstance(items, list):
            raise InputError(f"{where}: '{column}' is not a JSON list")
        for i, item in enumerate(items):
            try:
                model.model_validate(item)
            except ValidationError as exc:
                first = exc.errors()[0]
                field = ".".join(str(part) for part in (column, i, *first["loc"]))
                more = exc.error_count() - 1
                raise InputError(f"{where}: {field}: {first['msg']}"
                                 + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")) from None
    return result
