"""A document that cannot be evaluated fails the same way in the library, a batch and a frame."""

import pandas as pd

from impact import DocumentFailure
from impact.io.frames import evaluate_frame
from impact.io.records import Record
from impact.io.results import evaluate_records


class Flaky:
    """An engine whose rule action breaks on one document (a bug, not bad input)."""

    def __init__(self, engine):
        self.engine = engine

    def evaluate(self, text, doc_id=None, published_at=None):
        if "boom" in text:
            raise RuntimeError("rule action failed")
        return self.engine.evaluate(text, doc_id=doc_id, published_at=published_at)


def test_bad_input_reads_the_same_in_evaluate_many_a_batch_and_a_frame(engine):
    (many,) = engine.evaluate_many([{"id": "d1", "text": "金价上涨。", "published_at": "today"}])
    (batch,) = evaluate_records(engine, [Record(line=3, id="d1", text="金价上涨。", published_at="today")])
    frame = evaluate_frame(engine, pd.DataFrame({"id": ["d1"], "text": ["金价上涨。"], "published_at": ["today"]}))
    assert many == {"id": "d1", "error": many["error"]} and "relative to now" in many["error"]
    assert batch == {"id": "d1", "line": 3, "error": many["error"]}
    assert frame["error"].tolist() == [many["error"]]


def test_a_bug_on_one_document_is_an_internal_error_there_and_the_others_go_on(engine):
    flaky = Flaky(engine)
    records = [Record(line=1, id="a", text="金价上涨。"), Record(line=2, id="b", text="boom"),
               Record(line=3, id="c", text="金价上涨。")]
    out = list(evaluate_records(flaky, records))
    assert [r.get("error") for r in out] == [None, "internal error: RuntimeError: rule action failed", None]
    frame = evaluate_frame(flaky, pd.DataFrame({"id": ["a", "b"], "text": ["金价上涨。", "boom"]}))
    assert frame.set_index("id")["error"]["b"] == "internal error: RuntimeError: rule action failed"


def test_a_failure_is_one_typed_value():
    failure = DocumentFailure.of(ValueError("x"), "d9", line=7)
    assert failure == DocumentFailure("d9", "internal error: ValueError: x", 7)
    assert failure.to_dict() == {"id": "d9", "line": 7, "error": "internal error: ValueError: x"}
    assert DocumentFailure("d9", "no text").to_dict() == {"id": "d9", "error": "no text"}
