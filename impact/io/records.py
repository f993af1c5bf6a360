"""Records in: reading JSONL / CSV / Parquet batches, one Record per line or row.

A line or row that cannot be read is a Record with an ``error``, in its place: no line of a
JSONL file and no row of a CSV file stops the others (impact.io.results writes them out).
"""

from __future__ import annotations

import csv
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

from impact.errors import InputError

InputFormat = Literal["jsonl", "csv", "parquet"]


@dataclass(frozen=True, slots=True)
class Record:
    """One input record, or the reason it could not be read (``error``)."""

    line: int  # the line it starts on (JSONL, CSV; a CSV header is line 1) or its row (Parquet)
    id: Any  # an id-less record: its line (JSONL) or data row number (CSV, Parquet); an unreadable line or row: None
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


def missing_as_none(value: Any) -> Any:
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
        return Record(line, None, error=f"record is a JSON {type(obj).__name__}, not an object")
    try:
        rid = _json_safe(missing_as_none(obj.get("id")), "id")
    except _Unwritable as exc:
        return Record(line, None, error=str(exc))
    if isinstance(rid, float) and rid.is_integer():  # an integer id column with a null reads as float64
        rid = int(rid)
    rid = line if rid is None else rid
    if "text" not in obj or missing_as_none(obj.get("text")) is None:
        return Record(line, rid, error="record has no 'text'")
    text = obj["text"]
    if not isinstance(text, str):
        return Record(line, rid, error=f"'text' must be a string, not {type(text).__name__}")
    try:
        source = _json_safe(missing_as_none(obj.get("source")), "source")
    except _Unwritable as exc:
        return Record(line, rid, error=str(exc))
    return Record(line, rid, text, missing_as_none(obj.get("published_at")), source)


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
        # a line that holds no record has no id (null): its ``line`` says where it is, and a line
        # number can never be mistaken for a record's own id
        if item.blank:
            yield Record(item.number, None, error="empty line")
        elif item.error is not None:
            yield Record(item.number, None, error=item.error)
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
                    twice = sorted(f for f, k in Counter(fields).items() if k > 1)
                    if twice:  # a row would keep the last of them silently
                        raise InputError(f"{self.path}: the header names {', '.join(map(repr, twice))} more than once")
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
            yield Record(r.line, None, error=r.error)
            continue
        # an empty cell is no id, time or source (the row number stands in for the id); an empty
        # text is an empty document
        cells = {k: (v if v != "" or k == "text" else None) for k, v in r.fields.items()}  # type: ignore[union-attr]
        rec = _from_mapping(r.row, cells)
        yield Record(r.line, rec.id, rec.text, rec.published_at, rec.source, rec.error)


# -- Parquet -------------------------------------------------------------------------------------


# rows read from a Parquet file at a time: what the reader holds of it, whatever its size
PARQUET_BATCH_ROWS = 256


def read_parquet(path: str) -> Iterator[Record]:
    """The rows of a Parquet file, read a batch of rows at a time (``ParquetFile.iter_batches``)."""
    from impact.extras import require

    require("parquet", f"reading {path} as Parquet")
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        table = pq.ParquetFile(path)
        names = table.schema_arrow.names
    except Exception as exc:  # pyarrow raises many kinds for unreadable files
        raise InputError(f"{path}: cannot read as parquet: {exc}") from None
    if "text" not in names:
        raise InputError(f"{path}: no 'text' column (columns: {', '.join(map(str, names))})")
    n = 0
    with table:
        batches = table.iter_batches(batch_size=PARQUET_BATCH_ROWS)
        while True:
            try:
                batch = next(batches, None)
                if batch is None:
                    return
                # through a table, so that pandas' metadata (a stored index) is read as pandas wrote it
                rows = pa.Table.from_batches([batch]).to_pandas().to_dict("records")
            except Exception as exc:
                raise InputError(f"{path}: cannot read as parquet after row {n}: {exc}") from None
            for row in rows:
                n += 1
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
