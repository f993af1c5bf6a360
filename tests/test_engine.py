"""The library surface: Engine, reports, frames, batches."""

import pickle

import pandas as pd
import pytest

from impact import Engine, InputError, Report

from conftest import FIXTURES, RULES, article


def test_default_engine_uses_the_bundled_pack():
    engine = Engine.from_path()
    assert {"gold", "usd", "copper", "aluminium", "zinc", "nickel", "tin", "lead"} <= set(engine.assets)
    assert engine.evaluate("美元走弱提振金价。").signal("gold").direction == "bullish"


def test_report_json_has_the_contract_fields(engine):
    data = engine.evaluate(article("syria-sanctions-zh"), doc_id="a1", published_at="2025-07-01T03:31:00Z").to_dict()
    assert data["schema"] == "impact.report/1"
    assert data["document"] == {"id": "a1", "language": "zh", "chars": len(article("syria-sanctions-zh")),
                                "published_at": "2025-07-01T03:31:00Z"}
    ev = data["signals"][0]["evidence"][0]
    assert {"rule", "direction", "sentence", "start", "end", "explanation"} <= set(ev)
    assert Report.model_validate(data).to_dict() == data


def test_engine_is_immutable_and_pickles_small(engine):
    with pytest.raises(AttributeError):
        engine.foo = 1
    blob = pickle.dumps(engine)
    clone = pickle.loads(blob)
    text = article("base-metals-views-zh")
    assert clone.evaluate(text) == engine.evaluate(text)
    # the rule set travels whole (lexicons, descriptions, examples, the economic-release catalogue): what a
    # worker process receives once, not per document; a bound that grows with the pack's documented vocabulary
    assert len(blob) < 500_000



def test_the_rule_set_behind_an_engine_cannot_be_edited_in_place(engine):
    """An edit would reach the engine's pickled copies (workers) but not its compiled form."""
    for mapping in (engine.ruleset.assets, engine.ruleset.events, engine.ruleset.lexicons):
        with pytest.raises(TypeError, match="immutable"):
            mapping.clear()
    with pytest.raises(TypeError):
        engine.ruleset.assets["gold"] = engine.ruleset.assets["usd"]
    with pytest.raises(AttributeError, match="immutable"):
        engine.__init__(engine.ruleset)
    clone = pickle.loads(pickle.dumps(engine))
    assert clone.ruleset.assets == engine.ruleset.assets and clone.evaluate("金价上涨。") == engine.evaluate("金价上涨。")


@pytest.mark.parametrize(
    "when", ["now", "Today", "3000-01-01", "1600-01-01T00:00:00Z", "2262-04-11T23:00:00-05:00", "1677-09-21T02:00:00+05:00"]
)
def test_relative_and_out_of_range_times_are_input_errors(engine, when):
    with pytest.raises(InputError, match="relative to now|outside the years"):
        engine.evaluate("金价上涨。", published_at=when)


def test_a_frame_with_an_out_of_range_time_gives_that_row_an_error(engine):
    assert engine.evaluate("金价承压。", published_at="NaT").document.published_at is None
    df = pd.DataFrame({"id": [1, 2, 3], "text": ["金价承压。"] * 3,
                       "published_at": ["2262-04-11T23:00:00-05:00", "2025-07-01", 1751340660]})
    for per in ("signal", "evidence"):
        out = engine.evaluate_frame(df, per=per)
        errors = out.dropna(subset=["error"])
        assert list(errors["id"]) == [1, 3] and errors["published_at"].isna().all()
        assert (out["id"] == 2).any() and out.loc[out["id"] == 2, "error"].isna().all()

def test_non_text_and_bad_dates_are_input_errors(engine):
    with pytest.raises(InputError, match="text must be a string"):
        engine.evaluate(123)
    with pytest.raises(InputError, match="not a date"):
        engine.evaluate("金价上涨", published_at="yesterday-ish")
    # pandas would read a bare number as nanoseconds after 1970, a date nobody meant
    with pytest.raises(InputError, match="is a number"):
        engine.evaluate("金价上涨", published_at=1751340660)
    # JSON can carry a lone surrogate ("\ud800"); it is no text the engine can read
    with pytest.raises(InputError, match="lone surrogate .* at character 10"):
        engine.evaluate("Gold fell \ud800 sharply.")


def test_empty_and_whitespace_documents_give_empty_reports(engine):
    for text in ("", "   \n\n ", "\x00\x00"):
        assert engine.evaluate(text).signals == []


def test_naive_timestamps_are_read_as_utc(engine):
    report = engine.evaluate("金价上涨。", published_at="2025-07-01 15:30")
    assert report.document.published_at == "2025-07-01T15:30:00Z"


def test_evaluate_frame_per_signal_and_per_evidence(engine):
    df = pd.DataFrame({
        "id": ["zinc", "bad", "none"],
        "text": [article("base-metals-views-zh"), 42, "no view here"],
        "published_at": ["2025-07-01T03:31:00+08:00", None, "2025-07-02"],
    })
    signals = engine.evaluate_frame(df)
    assert str(signals["published_at"].dtype) == "datetime64[ns, UTC]"
    assert set(signals.loc[signals.id == "zinc", "asset"]) >= {"copper", "zinc", "aluminium", "nickel", "tin"}
    assert signals.loc[signals.id == "bad", "error"].str.contains("text must be a string").all()
    assert "none" not in set(signals.id)
    evidence = engine.evaluate_frame(df, per="evidence")
    row = evidence[evidence.id == "zinc"].iloc[0]
    assert article("base-metals-views-zh")[row.start : row.end] == row.sentence


def test_empty_frame_gives_empty_frame_with_the_same_columns(engine):
    out = engine.evaluate_frame(pd.DataFrame({"id": [], "text": []}))
    assert len(out) == 0
    assert list(out.columns) == list(engine.evaluate_frame(pd.DataFrame({"id": ["x"], "text": ["金价上涨"]})).columns)


def test_evaluate_many_yields_one_result_per_record(engine):
    out = list(engine.evaluate_many([{"id": 1, "text": "金价上涨。"}, {"id": 2}, "nope", {"id": 4, "text": None}]))
    assert isinstance(out[0], Report)
    assert [o["id"] for o in out[1:]] == [2, 2, 4]
    assert all("error" in o for o in out[1:])



def test_evaluate_many_turns_a_failing_rule_action_into_error_records(tmp_path, monkeypatch):
    from impact import engine as engine_module
    from impact.errors import InferenceError

    engine = Engine.from_path()

    def broken(*args, **kwargs):
        raise ValueError("Unknown format code 'd'")  # what a bad explain template raised

    monkeypatch.setattr(engine_module, "_votes", broken)
    with pytest.raises(InferenceError):
        engine.evaluate("金价上涨。")
    out = list(engine.evaluate_many([{"id": 1, "text": "金价上涨。"}, {"id": 2, "text": "没有资产。"}]))
    assert out[0]["id"] == 1 and "Unknown format code" in out[0]["error"]
    assert isinstance(out[1], Report)

def test_a_rule_folder_of_the_users_own(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    for f in RULES.glob("*.yaml"):
        if f.name in ("assets.yaml", "modifiers.yaml", "views.yaml"):
            (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    engine = Engine.from_path(folder)
    assert engine.ruleset_hash != Engine.from_path(RULES).ruleset_hash
    assert engine.evaluate("Copper slips.").signal("copper").direction == "bearish"


def test_english_report_with_contrast_and_inventory(engine):
    text = (FIXTURES / "articles" / "gold-dollar-en.txt").read_text(encoding="utf-8")
    report = engine.evaluate(text)
    # gold: a reported rise, then "however ... could come under pressure": votes both ways in near
    # balance are no call. Not a neutral signal (neutral is an explicit range view): kept apart.
    assert report.signal("gold") is None
    (gold,) = [u for u in report.undecided if u.asset == "gold"]
    assert {e.direction for e in gold.evidence} == {"bullish", "bearish"}
    assert gold.reason.startswith("votes both ways") and -1 < gold.score < 0
    assert report.signal("copper").direction == "bearish"
    data = report.to_dict()
    assert data["undecided"][0]["asset"] == "gold" and all(s["direction"] != "neutral" for s in data["signals"])


def test_irregular_white_space_inside_a_term_still_matches(engine):
    # hard-wrapped English with Windows line ends, indentation, tabs, double spaces: one space each
    plain = "Gold prices are expected to come under pressure next week."
    want = [(s.asset, s.direction) for s in engine.evaluate(plain).signals]
    assert want == [("gold", "bearish")]
    for gap in ("\r\n", "  ", " \n", "\n    ", "\t", "\u00a0", " \r\n\t"):
        text = plain.replace("under ", "under" + gap)
        report = engine.evaluate(text)
        assert [(s.asset, s.direction) for s in report.signals] == want, repr(gap)
        ev = report.signals[0].evidence[0]
        assert text[ev.start : ev.end] == ev.sentence
        assert text[ev.trigger.start : ev.trigger.end] == ev.trigger.text


def test_trusted_report_constructors_take_every_field_and_no_other():
    """The engine builds report objects without validation: each model's ``from_checked`` takes
    exactly its fields, keyword-only, and builds what validation would have built."""
    from impact.report import DocumentInfo, Evidence, Span

    built = DocumentInfo.from_checked(id="a1", language="zh", chars=12, published_at=None)
    assert built == DocumentInfo(id="a1", language="zh", chars=12, published_at=None)
    assert built.model_fields_set == set(DocumentInfo.model_fields)
    assert built.model_dump_json() == DocumentInfo(id="a1", language="zh", chars=12).model_dump_json()
    with pytest.raises(TypeError, match="published_at"):
        DocumentInfo.from_checked(id="a1", language="zh", chars=12)
    with pytest.raises(TypeError, match="colour"):
        Span.from_checked(start=0, end=2, text="金价", colour="red")
    with pytest.raises(TypeError):
        Span.from_checked(0, 2, "金价")  # by name only
    assert Evidence.from_checked.__func__ is not Span.from_checked.__func__  # each model its own


def test_evaluate_and_trace_give_the_same_report(engine):
    """evaluate() takes shortcuts trace() does not (an event whose `all` group has no term in the
    sentence is dropped unexamined; trace() examines it to say why it missed): same reports."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "articles").iterdir()) if p.is_file()]
    texts += [
        "Gold rose 1% after US CPI came in below forecasts, while the dollar slipped.",
        "美联储维持利率不变，但暗示年内可能降息两次，金价应声走高，美元指数回落。",
        "Copper fell as LME inventories rose; tin was steady.",
    ]
    assert len(texts) > 5
    for text in texts:
        assert engine.trace(text).report.to_json() == engine.evaluate(text).to_json()
