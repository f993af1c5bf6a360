"""DataFrames in and out: documents -> one row per signal, or one row per evidence.

``evaluate_frame(engine, df, text="text", id="id", time="published_at", per="signal")``.

Per-signal columns (``per="signal"``), one row per (document, asset) with a view:

=============  ======================  ========================================================
id             object                  the document's id (the ``id`` column, else the index)
published_at   datetime64[ns, UTC]     publication time; naive input times in ``tz=``, else UTC
asset          string                  canonical asset name (gold, usd, copper, ...)
direction      string                  net view: bullish, bearish or neutral
score          float64                 net score in [-1, 1]
n_evidence     int64                   rule hits behind the view, agreeing or not
bullish        float64                 summed counted vote weights per direction
bearish        float64
neutral        float64
top_rule       string                  the rule of the heaviest counted vote
ruleset        string                  hash of the rule files
error          string                  set (and the rest empty) when the document failed
=============  ======================  ========================================================

Per-evidence columns (``per="evidence"``), one row per cited rule hit: id, published_at, asset,
net_direction and net_score (the signal the hit belongs to; for the evidence of an undecided
asset, one with no call, net_direction is empty and net_score the lean), rule, direction (the hit's own),
weight (float64), counted (boolean), basis, horizon, start and end (Int64 offsets into the input
text: ``text[start:end] == sentence``), sentence, trigger (the matched text), explanation,
modifiers (comma-separated: hedged, negated, future, ...), ruleset, error, and for evidence read from
an economic release its numbers (empty otherwise): release_indicator, release_actual, release_consensus,
release_previous, release_surprise (float64, in the unit of the actual as printed) and release_unit.

A document without signals gives no row; a document that could not be evaluated gives one row
with ``error`` set and the other fields empty. An empty frame in gives an empty frame out with
these columns (``empty_frame(per)``, also Dask's ``meta``). ``results_frame`` builds the same
frames from records that ``impact evaluate`` already wrote.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator

from impact.errors import ImpactError
from impact.pipeline.document import DocumentFailure, attempt

if TYPE_CHECKING:
    import pandas as pd

SIGNAL_COLUMNS = {
    "id": "object",
    "published_at": "datetime64[ns, UTC]",
    "asset": "string",
    "direction": "string",
    "score": "float64",
    "n_evidence": "int64",
    "bullish": "float64",
    "bearish": "float64",
    "neutral": "float64",
    "top_rule": "string",
    "ruleset": "string",
    "error": "string",
}

EVIDENCE_COLUMNS = {
    "id": "object",
    "published_at": "datetime64[ns, UTC]",
    "asset": "string",
    "net_direction": "string",
    "net_score": "float64",
    "rule": "string",
    "direction": "string",
    "weight": "float64",
    "counted": "boolean",
    "basis": "string",
    "horizon": "string",
    "start": "Int64",
    "end": "Int64",
    "sentence": "string",
    "trigger": "string",
    "explanation": "string",
    "modifiers": "string",
    "ruleset": "string",
    "error": "string",
    # economic releases (impact.pipeline.releases): empty for other evidence
    "release_indicator": "string",
    "release_actual": "float64",
    "release_consensus": "float64",
    "release_previous": "float64",
    "release_surprise": "float64",
    "release_unit": "string",
}


def _typed(rows: list[dict[str, Any]], columns: dict[str, str]) -> "pd.DataFrame":
    import pandas as pd

    frame = pd.DataFrame(rows, columns=list(columns))
    for col, dtype in columns.items():
        if dtype.startswith("datetime64"):
            frame[col] = pd.to_datetime(frame[col], utc=True, errors="coerce", format="ISO8601").astype(dtype)
        elif dtype == "int64":
            frame[col] = frame[col].fillna(0).astype("int64")
        else:
            frame[col] = frame[col].astype(dtype)
    return frame


def empty_frame(per: str = "signal") -> "pd.DataFrame":
    """The output of ``evaluate_frame`` for no documents: the columns and dtypes, no rows (Dask's ``meta``)."""
    return _typed([], _columns(per))


def evaluate_frame(
    engine: Any,
    df: "pd.DataFrame",
    text: str = "text",
    id: str = "id",
    time: str | None = "published_at",
    per: str = "signal",
    tz: Any = None,
) -> "pd.DataFrame":
    """Evaluate every row of ``df``; see the module doc for the output columns.

    ``tz`` is the time zone of naive times (``"Asia/Shanghai"``); without it they are read as UTC
    and one NaiveTimeWarning says how many (impact.timezones).

    The output has a fresh RangeIndex; rows come in input order (a document's signals in the
    report's order). A document that raises, for any reason, becomes an error row: one bad
    record never loses the rest of a partition.
    """
    columns = _columns(per)
    # a column the caller named must exist; the default id and time columns are optional
    for name, default in ((text, None), (id, "id"), (time, "published_at")):
        if name is not None and name != default and name not in df.columns and len(df):
            raise KeyError(f"no column {name!r} in the frame (columns: {', '.join(map(str, df.columns))})")
    rows: list[dict[str, Any]] = []
    ids = df[id].tolist() if id in df.columns else list(df.index)
    texts = df[text].tolist() if len(df) else []
    times = df[time].tolist() if time is not None and time in df.columns else [None] * len(df)
    from impact.timezones import localize, time_zone, warn_naive

    zone = time_zone(tz)
    warn_naive(times, zone)
    for rid, body, when in zip(ids, texts, times):
        # Dask and Arrow-backed frames carry pd.NA where pandas carries None: read both the same
        body, when = _none_if_missing(body), _none_if_missing(when)
        try:
            local = localize(when, zone) if zone is not None else when
        except ImpactError as exc:  # a local time a clock change skips or repeats
            rows.append({"id": rid, "published_at": _iso(when), "error": str(exc)})
            continue
        report = attempt(engine, body, doc_id=rid, published_at=local)
        if isinstance(report, DocumentFailure):
            rows.append({"id": rid, "published_at": _iso(when), "error": report.error})
            continue
        rows.extend(_rows(rid, report.document.published_at, report.signals, report.undecided, report.ruleset, per))
    return _typed(rows, columns)


def results_frame(results: Iterable[dict[str, Any]], per: str = "signal") -> "pd.DataFrame":
    """The same frame from already-evaluated records (``impact evaluate --format jsonl`` lines)."""
    from impact.report import Signal, Undecided

    columns = _columns(per)
    rows: list[dict[str, Any]] = []
    for result in results:
        rid = result.get("id")
        if "error" in result:
            rows.append({"id": rid, "published_at": result.get("published_at"), "error": str(result["error"])})
            continue
        signals = [Signal.model_validate(s) for s in result.get("signals") or []]
        undecided = [Undecided.model_validate(u) for u in result.get("undecided") or []]
        rows.extend(_rows(rid, result.get("published_at"), signals, undecided, result.get("ruleset"), per))
    return _typed(rows, columns)


def _columns(per: str) -> dict[str, str]:
    if per == "signal":
        return SIGNAL_COLUMNS
    if per == "evidence":
        return EVIDENCE_COLUMNS
    raise ValueError(f"per must be 'signal' or 'evidence', not {per!r}")


def _rows(
    rid: Any, published: Any, signals: Iterable[Any], undecided: Iterable[Any], ruleset: Any, per: str
) -> Iterator[dict[str, Any]]:
    """Per signal: its row. Per evidence: every cited hit, the undecided assets' too (a rule's
    hits count whatever the net view; the net direction is then empty)."""
    for signal in signals if per == "signal" else [*signals, *undecided]:
        if per == "signal":
            counted = [e for e in signal.evidence if e.counted]
            top = max(counted, key=lambda e: e.weight) if counted else None
            yield {
                "id": rid,
                "published_at": published,
                "asset": signal.asset,
                "direction": signal.direction,
                "score": signal.score,
                "n_evidence": len(signal.evidence),
                "bullish": signal.votes.get("bullish", 0.0),
                "bearish": signal.votes.get("bearish", 0.0),
                "neutral": signal.votes.get("neutral", 0.0),
                "top_rule": top.rule if top else None,
                "ruleset": ruleset,
                "error": None,
            }
            continue
        for ev in signal.evidence:
            yield {
                "id": rid,
                "published_at": published,
                "asset": signal.asset,
                "net_direction": getattr(signal, "direction", None),
                "net_score": signal.score,
                "rule": ev.rule,
                "direction": ev.direction,
                "weight": ev.weight,
                "counted": ev.counted,
                "basis": ev.basis,
                "horizon": ev.horizon,
                "start": ev.start,
                "end": ev.end,
                "sentence": ev.sentence,
                "trigger": ev.trigger.text,
                "explanation": ev.explanation,
                "modifiers": ",".join(ev.modifiers),
                "ruleset": ruleset,
                "error": None,
                **_release_columns(getattr(ev, "release", None)),
            }


def _release_columns(release: Any) -> dict[str, Any]:
    """The release_* columns of one evidence (None for evidence not read from a release)."""
    names = ("indicator", "actual", "consensus", "previous", "surprise", "unit")
    return {f"release_{n}": None if release is None else getattr(release, n) for n in names}


def _none_if_missing(value: Any) -> Any:
    import pandas as pd

    try:
        return None if pd.isna(value) else value
    except (TypeError, ValueError):  # not a scalar
        return value


def _iso(value: Any) -> Any:
    """A publication time as ISO text for an error row; None when it is missing or not one the
    engine takes (a bare number, 'now', a year outside 1677-2262: the reason of the error row)."""
    from impact.pipeline.document import parse_published

    try:
        return parse_published(value)
    except Exception:  # noqa: BLE001 - whatever the value, the error row itself must be written
        return None
