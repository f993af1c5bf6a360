"""Corpus statistics for rule authors: how often each rule fires, overlaps, conflicts, and how often
it agrees with labels; per asset totals; event-type precision and recall. ``impact rules stats``.

A superset of Snorkel's labelling-function summary, one implementation shared by every caller.

Labels come from one field of each JSONL record, read through the label file beside the rules
(``labels.yaml``, validated by ``impact.authoring.labels``; :func:`label_schemes`):

========== ======== ==============================================================================
field      kind     meaning
========== ======== ==============================================================================
labels     assets   ``{"gold": "bullish", "XAU": "Bearish", ...}``: any name of an asset in the rules, a
                    direction in any case; an asset missing from the mapping (or null) has no view
stance     value    FOMC stance: hawkish -> usd bullish, dovish -> usd bearish, neutral -> no view
gold_15m   value    gold's 15-minute move: 1 -> bullish, -1 -> bearish, 0 -> flat (left out of
                    precision and coverage; the base rate is reported)
events     events   event types with polarity; a type counts when some fact of its mapped events is
                    asserted (not negated, reversed or conditional) in the document
========== ======== ==============================================================================

``--labels auto`` picks the first of these fields present in the first record. ``--label-map``
overrides a value mapping (``hawkish=usd:bullish``, ``neutral=none``, ``0=gold:flat``) or an event
type's events (``Oversupply=supply.surplus,market.glut``; an event id ending in ``.`` is a prefix).

Terms, for an asset A and a labelled item: the *net view* is the engine's signal on A; a *call* is a
net bullish or bearish view; an item is *directional* for A when its label for A is bullish or
bearish. precision = calls agreeing with directional labels / calls on directional items;
coverage = directional items with a call / directional items; false fire = items that carry no view
(for the label field's assets) on which the engine gives any view on those assets.
"""

from __future__ import annotations

import math
import re
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from impact.authoring.labels import LabelFile, load_labels
from impact.errors import InputError
from impact.ruleset.modifiers import ASSERTED
from impact.ruleset.schema import expand_terms

FLAT = "flat"
DIRECTIONS = ("bullish", "bearish", "neutral")
OPPOSITE = {"bullish": "bearish", "bearish": "bullish"}

# dataset event types -> engine event ids (an id ending in '.' is a prefix)
@dataclass(frozen=True)
class LabelScheme:
    """How one record field becomes labels."""

    field: str
    kind: str  # assets | value | events
    values: dict[str, tuple[str, str] | None] = field(default_factory=dict)  # value -> (asset, direction) | None
    events: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def assets(self) -> tuple[str, ...] | None:
        """The assets the field speaks about (None: every asset, as with ``labels``)."""
        if self.kind != "value":
            return None
        return tuple(dict.fromkeys(v[0] for v in self.values.values() if v))


def label_schemes(labels: LabelFile | None = None) -> dict[str, LabelScheme]:
    """The label fields of a label file (default: the bundled ``labels.yaml``), by field name."""
    spec = labels if labels is not None else load_labels()
    schemes = {}
    for name, f in spec.fields.items():
        values: dict[str, tuple[str, str] | None] = {}
        for value, view in f.values.items():
            asset, _, direction = view.partition(":")
            values[value] = None if view == "none" else (asset, direction)
        schemes[name] = LabelScheme(name, f.kind, values, {k: tuple(v) for k, v in f.events.items()})
    return schemes


def scheme_for(
    name: str | None, first: dict[str, Any] | None, overrides: Iterable[str] = (), labels: LabelFile | None = None
) -> LabelScheme | None:
    """The label scheme for ``--labels name`` ('auto': detected from the first record), with
    overrides; the known fields are those of ``labels`` (default: the bundled label file)."""
    if name is None or name == "none":
        return None
    known = label_schemes(labels)
    if name == "auto":
        found = [f for f in known if first is not None and f in first]
        if not found:
            return None
        base = known[found[0]]
    elif name in known:
        base = known[name]
    else:
        base = LabelScheme(name, "value")  # a field of the user's: --label-map says what it means
    values, events = dict(base.values), dict(base.events)
    for item in overrides:
        key, sep, target = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--label-map {item!r}: expected VALUE=ASSET:DIRECTION, VALUE=none or TYPE=EVENT[,EVENT]")
        key, target = key.strip(), target.strip()
        if base.kind == "events":
            events[key] = tuple(t.strip() for t in target.split(",") if t.strip())
        elif target.lower() == "none":
            values[key] = None
        else:
            asset, sep, direction = target.partition(":")
            if not sep or direction not in (*DIRECTIONS, FLAT):
                raise InputError(f"--label-map {item!r}: expected ASSET:DIRECTION with a direction of "
                                 f"{', '.join((*DIRECTIONS, FLAT))}")
            values[key] = (asset.strip(), direction)
    if base.kind == "value" and not values:
        raise InputError(f"--labels {name}: field {name!r} is not a known label field "
                         f"({', '.join(known)}); give its meaning with --label-map VALUE=ASSET:DIRECTION")
    return LabelScheme(base.field, base.kind, values, events)


def _value_key(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value)


def asset_labels(
    scheme: LabelScheme, record: dict[str, Any], asset_of: Callable[[str], str] = str, where: object = None
) -> dict[str, str] | None:
    """asset -> direction (or 'flat') of one record; None when the record has no such field.

    ``asset_of`` turns a label's asset key into the canonical id (XAU, 黄金, aluminum -> gold,
    gold, aluminium) and raises InputError for an unknown one; directions are read whatever
    their case. A value that is no direction is an InputError naming ``where`` (path:line).
    """
    if scheme.field not in record or record[scheme.field] is None:
        return None
    at = f"{where}: " if where is not None else ""
    raw = record[scheme.field]
    if scheme.kind == "assets":
        if not isinstance(raw, dict):
            raise InputError(f"{at}field {scheme.field!r} must be an object of asset -> direction")
        out: dict[str, str] = {}
        for key, value in raw.items():
            if value is None:  # written out as no view
                continue
            direction = value.strip().lower() if isinstance(value, str) else value
            if direction not in (*DIRECTIONS, FLAT):
                raise InputError(f"{at}label {value!r} of {key!r} is no direction; use one of "
                                 f"{', '.join((*DIRECTIONS, FLAT))} or null")
            try:
                asset = asset_of(str(key))
            except InputError as exc:
                raise InputError(f"{at}label {key!r}: {exc}") from None
            if out.get(asset, direction) != direction:
                raise InputError(f"{at}asset {asset!r} is labelled twice, {out[asset]} and {direction} "
                                 f"({key!r} is one of its names)")
            out[asset] = direction
        return out
    if scheme.kind == "value":
        key = _value_key(raw)
        if key not in scheme.values:
            raise InputError(f"{at}label {raw!r} of field {scheme.field!r} has no mapping "
                             f"(use --label-map {key}=ASSET:DIRECTION)")
        target = scheme.values[key]
        return {} if target is None else {target[0]: target[1]}
    return {}


def asset_resolver(engine: Any) -> Callable[[str], str]:
    """A label's asset key -> the rule set's canonical asset id, as the CLI reads ``--fail-on gold``."""
    from impact.ruleset.collection import canonical_asset

    known: dict[str, str] = {}

    def asset_of(name: str) -> str:
        if name not in known:
            known[name] = canonical_asset(name, engine.ruleset)
        return known[name]

    return asset_of


def event_labels(scheme: LabelScheme, record: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(types asserted, types only negated) of one record, for the mapped types."""
    asserted: set[str] = set()
    negated: set[str] = set()
    for ev in record.get(scheme.field) or []:
        kind = ev.get("type")
        if kind not in scheme.events:
            continue
        if str(ev.get("polarity", "Positive")).lower() == "negative":
            negated.add(kind)
        else:
            asserted.add(kind)
    return asserted, negated - asserted


def _event_matches(event: str, targets: tuple[str, ...]) -> bool:
    return any(event == t or (t.endswith(".") and event.startswith(t)) for t in targets)


# -- reading -----------------------------------------------------------------------------------


def read_jsonl(path: str | Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """('path:line', record) of a JSONL file; blank lines are skipped, a bad line is an InputError."""
    from impact.io.records import json_lines

    try:
        handle = open(path, "rb")
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None
    with handle:
        for item in json_lines(handle):
            if item.blank:
                continue
            if item.error is not None:
                raise InputError(f"{path}:{item.number}: {item.error}")
            record = item.value
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(f"{path}:{item.number}: a record needs a string 'text'")
            yield f"{path}:{item.number}", record


# -- what one document gave ----------------------------------------------------------------------


@dataclass(slots=True)
class DocResult:
    net: dict[str, str]  # asset -> net direction
    rule_views: dict[str, dict[str, set[str]]]  # rule -> asset -> directions of its evidence
    events: set[str]  # asserted event ids
    seconds: float


def engine_result(engine: Any, text: str, min_score: float = 0.0) -> DocResult:
    """What the engine said about one text; bullish/bearish views with |score| < min_score count as silent."""
    t0 = time.perf_counter()
    tr = engine.trace(text)
    seconds = time.perf_counter() - t0
    rule_views: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for sig in tr.report.with_evidence():  # a rule's votes, whatever the net view
        for ev in sig.evidence:
            rule_views[ev.rule][sig.asset].add(ev.direction)
    events = {
        f.event for f in tr.facts
        if not any(f.flag(name) for name in ASSERTED)
    }
    net = {
        s.asset: s.direction for s in tr.report.signals if s.direction == "neutral" or abs(s.score) >= min_score
    }
    return DocResult(net, rule_views, events, seconds)


_SENT_RE = re.compile(r"[^。！？；!?;.\n]+(?:[。！？；!?;.\n]|$)")


class NaiveBaseline:
    """The scorer to beat: an asset alias and an up or down word in one sentence -> that direction.

    Uses the rule set's asset names and its ``up_move``/``down_move`` lexicons; a sentence with
    both an up and a down word gives nothing.
    """

    def __init__(self, ruleset: Any):
        self.aliases: list[tuple[re.Pattern, str]] = []
        for asset, spec in ruleset.assets.items():
            for lang in ("zh", "en"):
                for name in getattr(spec.names, lang):
                    self.aliases.append((_word_re(name, lang), asset))
        self.words = {}
        for lex, direction in (("up_move", "bullish"), ("down_move", "bearish")):
            spec = ruleset.lexicons.get(lex)
            terms = [] if spec is None else [
                (t, lang) for lang in ("zh", "en") for t in expand_terms(ruleset.lexicons, getattr(spec, lang), lang)
            ]
            self.words[direction] = [_word_re(t, lang) for t, lang in terms]

    def __call__(self, text: str) -> DocResult:
        t0 = time.perf_counter()
        votes: dict[str, set[str]] = defaultdict(set)
        for m in _SENT_RE.finditer(text.lower()):
            s = m.group(0)
            named = {a for rx, a in self.aliases if rx.search(s)}
            if not named:
                continue
            dirs = {d for d, rxs in self.words.items() if any(rx.search(s) for rx in rxs)}
            if len(dirs) == 1:
                for a in named:
                    votes[a] |= dirs
        net = {a: next(iter(d)) for a, d in votes.items() if len(d) == 1}
        views = {"naive.baseline": defaultdict(set, {a: {d} for a, d in net.items()})} if net else {}
        return DocResult(net, views, set(), time.perf_counter() - t0)


def _word_re(term: str, lang: str) -> re.Pattern:
    t = re.escape(term.lower()).replace(r"\*", r"\w*")
    return re.compile(t if lang == "zh" else rf"(?<![\w-]){t}(?![\w-])")


# -- aggregation -----------------------------------------------------------------------------------


def _ratio(a: float, b: float) -> float | None:
    # six places: the table shows three, and rounding 0.36653 to 0.3665 first would print 0.366
    return None if b == 0 else round(a / b, 6)


def _quantile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    i = min(len(sorted_values) - 1, max(0, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[i]


def corpus_stats(
    engine: Any,
    records: Iterable[tuple[object, dict[str, Any]]],
    labels: str | None = "auto",
    label_map: Iterable[str] = (),
    baseline: bool = False,
    min_score: float = 0.0,
) -> dict[str, Any]:
    """Evaluate every record and summarise per rule, per asset, per event type. JSON-ready.

    ``records``: (where, record) pairs, as ``read_jsonl`` gives them; ``where`` (path:line) names
    a record whose labels cannot be read.

    ``min_score``: a net bullish or bearish view counts only when its |score| reaches it (the
    precision/coverage trade-off of a user who acts on strong signals only); per-rule figures are
    not affected.
    """
    ruleset = engine.ruleset
    scorer = NaiveBaseline(ruleset) if baseline else (lambda text: engine_result(engine, text, min_score))
    rule_ids = ["naive.baseline"] if baseline else [r.id for r in ruleset.active_rules]
    all_assets = list(ruleset.assets)
    asset_of = asset_resolver(engine)

    scheme: LabelScheme | None = None
    scheme_decided = False
    n_docs = 0
    times: list[float] = []
    fires: Counter = Counter()
    overlaps: Counter = Counter()
    conflicts: Counter = Counter()
    pair_conflicts: Counter = Counter()
    pair_overlaps: Counter = Counter()
    r_correct: Counter = Counter()
    r_judged: Counter = Counter()
    r_unlabelled: Counter = Counter()
    asset_rows: dict[str, Counter] = defaultdict(Counter)
    no_view_items = 0
    no_view_fired = 0
    label_counts: Counter = Counter()
    ev_tp: Counter = Counter()
    ev_fp: Counter = Counter()
    ev_fn: Counter = Counter()
    ev_neg: Counter = Counter()
    ev_neg_fired: Counter = Counter()
    ev_fired_docs: Counter = Counter()

    for where, record in records:
        if not scheme_decided:
            scheme = scheme_for(labels, record, label_map)
            if scheme is not None and scheme.kind == "value":  # --label-map hawkish=DXY:bullish names usd
                try:
                    values = {k: None if v is None else (asset_of(v[0]), v[1]) for k, v in scheme.values.items()}
                except InputError as exc:
                    raise InputError(f"labels of field {scheme.field!r}: {exc}") from None
                scheme = LabelScheme(scheme.field, scheme.kind, values, scheme.events)
            scheme_decided = True
        n_docs += 1
        res = scorer(record["text"])
        times.append(res.seconds)

        # rules: fires, overlaps, conflicts
        fired = res.rule_views
        for rid, by_asset in fired.items():
            fires[rid] += 1
            overlapped = conflicted = False
            for other, o_assets in fired.items():
                if other == rid:
                    continue
                shared = set(by_asset) & set(o_assets)
                if not shared:
                    continue
                overlapped = True
                pair_overlaps[(rid, other)] += 1
                if any(OPPOSITE.get(d) in o_assets[a] for a in shared for d in by_asset[a]):
                    conflicted = True
                    pair_conflicts[(rid, other)] += 1
            overlaps[rid] += overlapped
            conflicts[rid] += conflicted

        if scheme is None:
            continue
        if scheme.kind == "events":
            asserted, negated = event_labels(scheme, record)
            for kind, targets in scheme.events.items():
                hit = any(_event_matches(e, targets) for e in res.events)
                ev_fired_docs[kind] += hit
                if kind in asserted:
                    if hit:
                        ev_tp[kind] += 1
                    else:
                        ev_fn[kind] += 1
                elif hit:
                    ev_fp[kind] += 1
                if kind in negated:
                    ev_neg[kind] += 1
                    ev_neg_fired[kind] += hit
            continue

        item = asset_labels(scheme, record, asset_of, where)
        if item is None:
            continue
        scope = scheme.assets or all_assets
        for a in scope:
            label_counts[(a, item.get(a, "none"))] += 1
        if not any(item.get(a) in DIRECTIONS for a in scope) and not any(item.get(a) == FLAT for a in scope):
            no_view_items += 1
            no_view_fired += any(a in res.net for a in scope)
        for rid, by_asset in fired.items():
            for a, dirs in by_asset.items():
                lab = item.get(a)
                if lab in ("bullish", "bearish"):
                    for d in dirs & {"bullish", "bearish"}:
                        r_judged[rid] += 1
                        r_correct[rid] += d == lab
                elif lab is None and a in scope:
                    r_unlabelled[rid] += 1
        for a in scope:
            row = asset_rows[a]
            lab = item.get(a)
            net = res.net.get(a)
            if lab is not None:
                row["labelled"] += 1
            if net is not None:
                row["signals"] += 1
            if lab == FLAT:
                row["flat"] += 1
                row["flat_calls"] += net in ("bullish", "bearish")
            elif lab in ("bullish", "bearish"):
                row["directional"] += 1
                row[f"label_{lab}"] += 1
                if net in ("bullish", "bearish"):
                    row["calls"] += 1
                    row["correct"] += net == lab
                    row[f"calls_{net}"] += 1
                    row[f"correct_{net}"] += net == lab
            elif lab == "neutral":
                row["label_neutral"] += 1
                row["neutral_hits"] += net == "neutral"
                row["neutral_called"] += net in ("bullish", "bearish")
            else:  # no label for this asset
                row["unlabelled"] += 1
                row["unlabelled_fired"] += net is not None

    out: dict[str, Any] = {
        "schema": "impact.stats/1",
        "documents": n_docs,
        "ruleset": engine.ruleset_hash,
        "scorer": "naive-baseline" if baseline else "engine",
        "min_score": min_score,
        "labels": None if scheme is None else {"field": scheme.field, "kind": scheme.kind},
    }
    ts = sorted(times)
    out["timing"] = {
        "total_s": round(sum(ts), 4),
        "per_document_ms": {
            "mean": round(1000 * sum(ts) / len(ts), 3) if ts else 0.0,
            "p50": round(1000 * _quantile(ts, 0.5), 3),
            "p90": round(1000 * _quantile(ts, 0.9), 3),
            "p99": round(1000 * _quantile(ts, 0.99), 3),
            "max": round(1000 * (ts[-1] if ts else 0.0), 3),
        },
        "note": "per-document evaluation time; rules run together in one automaton pass and one inference call, "
                "so time is not split per rule",
    }
    rules_out = []
    for rid in rule_ids:
        f = fires[rid]
        row = {
            "rule": rid,
            "fires": f,
            "coverage": _ratio(f, n_docs),
            "overlaps": overlaps[rid],
            "conflicts": conflicts[rid],
        }
        if scheme is not None and scheme.kind != "events":
            row.update(judged=r_judged[rid], correct=r_correct[rid], precision=_ratio(r_correct[rid], r_judged[rid]),
                       unlabelled_fires=r_unlabelled[rid])
        rules_out.append(row)
    out["rules"] = rules_out
    out["never_fired"] = [rid for rid in rule_ids if fires[rid] == 0]
    out["conflict_matrix"] = [
        {"rule": a, "other": b, "documents": n} for (a, b), n in sorted(pair_conflicts.items(), key=lambda x: (-x[1], x[0]))
    ]
    out["overlap_matrix"] = [
        {"rule": a, "other": b, "documents": n} for (a, b), n in sorted(pair_overlaps.items(), key=lambda x: (-x[1], x[0]))
    ]

    if scheme is not None and scheme.kind == "events":
        types = []
        for kind in scheme.events:
            tp, fp, fn = ev_tp[kind], ev_fp[kind], ev_fn[kind]
            types.append({
                "type": kind, "events": list(scheme.events[kind]), "labelled": tp + fn, "fired": ev_fired_docs[kind],
                "tp": tp, "fp": fp, "fn": fn, "precision": _ratio(tp, tp + fp), "recall": _ratio(tp, tp + fn),
                "negated_labelled": ev_neg[kind], "negated_fired_as_asserted": ev_neg_fired[kind],
            })
        out["event_types"] = types
    elif scheme is not None:
        assets_out = []
        totals: Counter = Counter()
        for a in scheme.assets or all_assets:
            r = asset_rows[a]
            totals.update(r)
            assets_out.append(_asset_row(a, r))
        out["assets"] = assets_out
        out["total"] = _asset_row("all", totals)
        out["no_view"] = {
            "items": no_view_items,
            "fired": no_view_fired,
            "false_fire": _ratio(no_view_fired, no_view_items),
            "note": "items whose label carries no view on any of the field's assets; fired = any signal on them",
        }
    return out


def _asset_row(asset: str, r: Counter) -> dict[str, Any]:
    flat = r["flat"]
    labelled_nonflat = r["directional"]
    row = {
        "asset": asset,
        "labelled": r["labelled"],
        "directional": labelled_nonflat,
        "bullish_labels": r["label_bullish"],
        "bearish_labels": r["label_bearish"],
        "neutral_labels": r["label_neutral"],
        "signals": r["signals"],
        "calls": r["calls"],
        "correct": r["correct"],
        "precision": _ratio(r["correct"], r["calls"]),
        "precision_bullish": _ratio(r["correct_bullish"], r["calls_bullish"]),
        "precision_bearish": _ratio(r["correct_bearish"], r["calls_bearish"]),
        "coverage": _ratio(r["calls"], labelled_nonflat),
        "neutral_labels_called_directional": r["neutral_called"],
        "unlabelled": r["unlabelled"],
        "unlabelled_fired": r["unlabelled_fired"],
        "false_fire_unlabelled": _ratio(r["unlabelled_fired"], r["unlabelled"]),
    }
    if flat:
        row.update(flat=flat, flat_calls=r["flat_calls"],
                   base_rate=_ratio(max(r["label_bullish"], r["label_bearish"]), labelled_nonflat),
                   base_rate_note="share of the larger direction among non-flat items: precision of always calling it")
    return row


# -- rendering -------------------------------------------------------------------------------------


def to_csv_rows(stats: dict[str, Any]) -> Iterator[list[Any]]:
    """Long format: section, name, metric, value (every figure of the JSON, one per row)."""
    yield ["section", "name", "metric", "value"]
    for k in ("documents", "scorer", "ruleset"):
        yield ["corpus", "", k, stats[k]]
    for k, v in stats["timing"]["per_document_ms"].items():
        yield ["timing", "per_document_ms", k, v]
    for section, key in (("rules", "rule"), ("assets", "asset"), ("event_types", "type")):
        for row in stats.get(section, []):
            for metric, value in row.items():
                if metric != key:
                    yield [section, row[key], metric, ",".join(value) if isinstance(value, list) else value]
    if "total" in stats:
        for metric, value in stats["total"].items():
            if metric != "asset":
                yield ["total", "all", metric, value]
    if "no_view" in stats:
        for metric in ("items", "fired", "false_fire"):
            yield ["no_view", "", metric, stats["no_view"][metric]]
    for rid in stats["never_fired"]:
        yield ["never_fired", rid, "fires", 0]
    for section in ("conflict_matrix", "overlap_matrix"):
        for row in stats[section]:
            yield [section, f"{row['rule']}|{row['other']}", "documents", row["documents"]]
