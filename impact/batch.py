"""Batches: reading JSONL / CSV / Parquet records, evaluating them in order, writing results.

Every input record comes out as exactly one result or one error record, in input order.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator, Literal

from impact.errors import ImpactError, InputError

InputFormat = Literal["jsonl", "csv", "parquet"]


@dataclass(frozen=True, slots=True)
class Record:
    """One input record, or the reason it could not be read (``error``)."""

    line: int
    id: Any
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
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _from_mapping(line: int, obj: Any) -> Record:
    if not isinstance(obj, dict):
        return Record(line, line, error=f"record is a JSON {type(obj).__name__}, not an object")
    rid = _clean(obj.get("id"))
    rid = line if rid is None else rid
    if "text" not in obj or _clean(obj.get("text")) is None:
        return Record(line, rid, error="record has no 'text'")
    text = obj["text"]
    if not isinstance(text, str):
        return Record(line, rid, error=f"'text' must be a string, not {type(text).__name__}")
    return Record(line, rid, text, _clean(obj.get("published_at")), _clean(obj.get("source")))


def read_jsonl(lines: Iterable[bytes]) -> Iterator[Record]:
    for n, raw in enumerate(lines, start=1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Record(n, n, error=f"invalid UTF-8 at byte {exc.start} of line {n}")
            continue
        if not line.strip():
            yield Record(n, n, error="empty line")
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Record(n, n, error=f"malformed JSON: {exc.msg} at column {exc.colno}")
            continue
        yield _from_mapping(n, obj)


def read_table(path: str, fmt: InputFormat) -> Iterator[Record]:
    import pandas as pd

    try:
        if fmt == "csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python", encoding="utf-8")
        else:
            frame = pd.read_parquet(path)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: invalid UTF-8 ({exc.reason} at byte {exc.start})") from None
    except Exception as exc:  # pandas/pyarrow raise many kinds for unreadable files
        raise InputError(f"{path}: cannot read as {fmt}: {exc}") from None
    if "text" not in frame.columns:
        raise InputError(f"{path}: no 'text' column (columns: {', '.join(map(str, frame.columns))})")
    for n, row in enumerate(frame.to_dict("records"), start=1):
        yield _from_mapping(n, row)


def read_records(path: str, fmt: InputFormat | None = None) -> Iterator[Record]:
    """Records of a JSONL, CSV or Parquet file ('-' reads JSONL from standard input)."""
    import sys

    fmt = fmt or detect_format(path)
    if fmt == "jsonl":
        if path == "-":
            yield from read_jsonl(line.rstrip(b"\r\n") for line in sys.stdin.buffer)
            return
        try:
            handle = open(path, "rb")
        except OSError as exc:
            raise InputError(f"{path}: {exc.strerror or exc}") from None
        with handle:
            yield from read_jsonl(line.rstrip(b"\r\n") for line in handle)
    else:
        yield from read_table(path, fmt)


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
        if rec.source is not None:
            result["source"] = rec.source
        yield result


def flat_row(result: dict[str, Any], assets: list[str]) -> dict[str, Any]:
    """A result as one flat row: per asset direction and score, the signals as JSON."""
    row: dict[str, Any] = {"id": result.get("id"), "published_at": result.get("published_at"), "error": result.get("error")}
    signals = {s["asset"]: s for s in result.get("signals", [])}
    for asset in assets:
        s = signals.get(asset)
        row[f"{asset}_direction"] = s["direction"] if s else None
        row[f"{asset}_score"] = s["score"] if s else None
    row["signals"] = json.dumps(result.get("signals", []), ensure_ascii=False) if "error" not in result else None
    return row
