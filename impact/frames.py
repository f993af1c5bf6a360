"""DataFrames in and out: documents -> one row per signal, or one row per evidence.

Per-signal columns (``per="signal"``): id, published_at (datetime64[ns, UTC]), asset, direction,
score, n_evidence, bullish, bearish, neutral (summed vote weights), top_rule, ruleset, error.

Per-evidence columns (``per="evidence"``): id, published_at, asset, net_direction, net_score,
rule, direction, weight, counted, basis, horizon, start, end, sentence, trigger, explanation,
modifiers, ruleset, error.

A document without signals gives no row; a document that could not be evaluated gives one row
with ``error`` set and the other fields empty. An empty frame in gives an empty frame out with
these columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from impact.errors import ImpactError

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


def evaluate_frame(
    engine: Any,
    df: "pd.DataFrame",
    text: str = "text",
    id: str = "id",
    time: str | None = "published_at",
    per: str = "signal",
) -> "pd.DataFrame":
    """Evaluate every row of ``df``; see the module doc for the output columns."""
    if per not in ("signal", "evidence"):
        raise ValueError("per must be 'signal' or 'evidence'")
    if text not in df.columns and len(df):
        raise KeyError(f"no text column {text!r} in the frame (columns: {', '.join(map(str, df.columns))})")
    columns = SIGNAL_COLUMNS if per == "signal" else EVIDENCE_COLUMNS
    rows: list[dict[str, Any]] = []
    has_id = id in df.columns
    has_time = time is not None and time in df.columns
    for pos, (index, record) in enumerate(df.iterrows()):
        rid = record[id] if has_id else index
        when = record[time] if has_time else None
        try:
            report = engine.evaluate(record[text], doc_id=rid, published_at=when)
        except ImpactError as exc:
            rows.append({"id": rid, "published_at": _iso(when), "error": str(exc)})
            continue
        published = report.document.published_at
        for signal in report.signals:
            if per == "signal":
                counted = [e for e in signal.evidence if e.counted]
                top = max(counted, key=lambda e: e.weight) if counted else None
                rows.append(
                    {
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
                        "ruleset": report.ruleset,
                        "error": None,
                    }
                )
            else:
                for ev in signal.evidence:
                    rows.append(
                        {
                            "id": rid,
                            "published_at": published,
                            "asset": signal.asset,
                            "net_direction": signal.direction,
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
                            "ruleset": report.ruleset,
                            "error": None,
                        }
                    )
    return _typed(rows, columns)


def _iso(value: Any) -> Any:
    try:
        import pandas as pd

        return pd.Timestamp(value).isoformat() if value is not None and not pd.isna(value) else None
    except (ValueError, TypeError):
        return None
