"""`impact rules stats`: a rule author scores the pack on a labelled corpus."""

import json

from typer.testing import CliRunner

from impact.cli.app import app
from impact.authoring.stats import corpus_stats, label_schemes, read_jsonl, scheme_for

runner = CliRunner()


def write_jsonl(tmp_path, rows, name="corpus.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


ASSET_ROWS = [
    {"id": "1", "text": "Gold rallies to a two-week high as yields slip.", "labels": {"gold": "bullish"}},
    {"id": "2", "text": "Copper slips as LME stocks rise.", "labels": {"copper": "bearish"}},
    {"id": "3", "text": "Gold climbs on bargain hunting.", "labels": {"gold": "bearish"}},
    {"id": "4", "text": "The company won a gold medal for design.", "labels": {}},
    {"id": "5", "text": "The museum reopened in May.", "labels": {}},
    {"id": "6", "text": "Nickel was quiet.", "labels": {"nickel": "bullish"}},
]


def test_asset_labels_give_precision_coverage_and_false_fire(engine, tmp_path):
    stats = corpus_stats(engine, read_jsonl(write_jsonl(tmp_path, ASSET_ROWS)))
    assert stats["labels"] == {"field": "labels", "kind": "assets"}
    total = stats["total"]
    assert total["directional"] == 4 and total["calls"] == 3 and total["correct"] == 2
    assert total["precision"] == round(2 / 3, 6) and total["coverage"] == 0.75
    assert stats["no_view"] == {**stats["no_view"], "items": 2, "fired": 0, "false_fire": 0.0}
    up = next(r for r in stats["rules"] if r["rule"] == "market.move.up")
    assert up["fires"] == 2 and up["judged"] == 2 and up["precision"] == 0.5
    assert "sanctions.lifted.gold" in stats["never_fired"]


def test_fomc_stance_maps_to_usd_and_neutral_is_no_view(engine, tmp_path):
    rows = [
        {"id": "a", "text": "The dollar rallied after the statement.", "stance": "hawkish"},
        {"id": "b", "text": "The dollar fell sharply.", "stance": "hawkish"},
        {"id": "c", "text": "Members discussed the staff outlook.", "stance": "neutral"},
        {"id": "d", "text": "The dollar slipped on Tuesday.", "stance": "neutral"},
    ]
    stats = corpus_stats(engine, read_jsonl(write_jsonl(tmp_path, rows)))
    usd = stats["assets"][0]
    assert [r["asset"] for r in stats["assets"]] == ["usd"]
    assert (usd["directional"], usd["calls"], usd["correct"]) == (2, 2, 1)
    assert stats["no_view"]["items"] == 2 and stats["no_view"]["fired"] == 1


def test_gold_15m_leaves_flat_items_out_and_reports_the_base_rate(engine, tmp_path):
    rows = [
        {"id": "a", "text": "金价大涨2%。", "gold_15m": 1},
        {"id": "b", "text": "金价小幅下跌。", "gold_15m": 1},
        {"id": "c", "text": "金价大涨。", "gold_15m": 0},
        {"id": "d", "text": "股市收涨。", "gold_15m": -1},
    ]
    gold = corpus_stats(engine, read_jsonl(write_jsonl(tmp_path, rows)))["assets"][0]
    assert (gold["directional"], gold["calls"], gold["correct"], gold["flat"]) == (3, 2, 1, 1)
    assert gold["base_rate"] == round(2 / 3, 6)


def test_event_types_count_asserted_facts_and_negated_labels(engine, tmp_path):
    rows = [
        {"id": "a", "text": "The EU imposed fresh sanctions on Iran.",
         "events": [{"type": "Embargo", "polarity": "Positive"}]},
        {"id": "b", "text": "The US did not impose new sanctions on Iran.",
         "events": [{"type": "Embargo", "polarity": "Negative"}]},
        {"id": "c", "text": "Oil prices rose.", "events": [{"type": "Movement-up-gain", "polarity": "Positive"}]},
    ]
    stats = corpus_stats(engine, read_jsonl(write_jsonl(tmp_path, rows)))
    embargo = next(t for t in stats["event_types"] if t["type"] == "Embargo")
    assert (embargo["tp"], embargo["fp"], embargo["fn"]) == (1, 0, 0)
    assert embargo["negated_labelled"] == 1 and embargo["negated_fired_as_asserted"] == 0


def test_label_map_overrides_and_explicit_fields():
    scheme = scheme_for("stance", None, ["neutral=usd:neutral"])
    assert scheme.values["neutral"] == ("usd", "neutral")
    mine = scheme_for("tone", None, ["up=copper:bullish", "down=copper:bearish"])
    assert mine.assets == ("copper",)
    assert scheme_for("auto", {"text": "x", "gold_15m": 0}).field == "gold_15m"
    assert set(label_schemes()) == {"labels", "stance", "gold_15m", "events"}


def test_cli_table_json_csv_and_baseline(tmp_path):
    path = write_jsonl(tmp_path, ASSET_ROWS)
    table = runner.invoke(app, ["rules", "stats", str(path)])
    assert table.exit_code == 0, table.output
    assert "per asset" in table.output and "never fired" in table.output
    out = runner.invoke(app, ["rules", "stats", str(path), "--format", "json"])
    doc = json.loads(out.output)
    assert doc["schema"] == "impact.stats/1" and doc["documents"] == 6
    assert "conflict_matrix" in doc and "timing" in doc
    rows = runner.invoke(app, ["rules", "stats", str(path), "--format", "csv"]).output.splitlines()
    assert rows[0] == "section,name,metric,value" and any(r.startswith("total,all,precision,") for r in rows)
    base = json.loads(runner.invoke(app, ["rules", "stats", str(path), "--baseline", "--format", "json"]).output)
    assert base["scorer"] == "naive-baseline" and base["total"]["calls"] == 1  # "Gold climbs"; the other two sentences hold an up and a down word


def test_cli_errors_are_messages_with_exit_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1, "text": "ok"}\nnot json\n', encoding="utf-8")
    result = runner.invoke(app, ["rules", "stats", str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:2" in result.output
    missing = runner.invoke(app, ["rules", "stats", str(tmp_path / "none.jsonl")])
    assert missing.exit_code == 2
    unmapped = write_jsonl(tmp_path, [{"id": 1, "text": "x", "tone": "up"}], "tone.jsonl")
    assert runner.invoke(app, ["rules", "stats", str(unmapped), "--labels", "tone"]).exit_code == 2


def test_min_score_keeps_only_strong_calls(engine, tmp_path):
    rows = [
        {"id": "a", "text": "金价大涨2%,创下历史新高,分析师看涨。", "gold_15m": 1},
        {"id": "b", "text": "特朗普威胁对欧盟商品加征关税。", "gold_15m": -1},
    ]
    path = write_jsonl(tmp_path, rows)
    every = corpus_stats(engine, read_jsonl(path))["assets"][0]
    strong = corpus_stats(engine, read_jsonl(path), min_score=0.3)["assets"][0]
    assert (every["calls"], every["correct"]) == (2, 1)
    assert (strong["calls"], strong["correct"]) == (1, 1)


def test_cli_a_line_that_cannot_be_read_names_the_file_and_line(tmp_path):
    good = b'{"id": 1, "text": "Gold fell."}\n'
    for name, bad, reason in [
        ("utf8.jsonl", b'{"id": 2, "text": "Gold \xff fell."}\n', "invalid UTF-8 at byte 24"),
        ("bigint.jsonl", b'{"id": 2, "text": "x", "n": ' + b"9" * 5000 + b"}\n", "unreadable JSON: Exceeds the limit"),
        ("deep.jsonl", b"[" * 100_000 + b"\n", "unreadable JSON: nested too deeply"),
    ]:
        path = tmp_path / name
        path.write_bytes(good + bad)
        result = runner.invoke(app, ["rules", "stats", str(path)])
        assert result.exit_code == 2, result.output
        assert f"{name}:2: {reason}" in result.stderr and "internal error" not in result.stderr


def test_a_corpus_with_a_bom_is_read(engine, tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(ASSET_ROWS[0]).encode() + b"\n")
    assert corpus_stats(engine, read_jsonl(path))["documents"] == 1


def test_the_bundled_label_file_names_only_events_of_the_bundled_rules(engine):
    from impact.authoring.labels import load_labels

    named = {e for f in load_labels().fields.values() for events in f.events.values() for e in events}
    assert named and named <= set(engine.ruleset.events)


def test_a_label_file_that_does_not_fit_its_schema_names_the_file_and_the_field(tmp_path):
    import pytest

    from impact.authoring.labels import load_labels
    from impact.errors import InputError

    bad = tmp_path / "labels.yaml"
    bad.write_text("fields:\n  stance:\n    kind: value\n    values: {hawkish: usd:up}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"labels.yaml: fields.stance.values: .*'usd:up' is not ASSET:DIRECTION"):
        load_labels(bad)
