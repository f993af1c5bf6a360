"""Frames: documented columns and dtypes, error rows, evaluated records in, empty in -> empty out."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import article
from impact.io.records import read_jsonl
from impact.io.results import evaluate_records
from impact.io.frames import EVIDENCE_COLUMNS, SIGNAL_COLUMNS, empty_frame, evaluate_frame, results_frame

NEWS = pd.DataFrame({
    "doc": ["metals", "gold", "none"],
    "body": [article("base-metals-views-zh"), "美元走弱提振金价。", "no view here"],
    "when": ["2025-07-01T09:31:00+08:00", "2025-07-01 03:00", None],
})


@pytest.mark.parametrize("per, columns", [("signal", SIGNAL_COLUMNS), ("evidence", EVIDENCE_COLUMNS)])
def test_columns_and_dtypes_are_the_documented_ones(engine, per, columns):
    out = engine.evaluate_frame(NEWS, text="body", id="doc", time="when", per=per)
    assert {c: str(t) for c, t in out.dtypes.items()} == {c: str(empty_frame(per)[c].dtype) for c in columns}
    assert list(out.columns) == list(columns)
    assert str(out["published_at"].dtype) == "datetime64[ns, UTC]"


def test_times_become_utc_and_naive_times_are_read_as_utc(engine):
    out = engine.evaluate_frame(NEWS, text="body", id="doc", time="when")
    when = out.drop_duplicates("id").set_index("id")["published_at"]
    assert when["metals"] == pd.Timestamp("2025-07-01T01:31:00Z")
    assert when["gold"] == pd.Timestamp("2025-07-01T03:00:00Z")


def test_without_an_id_column_the_index_is_the_id(engine):
    df = pd.DataFrame({"text": ["金价上涨。"]}, index=["row-7"])
    assert engine.evaluate_frame(df)["id"].tolist() == ["row-7"]


def test_a_failing_document_is_an_error_row_and_the_rest_survive(engine):
    class Flaky:
        def evaluate(self, text, doc_id=None, published_at=None):
            if doc_id == "boom":
                raise RuntimeError("disk on fire")
            return engine.evaluate(text, doc_id=doc_id, published_at=published_at)

    df = pd.DataFrame({"id": ["boom", "ok", "late"], "text": ["金价上涨。", "金价上涨。", "金价上涨。"],
                       "published_at": [None, None, "not a date"]})
    out = evaluate_frame(Flaky(), df)
    errors = out.set_index("id")["error"]
    assert "internal error: RuntimeError: disk on fire" in errors["boom"]
    assert pd.isna(errors["ok"]) and "not a date" in errors["late"]


def test_results_frame_from_evaluated_records_equals_evaluate_frame(engine):
    lines = [pd.Series({"id": i, "text": t, "published_at": w}).to_json(force_ascii=False).encode()
             for i, t, w in NEWS.itertuples(index=False)]
    results = list(evaluate_records(engine, read_jsonl(lines)))
    for per in ("signal", "evidence"):
        direct = engine.evaluate_frame(NEWS, text="body", id="doc", time="when", per=per)
        pd.testing.assert_frame_equal(results_frame(results, per=per), direct)


def test_an_empty_frame_gives_the_empty_frame(engine):
    for per in ("signal", "evidence"):
        out = engine.evaluate_frame(pd.DataFrame({"id": [], "text": []}), per=per)
        pd.testing.assert_frame_equal(out, empty_frame(per))
    with pytest.raises(ValueError, match="per must be"):
        empty_frame("document")


def test_a_column_named_by_the_caller_must_exist(engine):
    with pytest.raises(KeyError, match="'when'"):
        engine.evaluate_frame(pd.DataFrame({"text": ["金价上涨。"]}), time="when")
    with pytest.raises(KeyError, match="'body'"):
        engine.evaluate_frame(pd.DataFrame({"text": ["金价上涨。"]}), text="body")
    assert len(engine.evaluate_frame(pd.DataFrame({"text": ["金价上涨。"]}))) == 1  # default id and time may be absent


def test_the_evidence_of_an_asset_with_no_call_is_in_the_evidence_frame(engine):
    df = pd.DataFrame({"id": ["m"], "text": ["美国宣布对欧盟商品加征关税。两国签署停火协议。"]})  # gold: no call
    assert evaluate_frame(engine, df).empty  # no signal
    ev = evaluate_frame(engine, df, per="evidence")
    assert set(ev["rule"]) == {"tariffs.threat.gold", "geopolitics.easing.gold"}
    assert ev["net_direction"].isna().all() and (ev["asset"] == "gold").all()
    results = list(evaluate_records(engine, read_jsonl([b'{"id": "m", "text": "' + df.text[0].encode() + b'"}'])))
    pd.testing.assert_frame_equal(results_frame(results, per="evidence"), ev)
