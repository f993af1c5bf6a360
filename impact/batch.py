"""Batches: reading JSONL / CSV / Parquet records, evaluating them in order, writing results.

Every input record comes out as exactly one result or one error record, in input order: no
line of a JSONL file and no row of a CSV file stops the others. ``read_evaluated`` reads back
what ``impact evaluate`` wrote, in any of its three formats.
"""

from __future__ import annotations

import csv
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

from impact.errors import ImpactError, InputError

InputFormat = Literal["jsonl", "csv", "parquet"]


@dataclass(frozen=True, slots=True)
class Record:
    """One input record, or the reason it could not be read (``error``)."""

    line: int  # the line it starts on (JSONL, CSV; a CSV header is line 1) or its row (Parquet)
    id: Any  # an id-less or unreadable record: its line (JSONL) or data row number (CSV, Parquet)
    text: Any = None
    published_at: Any = None
    source: Any = None
    error: str | None = None


def detect_format(path: str) -> InputFormat:
    suffix = Path(path).suffix.lower()
    if suffix in (".csv", ".tsv"):
        return "csv"
    if suffix in (".parquet", ".pq"):
        return "parquet"
    return "jsonl"


def _clean(value: Any) -> Any:
    """A missing cell (NaN, or NaT in a Parquet timestamp column) as None."""
    if isinstance(value, float) and math.isnan(value) or type(value).__name__ == "NaTType":
        return None
    return value


class _Unwritable(ValueError):
    """A value that JSON output cannot carry (a lone surrogate, which UTF-8 cannot encode)."""


def _json_safe(value: Any, field: str) -> Any:
    """An id or source as the results can carry it: JSON's own types as they are, an infinite
    float or a value of a type JSON lacks (a Parquet timestamp, decimal, bytes) as text.

    A lone surrogate (``"\\ud800"`` in JSON text) cannot be written as UTF-8: ``_Unwritable``.
    """
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):  # numpy arrays and scalars
        value = value.tolist()
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _Unwritable(f"'{field}' is bytes that are not UTF-8 (at byte {exc.start})") from None
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise _Unwritable(f"'{field}' holds a lone surrogate (U+{ord(value[exc.start]):04X}) "
                              f"at character {exc.start}, which UTF-8 cannot carry") from None
        return value
    if isinstance(value, (list, tuple)):
        return [_json_safe(v, field) for v in value]
    if isinstance(value, dict):
        return {str(_json_safe(k, field)): _json_safe(v, field) for k, v in value.items()}
    if hasattr(value, "isoformat"):  # datetime, date, pandas Timestamp
        return value.isoformat()
    return str(value)  # Decimal and whatever else a column may hold


def _from_mapping(line: int, obj: Any) -> Record:
    if not isinstance(obj, dict):
        return Record(line, line, error=f"record is a JSON {type(obj).__name__}, not an object")
    try:
        rid = _json_safe(_clean(obj.get("id")), "id")
    except _Unwritable as exc:
        return Record(line, line, error=str(exc))
    if isinstance(rid, float) and rid.is_integer():  # an integer id column with a null reads as float64
        rid = int(rid)
    rid = line if rid is None else rid
    if "text" not in obj or _clean(obj.get("text")) is None:
        return Record(line, rid, error="record has no 'text'")
    text = obj["text"]
    if not isinstance(text, str):
        return Record(line, rid, error=f"'text' must be a string, not {type(text).__name__}")
    try:
        source = _json_safe(_clean(obj.get("source")), "source")
    except _Unwritable as exc:
        return Record(line, rid, error=str(exc))
    return Record(line, rid, text, _clean(obj.get("published_at")), source)


# -- JSON lines ----------------------------------------------------------------------------------

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class JsonLine:
    """One line of a JSONL stream: its value, or why it could not be read (``error``), or ``blank``."""

    number: int
    value: Any = None
    error: str | None = None
    blank: bool = False


def json_lines(lines: Iterable[bytes]) -> Iterator[JsonLine]:
    """Every line of a JSONL stream, parsed; the one reader of JSON lines for every command.

    A UTF-8 byte order mark before the first line is dropped (Windows tools write one). No line
    raises: invalid UTF-8, malformed JSON, a number too long for Python's int conversion or nesting
    too deep to parse all come back as ``error``, and the caller decides what that means.
    """
    for n, raw in enumerate(lines, start=1):
        raw = raw.rstrip(b"\r\n")
        if n == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM):]
        yield _json_line(n, raw)


def _json_line(n: int, raw: bytes) -> JsonLine:
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return JsonLine(n, error=f"invalid UTF-8 at byte {exc.start}")
    if not line.strip():
        return JsonLine(n, blank=True)
    try:
        return JsonLine(n, json.loads(line))
    except json.JSONDecodeError as exc:
        # json's own wording ends some messages with "at" ("Invalid control character at")
        reason = exc.msg[:-3] if exc.msg.endswith(" at") else exc.msg
        return JsonLine(n, error=f"malformed JSON: {reason} at column {exc.colno}")
    except RecursionError:
        return JsonLine(n, error="unreadable JSON: nested too deeply")
    except ValueError as exc:  # an integer longer than Python's int-string limit (4,300 digits)
        return JsonLine(n, error=f"unreadable JSON: {str(exc).split(';')[0]}")


def read_jsonl(lines: Iterable[bytes]) -> Iterator[Record]:
    for item in json_lines(lines):
        if item.blank:
            yield Record(item.number, item.number, error="empty line")
        elif item.error is not None:
            yield Record(item.number, item.number, error=item.error)
        else:
            yield _from_mapping(item.number, item.value)


# -- CSV -----------------------------------------------------------------------------------------

_ESCAPED = re.compile("[\udc80-\udcff]")  # bytes that were not UTF-8, kept by surrogateescape


@dataclass(frozen=True, slots=True)
class CsvRow:
    """One data row of a CSV file: ``fields`` by header name, or why it could not be read (``error``)."""

    row: int  # 1 = the first data row
    line: int  # the file line the row starts on (the header is line 1)
    fields: dict[str, str] | None = None
    error: str | None = None


def _delimiter(path: str, header: str) -> str:
    if Path(path).suffix.lower() == ".tsv":
        return "\t"
    counts = {d: header.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


FIELD_LIMIT = 1 << 30  # characters in one CSV field: past any text the engine reads (impact.engine.MAX_CHARS)


class _Lines:
    """The lines a csv reader pulls, with their numbers, remembered per row (for error records)."""

    def __init__(self, lines: Iterable[str]):
        self.source = enumerate(lines, start=1)
        self.taken: list[tuple[int, str]] = []  # the lines of the row being read

    def __iter__(self) -> "_Lines":
        return self

    def __next__(self) -> str:
        item = next(self.source)
        self.taken.append(item)
        return item[1]

    def row_start(self) -> int:
        return self.taken[0][0] if self.taken else 0

    def drop_row(self) -> None:
        self.taken = []

    def row_end(self) -> int:
        return self.taken[-1][0] if self.taken else 0


class CsvTable:
    """A CSV file's header and data rows, in order; no bad row stops the others.

    UTF-8 with or without a byte order mark; the delimiter is the one of comma, tab and semicolon
    that the header line uses most (``.tsv``: tab). A row with the wrong number of fields, bytes
    that are not UTF-8 or broken quoting is a row with ``error``. Broken quoting (a quote that
    never closes, text after a closing quote) makes one error of every line the reader took for
    that row, named by their numbers: where a broken quoted field was meant to end cannot be
    told, and reading its lines again as rows would make up records from the inside of a text.
    Blank lines are no rows. A file without a readable header is an InputError.
    """

    def __init__(self, path: str):
        self.path = path
        # the csv module refuses fields over 131,072 characters by default (a process-wide limit);
        # a document may be as long as the engine takes, and a results row's signals longer still:
        # the limit is raised, never lowered
        if csv.field_size_limit() < FIELD_LIMIT:
            csv.field_size_limit(FIELD_LIMIT)
        try:
            self._handle = open(path, encoding="utf-8-sig", errors="surrogateescape", newline="")
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from None
        try:
            first = self._handle.readline()
            self._lines = _Lines(_chain(first, self._handle))
            self._dialect = {"delimiter": _delimiter(path, first), "strict": True}
            self.header = self._read_header()
        except BaseException:
            self._handle.close()
            raise

    def _read_header(self) -> list[str]:
        try:
            for fields in csv.reader(self._lines, **self._dialect):
                self._lines.drop_row()
                if fields:
                    if _ESCAPED.search("".join(fields)):
                        raise InputError(f"{self.path}: invalid UTF-8 in the header row")
                    return fields
        except csv.Error as exc:
            raise InputError(f"{self.path}:{self._lines.row_start()}: cannot read the header: {exc}") from None
        raise InputError(f"{self.path}: no header row (the file is empty)")

    def close(self) -> None:
        self._handle.close()

    def __iter__(self) -> Iterator[CsvRow]:
        lines, header, row = self._lines, self.header, 0
        with self._handle:
            while True:
                try:
                    for fields in csv.reader(lines, **self._dialect):
                        start = lines.row_start()
                        lines.drop_row()
                        if not fields:
                            continue
                        row += 1
                        where = f"row {row} (line {start})"
                        if len(fields) != len(header):
                            yield CsvRow(row, start, error=f"{where}: {len(fields)} fields, the header has {len(header)}")
                        elif any(_ESCAPED.search(f) for f in fields):
                            yield CsvRow(row, start, error=f"{where}: invalid UTF-8")
                        else:
                            yield CsvRow(row, start, dict(zip(header, fields)))
                    return
                except csv.Error as exc:
                    row += 1
                    start, end = lines.row_start(), lines.row_end()
                    lines.drop_row()
                    where = f"row {row} (line {start})" if end <= start else f"row {row} (lines {start}-{end})"
                    yield CsvRow(row, start, error=f"{where}: {_csv_reason(str(exc))}")


def _csv_reason(message: str) -> str:
    if "end of data" in message:
        return "a quoted field never closes"
    if "expected after" in message:
        return 'text follows a quoted field (a quote inside a field is written "")'
    if "field limit" in message:
        return f"a field longer than {csv.field_size_limit():,} characters"
    return message


def _chain(first: str, rest: Iterable[str]) -> Iterator[str]:
    if first:
        yield first
    yield from rest


def read_csv(path: str) -> Iterator[Record]:
    table = CsvTable(path)
    if "text" not in table.header:
        table.close()
        raise InputError(f"{path}: no 'text' column (columns: {', '.join(table.header)})")
    for r in table:
        if r.error is not None:
            yield Record(r.line, r.row, error=r.error)
            continue
        # an empty cell is no id, time or source (the row number stands in for the id); an empty
        # text is an empty document
        cells = {k: (v if v != "" or k == "text" else None) for k, v in r.fields.items()}  # type: ignore[union-attr]
        rec = _from_mapping(r.row, cells)
        yield Record(r.line, rec.id, rec.text, rec.published_at, rec.source, rec.error)


# -- Parquet -------------------------------------------------------------------------------------


def read_parquet(path: str) -> Iterator[Record]:
    import pandas as pd

    from impact.extras import require

    require("parquet", f"reading {path} as Parquet")

    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pandas/pyarrow raise many kinds for unreadable files
        raise InputError(f"{path}: cannot read as parquet: {exc}") from None
    if "text" not in frame.columns:
        raise InputError(f"{path}: no 'text' column (columns: {', '.join(map(str, frame.columns))})")
    for n, row in enumerate(frame.to_dict("records"), start=1):
        yield _from_mapping(n, row)


def read_records(path: str, fmt: InputFormat | None = None) -> Iterator[Record]:
    """Records of a JSONL, CSV or Parquet file ('-' reads JSONL from standard input)."""
    import sys

    fmt = fmt or detect_format(path)
    if path == "-":
        if fmt != "jsonl":
            raise InputError(f"standard input is read as JSONL only, not {fmt}; give a file path for {fmt}")
        yield from read_jsonl(sys.stdin.buffer)
    elif fmt == "jsonl":
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from None
        with handle:
            yield from read_jsonl(handle)
    elif fmt == "csv":
        yield from read_csv(path)
    else:
        yield from read_parquet(path)


def evaluate_records(engine: Any, records: Iterable[Record]) -> Iterator[dict[str, Any]]:
    """One output dict per record: ``{"id", "signals", ...}`` or ``{"id", "line", "error"}``."""
    for rec in records:
        if rec.error is not None:
            yield {"id": rec.id, "line": rec.line, "error": rec.error}
            continue
        try:
            report = engine.evaluate(rec.text, doc_id=rec.id, published_at=rec.published_at)
        except ImpactError as exc:
            yield {"id": rec.id, "line": rec.line, "error": str(exc)}
            continue
        except Exception as exc:  # a bug must not lose the rest of the batch
            yield {"id": rec.id, "line": rec.line, "error": f"internal error: {type(exc).__name__}: {exc}"}
            continue
        out = report.to_dict()
        result = {"id": rec.id, "published_at": out["document"]["published_at"], "language": out["document"]["language"],
                  "ruleset": out["ruleset"], "signals": out["signals"]}
        if out["undecided"]:  # assets with evidence but no call, not signals (see Report.undecided)
            result["undecided"] = out["undecided"]
        if rec.source is not None:
            result["source"] = rec.source
        yield result


def evaluated_lines(engine: Any, records: Iterable[Record]) -> Iterator[tuple[dict[str, Any], bytes]]:
    """:func:`evaluate_records` with each result's JSON line as UTF-8: a result that cannot be
    written (text from the input that UTF-8 cannot carry, such as a lone surrogate in a cited
    sentence) comes out as an error record in its place, and the run goes on."""
    for rec in records:
        for result in evaluate_records(engine, (rec,)):
            try:
                yield result, (json.dumps(result, ensure_ascii=False, allow_nan=False) + "\n").encode("utf-8")
            except (TypeError, ValueError) as exc:  # UnicodeEncodeError is a ValueError
                reason = f"the result cannot be written as JSON: {type(exc).__name__}: {exc}"
                rid = result["id"] if _writable(result["id"]) else rec.line
                error = {"id": rid, "line": rec.line, "error": reason}
                yield error, (json.dumps(error, ensure_ascii=False) + "\n").encode("utf-8")


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
    return [_unflatten({k: _clean(v) for k, v in row.items()}, f"{path}: row {n}")
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
